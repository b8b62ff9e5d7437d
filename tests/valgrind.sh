#!/usr/bin/env bash
# valgrind memcheck on a program (meson test 'valgrind'): any error, definite
# or indirect leak fails it. SKIP (77) only where valgrind itself cannot run
# a third-party library: on CPUs that do not advertise RDTSCP (some VMs),
# libhwy (libjxl, pulled in by libavcodec) executes it in a constructor
# before main, which valgrind 3.19 refuses with SIGILL.
# Usage: valgrind.sh VALGRIND SUPPRESSIONS PRELOAD PROGRAM [ARGS...]
# PRELOAD: tests/valgrind_hwy_timer.c built as a library, which keeps
# libhwy's constructor away from RDTSCP (see that file); the SKIP below is
# left for a libhwy that reaches RDTSCP some other way.
set -u
VG=$1 SUPP=$2 PRELOAD=$3
shift 3
log=$(mktemp)
trap 'rm -f "$log"' EXIT
LD_PRELOAD="$PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}" "$VG" --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --num-callers=30 --suppressions="$SUPP" --log-file="$log" "$@"
rc=$?
if [ $rc != 0 ] && grep -q "unhandled instruction bytes: 0xF 0x1 0xF9" "$log" && grep -q "libhwy" "$log" \
    && ! grep -q "in /.*ovni\|at .*: main " "$log"; then
    echo "valgrind: SKIP: valgrind cannot run libhwy's RDTSCP on this CPU (no rdtscp flag)"
    exit 77
fi
tail -25 "$log"
exit $rc
