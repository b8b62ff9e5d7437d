/* The shared test pipeline: see pipeline.h. */
#include "pipeline.h"

/* One frame through the ops: *f (NV12 from the reader) is replaced by the
 * NV12 frame to encode. */
static int ops(ovni_frame **f, int w, int h)
{
    ovni_frame *rgb = NULL, *blur = NULL, *small = NULL, *out = NULL;
    int ret = ovni_convert(*f, OVNI_FORMAT_RGB24, &rgb);
    if (ret == 0) ret = ovni_vignette(rgb, 0.6f, 0.5f, 0.5f);
    if (ret == 0) ret = ovni_gaussian_blur(rgb, 1.5f, &blur);
    if (ret == 0) ret = ovni_resize(blur, w, h, &small);
    if (ret == 0) ret = ovni_convert(small, OVNI_FORMAT_NV12, &out);
    ovni_frame_unref(&small);
    ovni_frame_unref(&blur);
    ovni_frame_unref(&rgb);
    ovni_frame_unref(f);
    *f = out;
    return ret;
}

int pipeline_run(ovni_device *dev, const pipeline_opts *o)
{
    ovni_reader_settings rs;
    ovni_reader_default_settings(&rs);
    /* On the CPU one decoder thread keeps the fault-injection walk (every
     * k-th allocation) the same from run to run. On a GPU the soak runs
     * 100k frames at 1080p, so frames come from NVDEC (CPU decode where the
     * GPU lacks the codec) with a little read-ahead, as a real job would. */
    int gpu = ovni_device_is_gpu(dev);
    rs.decoder = gpu ? OVNI_DECODER_AUTO : OVNI_DECODER_CPU;
    rs.threads = gpu ? 0 : 1;
    rs.queue_depth = gpu ? 4 : 2;
    rs.frame_count = o->frames;
    rs.loop = o->frames > 0;
    ovni_reader *r = NULL;
    ovni_writer *w = NULL;
    ovni_frame *f = NULL;
    int64_t done = 0;
    int ret = ovni_reader_open(&r, dev, o->in, &rs);
    if (ret == 0) {
        const ovni_video_info *vi = ovni_reader_info(r);
        ovni_writer_settings ws;
        ovni_writer_default_settings(&ws);
        ws.width = o->out_width ? o->out_width : vi->width;
        ws.height = o->out_height ? o->out_height : vi->height;
        ws.fps = vi->fps;
        ws.encoder = gpu ? OVNI_ENCODER_AUTO : OVNI_ENCODER_X264;
        ws.preset = "ultrafast";
        ws.queue_depth = gpu ? 4 : 2;
        ret = ovni_writer_open(&w, dev, o->out, &ws);
        while (ret == 0 && (ret = ovni_reader_read(r, &f)) == 0) {
            if ((ret = ops(&f, ws.width, ws.height)) == 0) ret = ovni_writer_write(w, f);
            ovni_frame_unref(&f);
            done++;
            if (o->tick && o->every > 0 && done % o->every == 0) o->tick(o->tick_ctx, done);
            if (ret == 0 && o->cancel_after > 0 && done >= o->cancel_after) ret = OVNI_ECANCELED;
        }
        if (ret == OVNI_EOF) ret = 0;
    }
    ovni_frame_unref(&f);
    if (ret == 0) ret = ovni_writer_close(&w);
    ovni_writer_cancel(&w); /* on any failure: no output, no temporary file */
    ovni_reader_close(&r);
    return ret;
}
