#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

static _Thread_local char last_message[1024];

const char *ovni_strerror(int code)
{
    switch (code) {
    case OVNI_OK: return "success";
    case OVNI_EINVAL: return "invalid parameter";
    case OVNI_ENOMEM: return "out of memory";
    case OVNI_EIO: return "input/output error";
    case OVNI_EFORMAT: return "invalid or unsupported data";
    case OVNI_EUNSUPPORTED: return "not supported";
    case OVNI_EGPU: return "GPU driver call failed";
    case OVNI_ENODEV: return "no usable device";
    case OVNI_EOF: return "end of stream";
    case OVNI_ECANCELED: return "canceled";
    default: return "unknown error";
    }
}

const char *ovni_last_error(void) { return last_message; }

void ovni_error_clear(void) { last_message[0] = 0; }

/* Control characters (from a file name, a caption, a chain value) are shown
 * as \xNN: a message must not move the cursor or rewrite the terminal. */
void ovni_escape_controls(char *s, size_t cap)
{
    char tmp[1024];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 5 < sizeof(tmp); p++) {
        if (*p < 0x20 || *p == 0x7f) o += (size_t)snprintf(tmp + o, sizeof(tmp) - o, "\\x%02x", *p);
        else tmp[o++] = (char)*p;
    }
    tmp[o] = 0;
    snprintf(s, cap, "%s", tmp);
}

int ovni_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof(last_message), fmt, ap);
    va_end(ap);
    ovni_escape_controls(last_message, sizeof(last_message));
    ovni_log(OVNI_LOG_DEBUG, "error %d: %s", code, last_message);
    return code;
}

int ovni_error_prefix(int code, const char *fmt, ...)
{
    char prefix[256], old[sizeof(last_message) - sizeof(prefix) - 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    snprintf(old, sizeof(old), "%s", last_message);
    if (old[0])
        snprintf(last_message, sizeof(last_message), "%s: %s", prefix, old);
    else
        snprintf(last_message, sizeof(last_message), "%s: %s", prefix, ovni_strerror(code));
    ovni_escape_controls(last_message, sizeof(last_message));
    return code;
}
