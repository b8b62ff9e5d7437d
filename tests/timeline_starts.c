/* Helper of test_timeline.sh: frame-exact starts through the reader API.
 * FILE's frame k has mean luma 20 + 2k (made by ffmpeg's geq). For every
 * k < N: start_frame = k must deliver frame k first; start_time = k / FPS
 * plus a third of a frame must too (the frame on screen then); and
 * duration = 2 frames from there must deliver exactly 2 frames.
 * Usage: timeline_starts FILE N FPS. Device: OVNI_DEVICE or auto (a GPU
 * decodes with NVDEC where it can). */
#include <math.h>
#include <string.h>

#include "test.h"

/* Index coded in the first delivered frame; -1 if none. */
static int first_index(ovni_device *dev, const char *path, const ovni_reader_settings *s, int64_t *count)
{
    ovni_reader *r = NULL;
    if (ovni_reader_open(&r, dev, path, s) < 0) {
        fprintf(stderr, "open: %s\n", ovni_last_error());
        return -1;
    }
    ovni_frame *f = NULL, *h = NULL;
    int idx = -1;
    *count = 0;
    while (ovni_reader_read(r, &f) == 0) {
        if (*count == 0) {
            if (f->memory == OVNI_MEMORY_DEVICE) {
                if (ovni_frame_download(f, &h) < 0) h = NULL;
            } else {
                h = ovni_frame_ref(f);
            }
            if (h) {
                double sum = 0;
                for (int y = 0; y < h->height; y++)
                    for (int x = 0; x < h->width; x++) sum += h->data[0][(size_t)y * h->pitch[0] + x];
                idx = (int)lround((sum / ((double)h->width * h->height) - 20) / 2);
            }
            ovni_frame_unref(&h);
        }
        ovni_frame_unref(&f);
        ++*count;
    }
    ovni_reader_close(&r);
    return idx;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: timeline_starts FILE N FPS\n");
        return 2;
    }
    const char *path = argv[1];
    int n = atoi(argv[2]);
    double fps = atof(argv[3]);
    ovni_device *dev = NULL;
    CHECK_OK(ovni_device_open(&dev, getenv("OVNI_DEVICE")));
    if (!dev) return test_result("timeline_starts");
    int bad_frame = 0, bad_time = 0, bad_dur = 0;
    for (int k = 0; k < n; k++) {
        ovni_reader_settings s;
        ovni_reader_default_settings(&s);
        s.start_frame = k;
        s.frame_count = 1;
        int64_t got_n;
        int got = first_index(dev, path, &s, &got_n);
        if (got != k) bad_frame++, fprintf(stderr, "%s: start_frame=%d gave frame %d\n", path, k, got);
        ovni_reader_default_settings(&s);
        s.start_time = (k + 1.0 / 3) / fps;
        s.duration = 2 / fps;
        got = first_index(dev, path, &s, &got_n);
        if (got != k) bad_time++, fprintf(stderr, "%s: start_time=%.4f gave frame %d, wanted %d\n", path, s.start_time, got, k);
        int64_t want_n = k + 2 <= n ? 2 : n - k;
        if (got_n != want_n)
            bad_dur++, fprintf(stderr, "%s: start_time=%.4f duration=%.4f gave %lld frames, wanted %lld\n", path,
                               s.start_time, s.duration, (long long)got_n, (long long)want_n);
    }
    printf("%s: %d starts: start_frame %d wrong, start_time %d wrong, duration %d wrong\n", path, n, bad_frame,
           bad_time, bad_dur);
    CHECK(bad_frame == 0);
    CHECK(bad_time == 0);
    CHECK(bad_dur == 0);
    ovni_device_close(&dev);
    return test_result("timeline_starts");
}
