/* Transcode through ovni's reader and writer with the encoder forced
 * (NVENC by default), constant rate or pass-through (VFR) timestamps, and
 * print the throughput. scripts/nvenc-check.sh runs it over presets, codecs,
 * rates and containers.
 *
 * usage: nvenc_write IN OUT [--codec h264|hevc] [--preset P] [--vfr]
 *                    [--gop N] [--bframes N] [--x264]
 * prints: "frames N seconds S fps F encoder NAME"; exit 77 when NVENC was
 * asked for and the device has none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ovni/ovni.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: nvenc_write IN OUT [--codec h264|hevc] [--preset P] [--vfr] [--gop N] "
                        "[--bframes N] [--x264]\n");
        return 2;
    }
    ovni_writer_settings ws;
    ovni_writer_default_settings(&ws);
    ws.encoder = OVNI_ENCODER_NVENC;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--codec") && i + 1 < argc) {
            const char *c = argv[++i];
            ws.codec = !strcmp(c, "hevc") ? OVNI_CODEC_HEVC : OVNI_CODEC_H264;
        } else if (!strcmp(argv[i], "--preset") && i + 1 < argc) {
            ws.preset = argv[++i];
        } else if (!strcmp(argv[i], "--vfr")) {
            ws.pts_passthrough = 1;
        } else if (!strcmp(argv[i], "--gop") && i + 1 < argc) {
            ws.gop = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--bframes") && i + 1 < argc) {
            ws.bframes = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--x264")) {
            ws.encoder = OVNI_ENCODER_X264;
        } else {
            fprintf(stderr, "nvenc_write: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    ovni_device *dev = NULL;
    if (ovni_device_open(&dev, ws.encoder == OVNI_ENCODER_NVENC ? "gpu" : NULL) < 0) {
        fprintf(stderr, "nvenc_write: %s\n", ovni_last_error());
        return ws.encoder == OVNI_ENCODER_NVENC ? 77 : 1;
    }
    if (ws.encoder == OVNI_ENCODER_NVENC) {
        ovni_device_info info;
        if (ovni_device_get_info(dev, &info) == 0 && !info.nvenc) {
            fprintf(stderr, "nvenc_write: %s has no usable NVENC (%s)\n", info.name, info.nvenc_status);
            ovni_device_close(&dev);
            return 77;
        }
    }
    double t0 = now();
    ovni_reader *r = NULL;
    if (ovni_reader_open(&r, dev, argv[1], NULL) < 0) {
        fprintf(stderr, "nvenc_write: %s\n", ovni_last_error());
        ovni_device_close(&dev);
        return 1;
    }
    const ovni_video_info *vi = ovni_reader_info(r);
    ws.width = vi->width;
    ws.height = vi->height;
    ws.fps = vi->fps;
    ovni_writer *w = NULL;
    int ret = ovni_writer_open(&w, dev, argv[2], &ws);
    int64_t n = 0;
    if (ret == 0) {
        ovni_frame *f = NULL;
        while ((ret = ovni_reader_read(r, &f)) == 0) {
            ret = ovni_writer_write(w, f);
            ovni_frame_unref(&f);
            if (ret < 0) break;
            n++;
        }
        if (ret == OVNI_EOF) ret = 0;
        if (ret == 0) {
            ret = ovni_writer_close(&w);
        } else {
            char msg[1024];
            snprintf(msg, sizeof(msg), "%s", ovni_last_error());
            ovni_writer_cancel(&w);
            fprintf(stderr, "nvenc_write: %s\n", msg);
            ovni_reader_close(&r);
            ovni_device_close(&dev);
            return 1;
        }
    }
    double t = now() - t0;
    if (ret < 0) {
        fprintf(stderr, "nvenc_write: %s\n", ovni_last_error());
        ovni_reader_close(&r);
        ovni_device_close(&dev);
        return 1;
    }
    printf("frames %lld seconds %.3f fps %.1f encoder %s\n", (long long)n, t, t > 0 ? n / t : 0.0,
           ws.encoder == OVNI_ENCODER_NVENC ? "nvenc" : "x264");
    ovni_reader_close(&r);
    ovni_device_close(&dev);
    return 0;
}
