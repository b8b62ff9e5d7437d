/* LD_PRELOAD shim for the valgrind test only (never linked into ovni).
 *
 * Debian's libavcodec pulls in libjxl -> libhwy, whose constructor calls
 * hwy::platform::TimerResolution(), which executes RDTSCP. On CPUs (VMs)
 * that do not advertise RDTSCP, valgrind 3.19 cannot translate it and kills
 * the program with SIGILL before main. The constructor calls the function
 * through libhwy's PLT, so a definition preloaded here takes its place; the
 * value only scales libhwy's own benchmark timers, which nothing here uses. */
#include <stdint.h>

uint64_t _ZN3hwy8platform15TimerResolutionEv(void); /* hwy::platform::TimerResolution() */
uint64_t _ZN3hwy8platform15TimerResolutionEv(void) { return 1; }
