/* Helper of test_cli.sh: checks an animated chain's output frame by frame
 * through the reader API. Usage: cli_frames FILE N:Y [N:Y ...] prints each
 * frame's mean luma and fails if frame N's is not within 8 of Y. */
#include <math.h>
#include <string.h>

#include "test.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cli_frames FILE N:Y ...\n");
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
        for (int a = 2; a < argc; a++) {
            long want_n;
            double want_y;
            if (sscanf(argv[a], "%ld:%lf", &want_n, &want_y) != 2 || want_n != n) continue;
            const ovni_frame *src = f; /* the CPU device gives host frames */
            double sum = 0;
            for (int y = 0; y < src->height; y++)
                for (int x = 0; x < src->width; x++) sum += src->data[0][(size_t)y * src->pitch[0] + x];
            double mean = sum / ((double)src->width * src->height);
            printf("frame %ld: mean Y %.1f (want %.1f)\n", want_n, mean, want_y);
            CHECK_MSG(fabs(mean - want_y) <= 8, "frame %ld of %s: mean Y %.1f, wanted %.1f", want_n, argv[1], mean,
                      want_y);
        }
        ovni_frame_unref(&f);
        n++;
    }
    ovni_reader_close(&r);
    ovni_device_close(&dev);
    return test_result("cli_frames");
}
