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
        ovni_frame *h = NULL, *d = NULL;
        CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, W, H, OVNI_MEMORY_HOST, &h));
        if (!h) break;
        wu_fill_nv12(h, n);
        CHECK_OK(ovni_frame_upload(h, &d));
        CHECK_OK(ovni_writer_write(w, d));
        ovni_frame_unref(&d);
        ovni_frame_unref(&h);
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
    ovni_device_close(&dev);
    return test_result("writer_gpu");
}
