#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static ovni_log_callback log_cb;
static void *log_cookie;
static int log_level = -1; /* -1: not yet read from the environment */

static int level_from_env(void)
{
    const char *e = getenv("OVNI_LOG_LEVEL");
    if (!e) return OVNI_LOG_INFO;
    if (!strcmp(e, "error") || !strcmp(e, "quiet")) return OVNI_LOG_ERROR;
    if (!strcmp(e, "warning")) return OVNI_LOG_WARNING;
    if (!strcmp(e, "debug")) return OVNI_LOG_DEBUG;
    return OVNI_LOG_INFO;
}

void ovni_log_set_level(int level)
{
    pthread_mutex_lock(&log_lock);
    log_level = level;
    pthread_mutex_unlock(&log_lock);
}

void ovni_log_set_callback(ovni_log_callback cb, void *cookie)
{
    pthread_mutex_lock(&log_lock);
    log_cb = cb;
    log_cookie = cookie;
    pthread_mutex_unlock(&log_lock);
}

int ovni_log_passes(int level)
{
    pthread_mutex_lock(&log_lock);
    if (log_level < 0) log_level = level_from_env();
    int pass = level <= log_level;
    pthread_mutex_unlock(&log_lock);
    return pass;
}

static void vlog(const ovni_device *dev, int level, const char *fmt, va_list ap)
{
    static const char *names[] = {"error", "warning", "info", "debug"};
    char msg[1024];
    pthread_mutex_lock(&log_lock);
    if (log_level < 0) log_level = level_from_env();
    if (level > log_level) {
        pthread_mutex_unlock(&log_lock);
        return;
    }
    vsnprintf(msg, sizeof(msg), fmt, ap);
    ovni_escape_controls(msg, sizeof(msg));
    if (dev && dev->logger.callback)
        dev->logger.callback(dev->logger.cookie, level, msg);
    else if (log_cb)
        log_cb(log_cookie, level, msg);
    else
        fprintf(stderr, "ovni: %s: %s\n", names[level < 0 ? 0 : level > 3 ? 3 : level], msg);
    pthread_mutex_unlock(&log_lock);
}

void ovni_log(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(NULL, level, fmt, ap);
    va_end(ap);
}

void device_log(const ovni_device *dev, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(dev, level, fmt, ap);
    va_end(ap);
}
