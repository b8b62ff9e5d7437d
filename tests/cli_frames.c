/* Helper of test_cli.sh: checks an animated chain's output frame by frame
 * through the reader API. Usage: cli_frames FILE CHECK...; a CHECK is
 *   N:Y[:TOL]  frame N's mean luma is within TOL (default 2) of Y;
 *   N@X        frame N's bright part starts at column 0 and is X columns wide
 *              (luma above 126 on the middle row, every column counted);
 *   #N         the file has exactly N frames.
 * Prints what it measured for each check. */
#include <math.h>
#include <string.h>

#include "test.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cli_frames FILE N:Y[:TOL] | N@X | #N ...\n");
        return 2;
    }
    ovni_device *dev = NULL;
    ovni_reader *r = NULL;
    CHECK_OK(ovni_device_open(&dev, "cpu"));
    CHECK_OK(ovni_reader_open(&r, dev, argv[1], NULL));
    if (!r) return 1;
    int64_t n = 0;
    ovni_frame *f = NULL;
    while (ovni_reader_read(r, &f) == 0) {
        const ovni_frame *src = f; /* the CPU device gives host frames */
        for (int a = 2; a < argc; a++) {
            long want_n, want_x;
            double want_y, tol = 2;
            char c = 0;
            if (sscanf(argv[a], "%ld@%ld%c", &want_n, &want_x, &c) == 2 && want_n == n) {
                const uint8_t *row = src->data[0] + (size_t)(src->height / 2) * src->pitch[0];
                int bright = 0, run = 0;
                for (int x = 0; x < src->width; x++) bright += row[x] > 126;
                while (run < src->width && row[run] > 126) run++;
                printf("frame %ld: %d bright columns from 0, %d in all (want %ld)\n", want_n, run, bright, want_x);
                CHECK_MSG(run == want_x && bright == want_x, "frame %ld of %s: bright run %d (%d in all), wanted %ld",
                          want_n, argv[1], run, bright, want_x);
                continue;
            }
            int k = sscanf(argv[a], "%ld:%lf:%lf", &want_n, &want_y, &tol);
            if (k < 2 || want_n != n || strchr(argv[a], '@')) continue;
            double sum = 0;
            for (int y = 0; y < src->height; y++)
                for (int x = 0; x < src->width; x++) sum += src->data[0][(size_t)y * src->pitch[0] + x];
            double mean = sum / ((double)src->width * src->height);
            printf("frame %ld: mean Y %.2f (want %.2f +- %g)\n", want_n, mean, want_y, tol);
            CHECK_MSG(fabs(mean - want_y) <= tol, "frame %ld of %s: mean Y %.2f, wanted %.2f +- %g", want_n, argv[1],
                      mean, want_y, tol);
        }
        ovni_frame_unref(&f);
        n++;
    }
    for (int a = 2; a < argc; a++) {
        long want;
        if (sscanf(argv[a], "#%ld", &want) == 1) {
            printf("%lld frames (want %ld)\n", (long long)n, want);
            CHECK_MSG(n == want, "%s: %lld frames, wanted %ld", argv[1], (long long)n, want);
        } else {
            /* a check naming a frame past the end fails */
            long want_n;
            if (sscanf(argv[a], "%ld", &want_n) == 1 && want_n >= n)
                CHECK_MSG(0, "%s: check \"%s\" names frame %ld, the file has %lld", argv[1], argv[a], want_n,
                          (long long)n);
        }
    }
    ovni_reader_close(&r);
    ovni_device_close(&dev);
    return test_result("cli_frames");
}
