/* The writer on a GPU: device frames (uploaded) through the writer, read
 * back and compared; ENCODER_AUTO takes NVENC where a session opens and
 * falls back to libx264 where it does not (H100, A100). Without a GPU: SKIP. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "writer_util.h"

#define W 320
#define H 240
#define NFRAMES 64

/* Writes host frame *h as the GPU pipeline gives it, uploaded to the
 * device; releases *h. */
static void write_uploaded(ovni_writer *w, ovni_frame **h)
{
    ovni_frame *d = NULL;
    CHECK_OK(ovni_frame_upload(*h, &d));
    CHECK_OK(ovni_writer_write(w, d));
    ovni_frame_unref(&d);
    ovni_frame_unref(h);
}

/* Odd sizes and alpha on device frames: 33x25 RGBA32 (alpha 0, 128, 255)
 * padded to 34x26 and cropped to 32x24 over a blue background, and 33x25
 * NV12 and P010 (10-bit, reduced to 8 by the depth kernel) padded, written
 * losslessly (x264 at QP 0: the H200 has no NVENC) and compared with a
 * naive host build of the expected picture. The GPU's flatten, depth and
 * crop kernels do the writer's work here (tests/test_writer.c is the same
 * on the CPU). */
/* NV12 sample of the odd source: luma and chroma as functions of position. */
static uint8_t odd_y(int x, int y, int n) { return (uint8_t)(30 + 5 * x + 3 * y + n); }
static uint8_t odd_c(int x, int y, int c) { return (uint8_t)(c ? 200 - 9 * y : 60 + 7 * x); }

static ovni_frame *odd_nv12_expected(ovni_device *d, int w, int h, int n)
{
    ovni_frame *f = NULL;
    if (ovni_frame_new(d, OVNI_FORMAT_NV12, w, h, OVNI_MEMORY_HOST, &f) < 0) return NULL;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            f->data[0][(size_t)y * f->pitch[0] + x] = odd_y(x < OW ? x : OW - 1, y < OH ? y : OH - 1, n);
    for (int y = 0; y < h / 2; y++)
        for (int x = 0; x < w / 2; x++)
            for (int c = 0; c < 2; c++) f->data[1][(size_t)y * f->pitch[1] + 2 * (size_t)x + c] = odd_c(x, y, c);
    return f;
}

static void odd_on_gpu(ovni_device *dev)
{
    const struct { const char *name; ovni_format format; ovni_even even; int w, h; wu_ref_fn ref; } cases[] = {
        {"rgba pad", OVNI_FORMAT_RGBA32, OVNI_EVEN_PAD, OW + 1, OH + 1, odd_expected},
        {"rgba crop", OVNI_FORMAT_RGBA32, OVNI_EVEN_CROP, OW - 1, OH - 1, odd_expected},
        {"nv12 pad", OVNI_FORMAT_NV12, OVNI_EVEN_PAD, OW + 1, OH + 1, odd_nv12_expected},
        {"nv12 crop", OVNI_FORMAT_NV12, OVNI_EVEN_CROP, OW - 1, OH - 1, odd_nv12_expected},
        /* 10-bit: the depth kernel, then the crop kernel (each 8-bit code times 4 at limited range
         * reduces to itself: (4v + d) >> 2 = v) */
        {"p010 pad", OVNI_FORMAT_P010, OVNI_EVEN_PAD, OW + 1, OH + 1, odd_nv12_expected},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char path[256];
        snprintf(path, sizeof(path), "/tmp/ovni-writer-gpu-odd-%d.mkv", (int)getpid());
        ovni_writer_settings s;
        ovni_writer_default_settings(&s);
        s.width = OW, s.height = OH;
        s.fps = (ovni_rational){30, 1};
        s.encoder = OVNI_ENCODER_X264;
        s.rate_control = OVNI_RC_CQP, s.quality = 0;
        s.matrix = OVNI_MATRIX_BT601, s.range = OVNI_RANGE_FULL;
        s.even = cases[k].even;
        memcpy(s.background, (const uint8_t[3])ODD_BG, 3);
        ovni_writer *w = NULL;
        CHECK_OK(ovni_writer_open(&w, dev, path, &s));
        for (int n = 0; n < 4 && w; n++) {
            ovni_frame *h = NULL;
            CHECK_OK(ovni_frame_new(dev, cases[k].format, OW, OH, OVNI_MEMORY_HOST, &h));
            if (!h) break;
            if (cases[k].format == OVNI_FORMAT_RGBA32) {
                for (int y = 0; y < OH; y++)
                    for (int x = 0; x < OW; x++) odd_src_px(x, y, n, h->data[0] + (size_t)y * h->pitch[0] + 4 * (size_t)x);
            } else if (cases[k].format == OVNI_FORMAT_P010) { /* P010 word: the 10-bit code 4v << 6 */
                for (int y = 0; y < OH; y++)
                    for (int x = 0; x < OW; x++)
                        ((uint16_t *)(h->data[0] + (size_t)y * h->pitch[0]))[x] = (uint16_t)(odd_y(x, y, n) << 8);
                for (int y = 0; y < (OH + 1) / 2; y++)
                    for (int x = 0; x < (OW + 1) / 2; x++)
                        for (int c = 0; c < 2; c++)
                            ((uint16_t *)(h->data[1] + (size_t)y * h->pitch[1]))[2 * x + c] = (uint16_t)(odd_c(x, y, c) << 8);
            } else {
                for (int y = 0; y < OH; y++)
                    for (int x = 0; x < OW; x++) h->data[0][(size_t)y * h->pitch[0] + x] = odd_y(x, y, n);
                for (int y = 0; y < (OH + 1) / 2; y++)
                    for (int x = 0; x < (OW + 1) / 2; x++)
                        for (int c = 0; c < 2; c++) h->data[1][(size_t)y * h->pitch[1] + 2 * (size_t)x + c] = odd_c(x, y, c);
            }
            write_uploaded(w, &h);
        }
        CHECK_OK(ovni_writer_close(&w));
        wu_result r;
        CHECK(wu_read_back(path, dev, cases[k].ref, &r) == 0);
        /* P010: the depth kernel is integer math, so the picture is the expected one exactly (99: identical) */
        CHECK_MSG(r.frames == 4 && r.width == cases[k].w && r.height == cases[k].h &&
                      r.psnr_min >= (cases[k].format == OVNI_FORMAT_P010 ? 99.0 : 45.0),
                  "odd %s on the GPU: %d frames %dx%d, PSNR %.2f", cases[k].name, r.frames, r.width, r.height,
                  r.psnr_min);
        printf("writer_gpu: odd %dx%d %s -> %dx%d, PSNR min %.2f dB against the naive result\n", OW, OH,
               cases[k].name, r.width, r.height, r.psnr_min);
        unlink(path);
    }
}

int main(void)
{
    av_log_set_level(AV_LOG_ERROR);
    ovni_device *dev = NULL;
    if (ovni_device_open(&dev, "gpu") < 0) {
        printf("writer_gpu: SKIP (no GPU: %s)\n", ovni_last_error());
        return 77;
    }
    ovni_device_info info;
    CHECK_OK(ovni_device_get_info(dev, &info));
    char path[256];
    snprintf(path, sizeof(path), "/tmp/ovni-writer-gpu-%d.mp4", (int)getpid());
    ovni_writer_settings s;
    ovni_writer_default_settings(&s);
    s.width = W;
    s.height = H;
    s.fps = (ovni_rational){30000, 1001};
    ovni_writer *w = NULL;
    CHECK_OK(ovni_writer_open(&w, dev, path, &s));
    if (w) {
        const char *name = ovni_writer_encoder_name(w);
        CHECK_MSG(!strcmp(name, info.nvenc ? "nvenc" : "libx264"), "encoder %s, NVENC probe: %s", name,
                  info.nvenc_status);
        printf("writer_gpu: %s, NVENC %s, encoder %s\n", info.name, info.nvenc_status, name);
    }
    for (int n = 0; n < NFRAMES && w; n++) {
        ovni_frame *h = NULL;
        CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, W, H, OVNI_MEMORY_HOST, &h));
        if (!h) break;
        wu_fill_nv12(h, n);
        write_uploaded(w, &h);
    }
    CHECK_OK(ovni_writer_close(&w));
    wu_result r;
    CHECK(wu_read_back(path, dev, wu_ref_nv12, &r) == 0);
    CHECK_MSG(r.frames == NFRAMES && r.monotonic && r.width == W && r.height == H, "%d frames %dx%d", r.frames,
              r.width, r.height);
    CHECK_MSG(fabs(r.fps - 30000.0 / 1001) < 1e-3 && r.psnr_min >= 35.0, "fps %.4f PSNR %.2f", r.fps, r.psnr_min);
    printf("writer_gpu: %d device frames, %.4f fps, PSNR min %.2f dB\n", r.frames, r.fps, r.psnr_min);
    unlink(path);

    /* Forcing NVENC where it cannot open is a named error, no file. */
    if (!info.nvenc) {
        s.encoder = OVNI_ENCODER_NVENC;
        CHECK_ERR(ovni_writer_open(&w, dev, path, &s), OVNI_ENODEV, "NVENC");
        CHECK(access(path, F_OK) != 0);
    }
    odd_on_gpu(dev);
    ovni_device_close(&dev);
    return test_result("writer_gpu");
}
