/* The writer on the CPU: round trips through x264 into every container,
 * RGB input, audio copy / AAC re-encode and the cut at the video's end,
 * pass-through timestamps, faststart, and the failures (bad settings,
 * unwritable directory, cancel, wrong frames) that must leave no file. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "writer_util.h"

#define W 320
#define H 240
#define NFRAMES 64

static ovni_device *dev;

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Files in the test directory whose name holds ".ovni-" (temporaries). */
static int temporaries(void)
{
    int n = 0;
    DIR *d = opendir(wu_dir());
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".ovni-")) n++;
    if (d) closedir(d);
    return n;
}

static void settings_base(ovni_writer_settings *s) { wu_settings(s, W, H, (ovni_rational){30000, 1001}); }

/* wu_fill_nv12 frames, their pts in milliseconds (for passthrough) */
static int write_nv12(const char *path, const ovni_writer_settings *s, int nframes)
{
    return wu_write(dev, path, s, nframes, wu_fill_nv12, NULL);
}

static void round_trip(const char *name, int exact_fps)
{
    char path[512];
    wu_path(path, sizeof(path), name);
    ovni_writer_settings s;
    settings_base(&s);
    CHECK_OK(write_nv12(path, &s, NFRAMES));
    wu_result r;
    CHECK_MSG(wu_read_back(path, dev, wu_ref_nv12, &r) == 0, "%s unreadable", name);
    CHECK_MSG(r.frames == NFRAMES, "%s: %d frames", name, r.frames);
    CHECK_MSG(r.monotonic, "%s: pts not monotonic", name);
    CHECK_MSG(r.width == W && r.height == H, "%s: %dx%d", name, r.width, r.height);
    CHECK_MSG(fabs(r.fps - 30000.0 / 1001) < (exact_fps ? 1e-3 : 0.05), "%s: fps %.5f", name, r.fps);
    CHECK_MSG(r.psnr_min >= WU_PSNR_FLOOR, "%s: PSNR %.2f dB", name, r.psnr_min);
    CHECK_MSG(r.colorspace == AVCOL_SPC_BT709 && r.color_range == AVCOL_RANGE_MPEG, "%s: tags %d %d", name,
              (int)r.colorspace, (int)r.color_range);
    printf("%-10s %d frames, %dx%d, %.4f fps, PSNR min %.2f dB\n", name, r.frames, r.width, r.height, r.fps, r.psnr_min);
    CHECK(temporaries() == 0);
}

static ovni_frame *ref_from_rgb(ovni_device *d, int w, int h, int n)
{
    ovni_frame *rgb = NULL;
    if (ovni_frame_new(d, OVNI_FORMAT_RGBA32, w, h, OVNI_MEMORY_HOST, &rgb) < 0) return NULL;
    wu_fill_rgb(rgb, n);
    return wu_nv12_of(&rgb);
}

static void rgb_input(void)
{
    char path[512];
    wu_path(path, sizeof(path), "rgb.mp4");
    ovni_writer_settings s;
    settings_base(&s);
    s.matrix = OVNI_MATRIX_BT601;
    s.range = OVNI_RANGE_FULL;
    ovni_writer *w = NULL;
    CHECK_OK(ovni_writer_open(&w, dev, path, &s));
    for (int n = 0; n < 32 && w; n++) {
        ovni_frame *f = NULL;
        CHECK_OK(ovni_frame_new(dev, n & 1 ? OVNI_FORMAT_RGB24 : OVNI_FORMAT_RGBA32, W, H, OVNI_MEMORY_HOST, &f));
        wu_fill_rgb(f, n);
        CHECK_OK(ovni_writer_write(w, f));
        ovni_frame_unref(&f);
    }
    CHECK_OK(ovni_writer_close(&w));
    wu_result r;
    CHECK(wu_read_back(path, dev, ref_from_rgb, &r) == 0);
    CHECK_MSG(r.frames == 32 && r.psnr_min >= WU_PSNR_FLOOR, "rgb: %d frames, PSNR %.2f", r.frames, r.psnr_min);
    CHECK_MSG(r.colorspace == AVCOL_SPC_SMPTE170M && r.color_range == AVCOL_RANGE_JPEG, "rgb: tags %d %d",
              (int)r.colorspace, (int)r.color_range);
    printf("rgb input  %d frames, PSNR min %.2f dB (BT.601 full range)\n", r.frames, r.psnr_min);
}

/* ---- odd sizes and alpha: the writer pads/crops to even and composites
 * RGBA32 over settings.background; checked against a naive host build of
 * the expected picture, written losslessly (CQP 0) and read back. ---- */
static void odd_sizes_and_alpha(void)
{
    ovni_writer_settings s;
    settings_base(&s);
    int cw = 0, ch = 0;
    s.width = 321, s.height = 241;
    ovni_writer_coded_size(&s, &cw, &ch);
    CHECK_MSG(cw == 322 && ch == 242, "pad 321x241: %dx%d", cw, ch);
    s.even = OVNI_EVEN_CROP;
    ovni_writer_coded_size(&s, &cw, &ch);
    CHECK_MSG(cw == 320 && ch == 240, "crop 321x241: %dx%d", cw, ch);
    s.width = 1, s.height = 7;
    ovni_writer_coded_size(&s, &cw, &ch);
    CHECK_MSG(cw == 2 && ch == 6, "crop 1x7: %dx%d (a side of 1 is padded)", cw, ch);
    s.width = 640, s.height = 360;
    ovni_writer_coded_size(&s, &cw, &ch);
    CHECK_MSG(cw == 640 && ch == 360, "even 640x360: %dx%d", cw, ch);

    for (int crop = 0; crop < 2; crop++) {
        char path[512];
        wu_path(path, sizeof(path), crop ? "odd_crop.mkv" : "odd_pad.mkv");
        settings_base(&s);
        s.width = OW, s.height = OH;
        s.even = crop ? OVNI_EVEN_CROP : OVNI_EVEN_PAD;
        s.rate_control = OVNI_RC_CQP, s.quality = 0; /* lossless: only the writer's own steps change pixels */
        s.matrix = OVNI_MATRIX_BT601, s.range = OVNI_RANGE_FULL;
        memcpy(s.background, (const uint8_t[3])ODD_BG, 3);
        ovni_writer *w = NULL;
        CHECK_OK(ovni_writer_open(&w, dev, path, &s));
        for (int n = 0; n < 4 && w; n++) {
            ovni_frame *f = NULL;
            CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGBA32, OW, OH, OVNI_MEMORY_HOST, &f));
            for (int y = 0; f && y < OH; y++)
                for (int x = 0; x < OW; x++) odd_src_px(x, y, n, f->data[0] + (size_t)y * f->pitch[0] + 4 * (size_t)x);
            CHECK_OK(ovni_writer_write(w, f));
            ovni_frame_unref(&f);
        }
        CHECK_OK(ovni_writer_close(&w));
        wu_result r;
        CHECK(wu_read_back(path, dev, odd_expected, &r) == 0);
        int ew = crop ? OW - 1 : OW + 1, eh = crop ? OH - 1 : OH + 1;
        CHECK_MSG(r.frames == 4 && r.width == ew && r.height == eh, "%s: %d frames %dx%d", crop ? "crop" : "pad",
                  r.frames, r.width, r.height);
        /* the naive "over" rounds once in integers; the op in float: a code at most */
        CHECK_MSG(r.psnr_min >= 45.0, "%s: PSNR %.2f against the naive composite", crop ? "crop" : "pad",
                  r.psnr_min);
        printf("odd %dx%d rgba %s -> %dx%d, PSNR min %.2f dB against the naive composite\n", OW, OH,
               crop ? "crop" : "pad", r.width, r.height, r.psnr_min);
    }
}

/* src_len: seconds of audio in src; returns where the output's audio ends. */
static double audio_case(const char *name, const char *src, double src_len, ovni_audio_mode mode, double start,
                         enum AVCodecID want)
{
    char path[512];
    wu_path(path, sizeof(path), name);
    ovni_writer_settings s;
    settings_base(&s);
    s.audio_path = src;
    s.audio_mode = mode;
    s.audio_start = start;
    CHECK_OK(write_nv12(path, &s, NFRAMES));
    wu_result r;
    CHECK(wu_read_back(path, dev, wu_ref_nv12, &r) == 0);
    double video_end = NFRAMES * 1001.0 / 30000.0;
    double want_end = src_len - start < video_end ? src_len - start : video_end;
    CHECK_MSG(r.frames == NFRAMES && r.psnr_min >= WU_PSNR_FLOOR, "%s: %d frames PSNR %.2f", name, r.frames, r.psnr_min);
    CHECK_MSG(r.audio_packets > 0 && r.audio_codec == want, "%s: %d audio packets, codec %s", name, r.audio_packets,
              avcodec_get_name(r.audio_codec));
    /* Kept up to the video's end, and no longer than one audio frame past it. */
    if (r.video_end < want_end) want_end = r.video_end;
    /* The file's own video end: Matroska shifts both streams by AAC's priming. */
    CHECK_MSG(r.audio_end <= r.video_end + r.audio_last_dur + 1e-3 && r.audio_end >= want_end - 0.05,
              "%s: audio ends at %.4f s, video at %.4f s (last audio packet %.4f s)", name, r.audio_end, video_end,
              r.audio_last_dur);
    printf("%-10s audio %s, %d packets, %.4f..%.4f s; video ends %.4f s (in the file: %.4f s)\n", name,
           avcodec_get_name(r.audio_codec), r.audio_packets, r.audio_start, r.audio_end, video_end, r.video_end);
    return r.audio_end;
}

static void passthrough_and_faststart(void)
{
    char path[512];
    wu_path(path, sizeof(path), "pass.mp4");
    ovni_writer_settings s;
    settings_base(&s);
    s.pts_passthrough = 1;
    s.faststart = 1;
    s.bframes = 2;
    CHECK_OK(write_nv12(path, &s, 30));
    wu_result r;
    CHECK(wu_read_back(path, dev, wu_ref_nv12, &r) == 0);
    CHECK_MSG(r.frames == 30 && r.monotonic && r.psnr_min >= WU_PSNR_FLOOR, "pass: %d frames, PSNR %.2f", r.frames, r.psnr_min);
    /* moov before mdat */
    FILE *fp = fopen(path, "rb");
    unsigned char buf[65536];
    size_t n = fp ? fread(buf, 1, sizeof(buf), fp) : 0;
    if (fp) fclose(fp);
    long moov = -1, mdat = -1;
    for (size_t i = 0; i + 4 <= n; i++) {
        if (moov < 0 && !memcmp(buf + i, "moov", 4)) moov = (long)i;
        if (mdat < 0 && !memcmp(buf + i, "mdat", 4)) mdat = (long)i;
    }
    CHECK_MSG(moov >= 0 && mdat >= 0 && moov < mdat, "faststart: moov at %ld, mdat at %ld", moov, mdat);

    /* Non-increasing pts are refused by name. */
    wu_path(path, sizeof(path), "pass2.mkv");
    ovni_writer *w = NULL;
    CHECK_OK(ovni_writer_open(&w, dev, path, &s));
    ovni_frame *f = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, W, H, OVNI_MEMORY_HOST, &f));
    wu_fill_nv12(f, 0);
    f->time_base = (ovni_rational){1, 1000};
    f->pts = 100;
    CHECK_OK(ovni_writer_write(w, f));
    CHECK_ERR(ovni_writer_write(w, f), OVNI_EINVAL, "pts");
    ovni_frame_unref(&f);
    CHECK_OK(ovni_writer_close(&w));
    CHECK(exists(path));
}

static void bad_settings(void)
{
    char path[512];
    wu_path(path, sizeof(path), "bad.mp4");
    ovni_writer *w = NULL;
    ovni_writer_settings s;
#define BAD(field_set, code, word)                                        \
    do {                                                                  \
        settings_base(&s);                                                \
        field_set;                                                        \
        CHECK_ERR(ovni_writer_open(&w, dev, path, &s), code, word);       \
        CHECK(w == NULL);                                                 \
    } while (0)
    BAD(s.even = (ovni_even)2, OVNI_EINVAL, "even");
    BAD(s.height = 0, OVNI_EINVAL, "size");
    BAD(s.width = 8194, OVNI_EINVAL, "8192");
    BAD((s.fps.num = 0), OVNI_EINVAL, "fps");
    BAD((s.fps.den = -1), OVNI_EINVAL, "fps");
    BAD(s.quality = 52, OVNI_EINVAL, "quality");
    BAD(s.preset = "p9", OVNI_EINVAL, "preset");
    BAD(s.preset = "turbo", OVNI_EINVAL, "preset");
    BAD(s.rate_control = OVNI_RC_VBR, OVNI_EINVAL, "bitrate");
    BAD((s.rate_control = OVNI_RC_CBR, s.bitrate = 1000000, s.max_bitrate = 5), OVNI_EINVAL, "max_bitrate");
    BAD(s.bframes = 17, OVNI_EINVAL, "bframes");
    BAD(s.gop = -1, OVNI_EINVAL, "gop");
    BAD(s.codec = (ovni_codec)7, OVNI_EINVAL, "codec");
    BAD(s.encoder = (ovni_encoder)9, OVNI_EINVAL, "encoder");
    BAD(s.matrix = (ovni_matrix)9, OVNI_EINVAL, "matrix");
    BAD(s.queue_depth = 1000, OVNI_EINVAL, "queue_depth");
    BAD(s.audio_start = -1, OVNI_EINVAL, "audio_start");
    BAD(s.audio_path = "/nonexistent/sound.wav", OVNI_EIO, "sound.wav");
    /* No NVENC on the CPU device: a forced NVENC is a named error. */
    BAD(s.encoder = OVNI_ENCODER_NVENC, OVNI_ENODEV, "NVENC");
    settings_base(&s);
    CHECK_ERR(ovni_writer_open(&w, dev, "out.avi", &s), OVNI_EINVAL, "extension");
    CHECK_ERR(ovni_writer_open(&w, dev, "noext", &s), OVNI_EINVAL, "extension");
    wu_path(path, sizeof(path), "x.webm");
    CHECK_ERR(ovni_writer_open(&w, dev, path, &s), OVNI_EUNSUPPORTED, "webm");
    CHECK_ERR(ovni_writer_open(&w, dev, NULL, &s), OVNI_EINVAL, "NULL");
    CHECK(temporaries() == 0 && !exists(path));
}

static void failures(const char *wav)
{
    char path[512];
    ovni_writer_settings s;
    ovni_writer *w = NULL;
    settings_base(&s);

    /* An unwritable directory: an error naming the file, nothing left. */
    CHECK_ERR(ovni_writer_open(&w, dev, "/nonexistent-ovni-dir/out.mp4", &s), OVNI_EIO, "out.mp4");
    CHECK(!exists("/nonexistent-ovni-dir"));
    CHECK_ERR(ovni_writer_open(&w, dev, "/proc/version/out.mp4", &s), OVNI_EIO, "out.mp4");

    /* COPY where the codec does not fit the container. */
    wu_path(path, sizeof(path), "copy.mp4");
    s.audio_path = wav;
    s.audio_mode = OVNI_AUDIO_COPY;
    CHECK_ERR(ovni_writer_open(&w, dev, path, &s), OVNI_EUNSUPPORTED, "COPY");
    CHECK(!exists(path));
    settings_base(&s);

    /* Cancel: no target, no temporary. */
    wu_path(path, sizeof(path), "cancel.mp4");
    CHECK_OK(ovni_writer_open(&w, dev, path, &s));
    CHECK(temporaries() == 1);
    for (int n = 0; n < 10 && w; n++) {
        ovni_frame *f = NULL;
        CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, W, H, OVNI_MEMORY_HOST, &f));
        wu_fill_nv12(f, n);
        CHECK_OK(ovni_writer_write(w, f));
        ovni_frame_unref(&f);
    }
    ovni_writer_cancel(&w);
    CHECK(w == NULL);
    CHECK(!exists(path) && temporaries() == 0);
    ovni_writer_cancel(&w); /* fine on NULL */
    CHECK(ovni_writer_close(&w) == 0);

    /* Wrong frames: named errors; closing with no frames fails, no file. */
    wu_path(path, sizeof(path), "wrong.mkv");
    CHECK_OK(ovni_writer_open(&w, dev, path, &s));
    ovni_frame *f = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, 160, 120, OVNI_MEMORY_HOST, &f));
    CHECK_ERR(ovni_writer_write(w, f), OVNI_EINVAL, "size");
    ovni_frame_unref(&f);
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_GRAY8, W, H, OVNI_MEMORY_HOST, &f));
    CHECK_ERR(ovni_writer_write(w, f), OVNI_EINVAL, "format");
    ovni_frame_unref(&f);
    CHECK_ERR(ovni_writer_write(w, NULL), OVNI_EINVAL, "NULL");
    CHECK_ERR(ovni_writer_close(&w), OVNI_EINVAL, "no frames");
    CHECK(w == NULL && !exists(path) && temporaries() == 0);

    /* Existing target untouched on failure. */
    wu_path(path, sizeof(path), "keep.mp4");
    FILE *fp = fopen(path, "wb");
    if (fp) {
        fputs("precious", fp);
        fclose(fp);
    }
    CHECK_OK(ovni_writer_open(&w, dev, path, &s));
    ovni_writer_cancel(&w);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 8);
}

static void hevc(void)
{
    if (!avcodec_find_encoder_by_name("libx265")) {
        SKIP("hevc: this FFmpeg has no libx265, HEVC writing not checked");
        return;
    }
    char path[512];
    wu_path(path, sizeof(path), "hevc.mp4");
    ovni_writer_settings s;
    settings_base(&s);
    s.codec = OVNI_CODEC_HEVC;
    s.rate_control = OVNI_RC_CQP;
    s.quality = 20;
    CHECK_OK(write_nv12(path, &s, 16));
    wu_result r;
    CHECK(wu_read_back(path, dev, wu_ref_nv12, &r) == 0);
    CHECK_MSG(r.frames == 16 && r.psnr_min >= WU_PSNR_FLOOR, "hevc: %d frames, PSNR %.2f", r.frames, r.psnr_min);
    printf("hevc       %d frames, PSNR min %.2f dB\n", r.frames, r.psnr_min);
}

static void encoder_name_and_rc(void)
{
    char path[512];
    wu_path(path, sizeof(path), "auto.mkv");
    ovni_writer_settings s;
    settings_base(&s);
    s.encoder = OVNI_ENCODER_AUTO; /* CPU device: x264 */
    s.rate_control = OVNI_RC_VBR;
    s.bitrate = 2000000;
    s.max_bitrate = 4000000;
    s.gop = 10;
    s.bframes = 0;
    ovni_writer *w = NULL;
    CHECK_OK(ovni_writer_open(&w, dev, path, &s));
    CHECK(w && !strcmp(ovni_writer_encoder_name(w), "libx264"));
    for (int n = 0; n < 20 && w; n++) {
        ovni_frame *f = NULL;
        CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, W, H, OVNI_MEMORY_HOST, &f));
        wu_fill_nv12(f, n);
        CHECK_OK(ovni_writer_write(w, f));
        ovni_frame_unref(&f);
    }
    CHECK_OK(ovni_writer_close(&w));
    wu_result r;
    CHECK(wu_read_back(path, dev, wu_ref_nv12, &r) == 0 && r.frames == 20);
    settings_base(&s);
    s.rate_control = OVNI_RC_CBR;
    s.bitrate = 1500000;
    wu_path(path, sizeof(path), "cbr.ts");
    CHECK_OK(write_nv12(path, &s, 20));
    CHECK(wu_read_back(path, dev, wu_ref_nv12, &r) == 0 && r.frames == 20);
}

int main(void)
{
    if (wu_start("writer", &dev) < 0) return 1;
    round_trip("clip.mp4", 1);
    round_trip("clip.mkv", 0);
    round_trip("clip.mov", 1);
    round_trip("clip.ts", 0);
    rgb_input();
    odd_sizes_and_alpha();

    char wav[512], clip_aac[512];
    wu_path(wav, sizeof(wav), "sine.wav");
    CHECK(wu_make_wav(wav, 4.0) == 0);
    double aac_len = audio_case("aac.mp4", wav, 4.0, OVNI_AUDIO_AUTO, 0.0, AV_CODEC_ID_AAC); /* PCM cannot go in mp4 */
    audio_case("pcm.mkv", wav, 4.0, OVNI_AUDIO_AUTO, 0.0, AV_CODEC_ID_PCM_S16LE);             /* copied */
    audio_case("aac2.mkv", wav, 4.0, OVNI_AUDIO_AAC, 1.0, AV_CODEC_ID_AAC);
    audio_case("late.mkv", wav, 4.0, OVNI_AUDIO_AUTO, 3.0, AV_CODEC_ID_PCM_S16LE); /* audio shorter than video */
    wu_path(clip_aac, sizeof(clip_aac), "aac.mp4");
    audio_case("copy.mov", clip_aac, aac_len, OVNI_AUDIO_COPY, 0.5, AV_CODEC_ID_AAC); /* AAC copied from mp4 */
    audio_case("copy.ts", clip_aac, aac_len, OVNI_AUDIO_AUTO, 0.0, AV_CODEC_ID_AAC);

    passthrough_and_faststart();
    encoder_name_and_rc();
    hevc();
    bad_settings();
    failures(wav);
    ovni_device_close(&dev);
    return wu_finish("writer");
}
