/* Decode-only throughput of ovni's reader: frames per second over a whole
 * file, with the decoder, output memory and parallel segments chosen on the
 * command line. With --hash it also prints an order-sensitive hash of every
 * frame's pixels (downloaded), so a parallel read can be compared with a
 * sequential one.
 *
 * usage: decode_bench FILE [--cpu] [--segments N] [--host] [--hash] [--frames N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ovni/ovni.h"

static uint64_t hash_frame(uint64_t h, ovni_frame *f)
{
    int bpp = ovni_format_pixel_bytes(f->format);
    for (int p = 0; p < ovni_format_planes(f->format); p++) {
        int rows = p == 0 ? f->height : (f->height + 1) / 2;
        size_t bytes = p == 0 ? (size_t)f->width * bpp : (size_t)((f->width + 1) / 2) * 2 * bpp;
        for (int y = 0; y < rows; y++) {
            const uint8_t *row = f->data[p] + (size_t)y * f->pitch[p];
            for (size_t x = 0; x < bytes; x++) h = (h ^ row[x]) * 0x100000001b3ull;
        }
    }
    return h;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: decode_bench FILE [--cpu] [--segments N] [--host] [--hash] [--frames N]\n");
        return 2;
    }
    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    const char *device = NULL;
    int hash = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--cpu")) device = "cpu";
        else if (!strcmp(argv[i], "--cpu-decode")) s.decoder = OVNI_DECODER_CPU;
        else if (!strcmp(argv[i], "--segments") && i + 1 < argc) s.segments = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--frames") && i + 1 < argc) s.frame_count = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--host")) s.output_memory = OVNI_MEMORY_HOST;
        else if (!strcmp(argv[i], "--hash")) hash = 1;
        else {
            fprintf(stderr, "decode_bench: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    ovni_device *dev = NULL;
    if (ovni_device_open(&dev, device) < 0) {
        fprintf(stderr, "decode_bench: %s\n", ovni_last_error());
        return 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ovni_reader *r = NULL;
    if (ovni_reader_open(&r, dev, argv[1], &s) < 0) {
        fprintf(stderr, "decode_bench: %s\n", ovni_last_error());
        ovni_device_close(&dev);
        return 1;
    }
    int64_t n = 0;
    uint64_t h = 0xcbf29ce484222325ull;
    int ret;
    ovni_frame *f = NULL;
    while ((ret = ovni_reader_read(r, &f)) == 0) {
        if (hash) {
            ovni_frame *host = NULL;
            if (f->memory == OVNI_MEMORY_DEVICE) {
                if (ovni_frame_download(f, &host) == 0 && ovni_frame_wait(host) == 0) h = hash_frame(h, host);
                ovni_frame_unref(&host);
            } else {
                h = hash_frame(h, f);
            }
        }
        ovni_frame_unref(&f);
        n++;
    }
    ovni_device_sync(dev);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    if (ret != OVNI_EOF) fprintf(stderr, "decode_bench: %s\n", ovni_last_error());
    const ovni_video_info *in = ovni_reader_info(r);
    printf("decode %s: %lld frames %dx%d via %s, %.2f s, %.1f fps", argv[1], (long long)n, in->width, in->height,
           in->decoder, secs, n / secs);
    if (hash) printf(", hash %016llx", (unsigned long long)h);
    printf(", corrupt packets %lld\n", (long long)ovni_reader_corrupt_packets(r));
    ovni_reader_close(&r);
    ovni_device_close(&dev);
    return ret == OVNI_EOF ? 0 : 1;
}
