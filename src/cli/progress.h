/* Progress of a job on stderr: on a terminal one line rewritten in place
 * (frame/total, %, fps, speed x real time, ETA); `plain` prints a line every
 * few seconds for logs; `quiet` prints nothing. */
#ifndef OVNI_CLI_PROGRESS_H
#define OVNI_CLI_PROGRESS_H

#include <stdint.h>

typedef enum progress_mode { PROGRESS_AUTO, PROGRESS_TTY, PROGRESS_PLAIN, PROGRESS_QUIET } progress_mode;

typedef struct progress {
    progress_mode mode;
    int64_t total;      /* 0: unknown */
    double fps;         /* of the output, for "speed x real time" */
    double start, last; /* monotonic seconds */
    int drawn;          /* a tty line is on screen */
    int64_t last_done;  /* frames at the last line printed */
} progress;

double progress_now(void);
/* Parses "--progress=tty|plain|none"'s value; -1 if it is none of those. */
int progress_parse_mode(const char *s);
void progress_start(progress *p, progress_mode mode, int64_t total, double fps);
void progress_update(progress *p, int64_t done);
/* Ends the line on a terminal; `done` frames were made in total. */
void progress_finish(progress *p, int64_t done);

#endif
