/* ovni: error codes, messages and logging.
 *
 * Every function that can fail returns 0 or a negative OVNI_E* code. The code
 * says what kind of failure it was; ovni_last_error() says, in words, which
 * file, stream, parameter or driver call was at fault. The message is kept per
 * thread, so the thread that got the error reads the message of that error. */
#ifndef OVNI_ERROR_H
#define OVNI_ERROR_H

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ovni_error {
    OVNI_OK = 0,
    OVNI_EINVAL = -1,       /* a parameter is out of range or inconsistent */
    OVNI_ENOMEM = -2,       /* host or device memory exhausted */
    OVNI_EIO = -3,          /* a file could not be opened, read or written */
    OVNI_EFORMAT = -4,      /* input data is malformed or not what it claims */
    OVNI_EUNSUPPORTED = -5, /* valid, but this build or device cannot do it */
    OVNI_EGPU = -6,         /* a CUDA / NVDEC / NVENC call failed */
    OVNI_ENODEV = -7,       /* no usable GPU, driver or encoder */
    OVNI_EOF = -8,          /* end of stream: not a failure */
    OVNI_ECANCELED = -9,    /* stopped on request */
};

/* A short, static description of a code ("invalid parameter", ...). */
OVNI_API const char *ovni_strerror(int code);

/* The message of the last error on the calling thread: names what failed.
 * Never NULL; empty when no error happened on this thread. */
OVNI_API const char *ovni_last_error(void);

enum ovni_log_level {
    OVNI_LOG_ERROR = 0,
    OVNI_LOG_WARNING = 1,
    OVNI_LOG_INFO = 2,
    OVNI_LOG_DEBUG = 3,
};

typedef void (*ovni_log_callback)(void *cookie, int level, const char *message);

/* Messages at or below `level` are passed on (default: OVNI_LOG_INFO, or
 * OVNI_LOG_LEVEL=error|warning|info|debug from the environment). */
OVNI_API void ovni_log_set_level(int level);
/* NULL restores the default, which writes "ovni: <level>: <message>" to stderr.
 * The callback may be called from ovni's worker threads. */
OVNI_API void ovni_log_set_callback(ovni_log_callback cb, void *cookie);

#ifdef __cplusplus
}
#endif
#endif
