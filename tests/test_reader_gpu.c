/* The reader on the GPU: NVDEC against libavcodec on the same clips (same
 * frame count, identical NV12 bytes: H.264 decoding is bit-exact), device
 * output, start frame and loop through NVDEC, a full-range stream (frames
 * tagged full range by both), parallel NVDEC sessions on one file
 * (settings.segments) against one session, and the CPU fallback for a codec
 * the GPU cannot decode. Frames must also carry the same matrix, range,
 * chroma siting and field order (interlaced H.264, top and bottom field
 * first). Without a GPU: SKIP (77). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "media.h"
#include "test.h"

#define MAXF 256

static char dir[256];
static ovni_reader_stats last_stats; /* of the last read_frames() */

/* Reads up to MAXF frames as host frames (downloaded when on the device). */
static int read_frames(ovni_device *dev, const char *path, const ovni_reader_settings *s, ovni_frame **out,
                       char *decoder, size_t dlen)
{
    ovni_reader *r = NULL;
    if (ovni_reader_open(&r, dev, path, s) < 0) {
        fprintf(stderr, "open %s: %s\n", path, ovni_last_error());
        return -1;
    }
    snprintf(decoder, dlen, "%s", ovni_reader_info(r)->decoder);
    int n = 0, ret;
    ovni_frame *f = NULL;
    while ((ret = ovni_reader_read(r, &f)) == 0) {
        if (f->memory == OVNI_MEMORY_DEVICE) {
            ovni_frame *h = NULL;
            if (ovni_frame_download(f, &h) < 0 || ovni_frame_wait(h) < 0) ret = -1;
            ovni_frame_unref(&f);
            f = h;
            if (ret < 0) break;
        }
        if (n < MAXF) out[n] = f;
        else ovni_frame_unref(&f);
        n++;
    }
    if (ret != OVNI_EOF) fprintf(stderr, "read %s: %s\n", path, ovni_last_error());
    ovni_reader_get_stats(r, &last_stats);
    ovni_reader_close(&r);
    return ret == OVNI_EOF ? n : -1;
}

static void release(ovni_frame **f, int n)
{
    for (int i = 0; i < n && i < MAXF; i++) ovni_frame_unref(&f[i]);
}

/* CPU and NVDEC reads of one file with the same settings must agree. */
static void compare(ovni_device *gpu, const char *path, ovni_reader_settings s, int memory, const char *what)
{
    static ovni_frame *a[MAXF], *b[MAXF];
    char da[32], db[32];
    s.decoder = OVNI_DECODER_CPU;
    s.output_memory = 0;
    int na = read_frames(gpu, path, &s, a, da, sizeof(da));
    s.decoder = OVNI_DECODER_NVDEC;
    s.output_memory = memory;
    int nb = read_frames(gpu, path, &s, b, db, sizeof(db));
    CHECK_MSG(na > 0 && na == nb, "%s: %d frames on the CPU, %d with NVDEC", what, na, nb);
    CHECK_MSG(!strcmp(db, "nvdec"), "%s: decoder %s", what, db);
    int same = 0;
    for (int i = 0; i < na && i < nb && i < MAXF; i++) {
        int ok = media_same_pixels(a[i], b[i]) && a[i]->pts == b[i]->pts && a[i]->matrix == b[i]->matrix &&
                 a[i]->range == b[i]->range && a[i]->chroma_loc == b[i]->chroma_loc &&
                 a[i]->field_order == b[i]->field_order;
        if (!ok && same == i)
            fprintf(stderr, "%s: frame %d differs (pts %lld vs %lld; matrix %d/%d, range %d/%d, siting %d/%d, "
                    "field order %d/%d)\n", what, i, (long long)a[i]->pts, (long long)b[i]->pts, (int)a[i]->matrix,
                    (int)b[i]->matrix, (int)a[i]->range, (int)b[i]->range, (int)a[i]->chroma_loc,
                    (int)b[i]->chroma_loc, (int)a[i]->field_order, (int)b[i]->field_order);
        same += ok;
    }
    CHECK_MSG(same == na, "%s: %d of %d frames identical", what, same, na);
    printf("%s: %d frames, %d identical with the same tags (CPU vs NVDEC)\n", what, na, same);
    release(a, na);
    release(b, nb);
}

/* NVDEC with `segments` sessions against one session: same count, pts and
 * bytes, device output. */
static void compare_segments(ovni_device *gpu, const char *path, int start, int count)
{
    static ovni_frame *a[MAXF], *b[MAXF];
    char da[32], db[32];
    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    s.decoder = OVNI_DECODER_NVDEC;
    s.output_memory = 1;
    s.start_frame = start;
    s.frame_count = count;
    s.segments = 1;
    int na = read_frames(gpu, path, &s, a, da, sizeof(da));
    CHECK_MSG(last_stats.decoders == 1 && last_stats.frames == na, "%s segments=1: %d decoders, %lld frames", path,
              last_stats.decoders, (long long)last_stats.frames);
    static const int segs[] = {2, 3, 4, 7};
    for (size_t k = 0; k < sizeof(segs) / sizeof(segs[0]); k++) {
        s.segments = segs[k];
        int nb = read_frames(gpu, path, &s, b, db, sizeof(db));
        CHECK_MSG(na > 0 && na == nb, "%s segments=%d start=%d count=%d: %d frames, %d with one session", path,
                  segs[k], start, count, nb, na);
        int same = 0;
        for (int i = 0; i < na && i < nb && i < MAXF; i++) {
            int ok = media_same_pixels(a[i], b[i]) && a[i]->pts == b[i]->pts;
            if (!ok && same == i) fprintf(stderr, "segments=%d: frame %d differs (pts %lld vs %lld)\n", segs[k], i,
                                          (long long)b[i]->pts, (long long)a[i]->pts);
            same += ok;
        }
        CHECK_MSG(same == na, "segments=%d start=%d count=%d: %d of %d frames identical", segs[k], start, count, same,
                  na);
        /* the whole file has 5 or more chunks: split, every session used */
        if (start == 0 && count == 0)
            CHECK_MSG(last_stats.decoders > 1 && last_stats.decoders <= segs[k] &&
                          last_stats.decoders_used == last_stats.decoders,
                      "%s segments=%d: not split: %d NVDEC sessions (%d delivered frames) on %d chunks", path, segs[k],
                      last_stats.decoders, last_stats.decoders_used, last_stats.chunks);
        printf("segments=%d: %d NVDEC sessions, %d delivered frames, %d chunks\n", segs[k], last_stats.decoders,
               last_stats.decoders_used, last_stats.chunks);
        printf("segments=%d start=%d count=%d: %d frames, %d identical to one NVDEC session\n", segs[k], start, count,
               nb, same);
        release(b, nb);
    }
    release(a, na);
}

int main(void)
{
    ovni_device *gpu = NULL;
    if (ovni_device_open(&gpu, "gpu") < 0) {
        printf("reader_gpu: SKIP (no GPU: %s)\n", ovni_last_error());
        return 77;
    }
    snprintf(dir, sizeof(dir), "/tmp/ovni_test_reader_gpu_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    char mp4[512], mkv[512], av1[512], long_mp4[512], long_mkv[512];
    snprintf(mp4, sizeof(mp4), "%s/clip.mp4", dir);
    snprintf(mkv, sizeof(mkv), "%s/clip.mkv", dir);
    snprintf(av1, sizeof(av1), "%s/clip_av1.mkv", dir);
    snprintf(long_mp4, sizeof(long_mp4), "%s/long.mp4", dir);
    snprintf(long_mkv, sizeof(long_mkv), "%s/long.mkv", dir);
    media_spec m = {.path = mp4, .width = 640, .height = 360, .fps_num = 30, .fps_den = 1, .frames = 60, .gop = 12,
                    .audio = MEDIA_AUDIO_AAC};
    CHECK(media_write(&m, NULL) == 0);
    m.path = mkv;
    m.width = 320;
    m.height = 180;
    CHECK(media_write(&m, NULL) == 0);

    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    compare(gpu, mp4, s, 0, "mp4 h264, host output");
    compare(gpu, mp4, s, 1, "mp4 h264, device output");
    compare(gpu, mkv, s, 1, "mkv h264 320x180");
    /* A full-range (yuvj420p) stream: NVDEC's frames carry its range as the CPU's do. */
    {
        char full[600];
        snprintf(full, sizeof(full), "%s/full.mp4", dir);
        media_spec fr = {.path = full, .width = 320, .height = 180, .fps_num = 30, .fps_den = 1, .frames = 12,
                         .full_range = 1};
        CHECK(media_write(&fr, NULL) == 0);
        static ovni_frame *f[MAXF];
        char dec[32] = "";
        int n = read_frames(gpu, full, &s, f, dec, sizeof(dec));
        CHECK_MSG(n == 12 && !strcmp(dec, "nvdec") && f[0]->range == OVNI_RANGE_FULL,
                  "full range: %d frames by %s, range %d", n, dec, n > 0 ? (int)f[0]->range : -1);
        release(f, n);
        compare(gpu, full, s, 1, "mp4 h264 full range, device output");
        unlink(full);
    }
    /* Interlaced H.264 (MBAFF, top and bottom field first): NVDEC's frames
     * carry the CPU decoder's field order, frame by frame (compare), and the
     * CPU's are interlaced in the clip's order, so equal progressive flags
     * cannot pass for it. */
    for (int order = 1; order <= 2; order++) {
        char il[600], what[64];
        snprintf(il, sizeof(il), "%s/interlaced_%s.mp4", dir, order == 1 ? "tff" : "bff");
        media_spec is = {.path = il, .width = 320, .height = 240, .fps_num = 25, .fps_den = 1, .frames = 20,
                         .gop = 10, .interlaced = order};
        CHECK(media_write(&is, NULL) == 0);
        static ovni_frame *f[MAXF];
        char dec[32] = "";
        ovni_reader_settings cs = s;
        cs.decoder = OVNI_DECODER_CPU;
        int n = read_frames(gpu, il, &cs, f, dec, sizeof(dec)), fields = 0;
        for (int i = 0; i < n && i < MAXF; i++) fields += f[i]->field_order == (order == 1 ? OVNI_FIELD_TT : OVNI_FIELD_BB);
        CHECK_MSG(n == 20 && fields == n, "interlaced %s clip: %d of %d CPU frames %s", order == 1 ? "tff" : "bff",
                  fields, n, order == 1 ? "TT" : "BB");
        release(f, n);
        snprintf(what, sizeof(what), "interlaced h264 %s, host output", order == 1 ? "tff" : "bff");
        compare(gpu, il, s, 0, what);
        snprintf(what, sizeof(what), "interlaced h264 %s, device output", order == 1 ? "tff" : "bff");
        compare(gpu, il, s, 1, what);
        unlink(il);
    }
    s.start_frame = 17;
    compare(gpu, mp4, s, 1, "start_frame 17");
    s.start_frame = 50;
    s.loop = 1;
    s.frame_count = 45;
    compare(gpu, mp4, s, 1, "loop from 50, 45 frames");

    /* Default settings on a GPU device: NVDEC, device frames. */
    ovni_reader *r = NULL;
    CHECK_OK(ovni_reader_open(&r, gpu, mp4, NULL));
    if (r) {
        ovni_frame *f = NULL;
        CHECK_OK(ovni_reader_read(r, &f));
        CHECK(f && f->memory == OVNI_MEMORY_DEVICE && f->format == OVNI_FORMAT_NV12);
        CHECK(!strcmp(ovni_reader_info(r)->decoder, "nvdec"));
        ovni_frame_unref(&f);
        ovni_reader_close(&r);
    }

    /* Parallel sessions on one file: several GOPs (merged into chunks of
     * >= 30 frames in the MP4; one GOP a chunk in the Matroska file). */
    media_spec l = {.path = long_mp4, .width = 320, .height = 180, .fps_num = 30, .fps_den = 1, .frames = 200,
                    .gop = 12};
    CHECK(media_write(&l, NULL) == 0);
    l.path = long_mkv;
    l.frames = 190;
    l.gop = 31;
    CHECK(media_write(&l, NULL) == 0);
    compare_segments(gpu, long_mp4, 0, 0);
    compare_segments(gpu, long_mkv, 0, 0);
    compare_segments(gpu, long_mp4, 37, 50);
    compare_segments(gpu, long_mkv, 100, 0);
    compare_segments(gpu, long_mp4, 0, 7);
    ovni_reader_default_settings(&s);
    s.segments = 3;
    compare(gpu, long_mp4, s, 1, "segments=3 NVDEC vs libavcodec");
    /* auto (segments 0) with NVDEC: one session per engine (at most 8), so
     * more than one where the GPU has several engines */
    {
        ovni_device_info di;
        ovni_device_get_info(gpu, &di);
        static ovni_frame *f[MAXF];
        char dec[32] = "";
        ovni_reader_default_settings(&s);
        s.decoder = OVNI_DECODER_NVDEC;
        int n = read_frames(gpu, long_mp4, &s, f, dec, sizeof(dec));
        int engines = di.nvdec_engines < 1 ? 1 : di.nvdec_engines > 8 ? 8 : di.nvdec_engines;
        int want = engines < last_stats.chunks ? engines : last_stats.chunks;
        if (want < 2) want = 1;
        CHECK_MSG(n == 200 && last_stats.decoders == want && last_stats.decoders_used == want,
                  "auto segments: %d frames, %d sessions (%d used) on %d chunks, wanted %d (%d NVDEC engines)", n,
                  last_stats.decoders, last_stats.decoders_used, last_stats.chunks, want, di.nvdec_engines);
        printf("auto segments: %d NVDEC engines: %d sessions on %d chunks\n", di.nvdec_engines, last_stats.decoders,
               last_stats.chunks);
        release(f, n);
        /* MPEG-TS has no keyframe index: one session whatever is asked */
        media_spec t = {.path = long_mp4, .width = 320, .height = 180, .fps_num = 30, .fps_den = 1, .frames = 90,
                        .gop = 12};
        char ts[600];
        snprintf(ts, sizeof(ts), "%s/long.ts", dir);
        t.path = ts;
        CHECK(media_write(&t, NULL) == 0);
        s.segments = 4;
        n = read_frames(gpu, ts, &s, f, dec, sizeof(dec));
        CHECK_MSG(n == 90 && last_stats.decoders == 1 && last_stats.chunks == 0,
                  "ts segments=4: %d frames, %d sessions on %d chunks (no index: wanted one)", n,
                  last_stats.decoders, last_stats.chunks);
        release(f, n);
        unlink(ts);
    }
    unlink(long_mp4);
    unlink(long_mkv);

    /* AV1: NVDEC where the GPU has it, else the CPU (H100/H200 have none). */
    media_spec a = {.path = av1, .width = 320, .height = 180, .fps_num = 25, .fps_den = 1, .frames = 10,
                    .encoder = "libaom-av1"};
    if (media_write(&a, NULL) == 0) {
        ovni_device_info di;
        ovni_device_get_info(gpu, &di);
        int has = (di.nvdec_codecs & OVNI_CODEC_BIT_AV1) != 0;
        static ovni_frame *f[MAXF];
        char dec[32] = "";
        int n = read_frames(gpu, av1, NULL, f, dec, sizeof(dec));
        CHECK_MSG(n == 10, "av1: %d frames", n);
        CHECK_MSG(!strcmp(dec, has ? "nvdec" : "libavcodec"), "av1 decoded by %s (NVDEC AV1: %d)", dec, has);
        printf("av1: %d frames through %s\n", n, dec);
        release(f, n);
        if (!has) {
            ovni_reader_default_settings(&s);
            s.decoder = OVNI_DECODER_NVDEC;
            CHECK_ERR(ovni_reader_open(&r, gpu, av1, &s), OVNI_EUNSUPPORTED, "decoder=nvdec");
        }
        unlink(av1);
    } else {
        printf("av1: no AV1 encoder here, fallback not checked\n");
    }
    unlink(mp4);
    unlink(mkv);
    rmdir(dir);
    ovni_device_close(&gpu);
    return test_result("reader_gpu");
}
