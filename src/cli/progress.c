#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int progress_parse_mode(const char *s)
{
    if (!strcmp(s, "tty")) return PROGRESS_TTY;
    if (!strcmp(s, "plain")) return PROGRESS_PLAIN;
    if (!strcmp(s, "none") || !strcmp(s, "quiet")) return PROGRESS_QUIET;
    if (!strcmp(s, "auto")) return PROGRESS_AUTO;
    return -1;
}

void progress_start(progress *p, progress_mode mode, int64_t total, double fps)
{
    if (mode == PROGRESS_AUTO) mode = isatty(2) ? PROGRESS_TTY : PROGRESS_QUIET;
    *p = (progress){.mode = mode, .total = total, .fps = fps, .start = progress_now()};
    p->last = p->start;
}

static void format_time(char *buf, size_t len, double s)
{
    if (s < 0 || s > 359999) {
        snprintf(buf, len, "--:--");
        return;
    }
    int t = (int)(s + 0.5);
    if (t >= 3600) snprintf(buf, len, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
    else snprintf(buf, len, "%d:%02d", t / 60, t % 60);
}

static void print_line(progress *p, int64_t done, double now, int final)
{
    double el = now - p->start;
    double rate = el > 0 ? done / el : 0;
    char eta[32] = "";
    char line[160];
    int len;
    if (p->total > 0) {
        char t[16];
        format_time(t, sizeof(t), rate > 0 ? (p->total - done) / rate : -1);
        if (!final) snprintf(eta, sizeof(eta), ", ETA %s", t);
        len = snprintf(line, sizeof(line), "frame %lld/%lld (%3.0f%%)", (long long)done, (long long)p->total,
                       100.0 * done / p->total);
    } else {
        len = snprintf(line, sizeof(line), "frame %lld", (long long)done);
    }
    char el_s[16];
    format_time(el_s, sizeof(el_s), el);
    snprintf(line + len, sizeof(line) - (size_t)len, ", %.1f fps, %.2fx real time, %s elapsed%s", rate,
             p->fps > 0 ? rate / p->fps : 0, el_s, eta);
    if (p->mode == PROGRESS_TTY) {
        /* \r plus clear-to-end-of-line: the line shrinks cleanly */
        fprintf(stderr, "\r%s\033[K%s", line, final ? "\n" : "");
        p->drawn = !final;
    } else {
        fprintf(stderr, "%s\n", line);
    }
    fflush(stderr);
}

void progress_update(progress *p, int64_t done)
{
    if (p->mode == PROGRESS_QUIET) return;
    double now = progress_now();
    double every = p->mode == PROGRESS_TTY ? 0.25 : 2.0;
    if (now - p->last < every) return;
    p->last = now;
    p->last_done = done;
    print_line(p, done, now, 0);
}

void progress_finish(progress *p, int64_t done)
{
    if (p->mode == PROGRESS_QUIET || (p->mode == PROGRESS_PLAIN && done == p->last_done)) return;
    print_line(p, done, progress_now(), 1);
}
