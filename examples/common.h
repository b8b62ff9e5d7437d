/* Helpers shared by the examples (public API only): the command line, a
 * picture and a background drawn in code, and the writer's settings. Each
 * example includes this and keeps only the op it shows.
 *
 * Command line of every example:  NAME [OUT.mp4] [--cpu]
 * OUT defaults to NAME.mp4; --cpu forces the CPU device (else the GPU when
 * one is usable). */
#ifndef OVNI_EXAMPLES_COMMON_H
#define OVNI_EXAMPLES_COMMON_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ovni/ovni.h>

/* Small enough that every example runs in seconds on a 2-core CPU. */
enum { EX_W = 640, EX_H = 360, EX_FRAMES = 60, EX_FPS = 30 };

/* Parses the command line and opens the device. Returns 0, or the exit
 * status to return (2: usage, 1: no device). --help exits here. */
static inline int ex_start(int argc, char **argv, const char *name, char *out, size_t out_len,
                           ovni_device **dev)
{
    const char *spec = NULL; /* NULL: $OVNI_DEVICE, else GPU 0 if usable, else the CPU */
    snprintf(out, out_len, "%s.mp4", name);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--cpu")) {
            spec = "cpu";
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: %s [OUT.mp4] [--cpu]\n", name);
            exit(0);
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "%s: unknown option %s\nusage: %s [OUT.mp4] [--cpu]\n", name, argv[i], name);
            return 2;
        } else {
            snprintf(out, out_len, "%s", argv[i]);
        }
    }
    if (ovni_device_open(dev, spec) < 0) {
        fprintf(stderr, "%s: %s\n", name, ovni_last_error());
        return 1;
    }
    return 0;
}

/* Where frames should live: GPU memory on a GPU (ops then run as CUDA
 * kernels), host memory on the CPU device. */
static inline ovni_memory ex_memory(ovni_device *dev)
{
    return ovni_device_is_gpu(dev) ? OVNI_MEMORY_DEVICE : OVNI_MEMORY_HOST;
}

static inline uint8_t ex_clamp8(double v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5); }

/* Draws a w x h RGB24 or RGBA32 (opaque) frame in host memory, pixel by
 * pixel through data[0] and pitch[0], then uploads it where ex_memory()
 * says. picture != 0: a warm gradient with a sun, a dark box and a grid of
 * thin lines (fine detail, so blur and resampling show); 0: a calm blue-violet
 * background. */
static inline int ex_draw(ovni_device *dev, ovni_format format, int w, int h, int picture, ovni_frame **out)
{
    ovni_frame *host = NULL;
    int ret = ovni_frame_new(dev, format, w, h, OVNI_MEMORY_HOST, &host);
    if (ret < 0) return ret;
    int bpp = ovni_format_pixel_bytes(format);
    for (int y = 0; y < h; y++) {
        uint8_t *row = host->data[0] + (size_t)y * host->pitch[0];
        for (int x = 0; x < w; x++) {
            double u = (x + 0.5) / w, v = (y + 0.5) / h, r, g, b;
            if (picture) {
                r = 255 - 60 * v, g = 120 + 90 * u, b = 60 + 120 * v;
                double d = hypot(u - 0.7, (v - 0.35) * h / w) * w; /* pixels from the sun's centre */
                double sun = fmin(fmax(0.12 * w - d + 0.5, 0), 1);  /* 1-pixel anti-aliased edge */
                r += (255 - r) * sun, g += (230 - g) * sun, b += (120 - b) * sun;
                if (u > 0.12 && u < 0.42 && v > 0.45 && v < 0.85) r *= 0.3, g *= 0.3, b *= 0.5;
                if (x % (w / 16) == 0 || y % (h / 9) == 0) r = g = b = 255;
            } else {
                r = 20 + 90 * u, g = 24 + 40 * v, b = 80 + 100 * (1 - v);
            }
            uint8_t *p = row + (size_t)x * bpp;
            p[0] = ex_clamp8(r), p[1] = ex_clamp8(g), p[2] = ex_clamp8(b);
            if (bpp == 4) p[3] = 255;
        }
    }
    if (ex_memory(dev) == OVNI_MEMORY_HOST) {
        *out = host;
        return 0;
    }
    /* The upload is asynchronous; wait for it before the host frame goes
     * back to its pool, where a later frame could overwrite it. */
    ret = ovni_frame_upload(host, out);
    if (ret == 0) ret = ovni_frame_wait(*out);
    ovni_frame_unref(&host);
    return ret;
}

/* Opens an H.264 mp4 of w x h at EX_FPS: NVENC where the GPU has it, else
 * libx264; preset p1 (x264 ultrafast) because these are quick demos. */
static inline int ex_writer(ovni_device *dev, const char *path, int w, int h, ovni_writer **out)
{
    ovni_writer_settings s;
    ovni_writer_default_settings(&s);
    s.width = w, s.height = h;
    s.fps = (ovni_rational){EX_FPS, 1};
    s.preset = "p1";
    return ovni_writer_open(out, dev, path, &s);
}

/* The closing line: what was written, with which encoder on which device. */
static inline void ex_done(const char *name, const char *out, const char *encoder, ovni_device *dev)
{
    printf("%s: wrote %s (%d frames, %dx%d, %s on %s)\n", name, out, EX_FRAMES, EX_W, EX_H, encoder,
           ovni_device_is_gpu(dev) ? "the GPU" : "the CPU");
}

#endif
