/* The reader on the CPU: probe, full reads (count, pts, size, fps, PSNR
 * against what was written), frame-accurate start, frame count, loop,
 * containers, damaged data, early close, and named errors for bad files. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "media.h"
#include "test.h"

#define W 320
#define H 240
#define N 48

static char dir[256];
static char main_audio[32]; /* the audio codec media_write gave clip.mp4 */

static const char *tmp(const char *name)
{
    static char buf[8][512];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
    return buf[i];
}


static int pts_increasing(ovni_frame **f, int n)
{
    for (int i = 1; i < n; i++)
        if (f[i]->pts <= f[i - 1]->pts) return 0;
    return 1;
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (fp) {
        if (n) fwrite(data, 1, n, fp);
        fclose(fp);
    }
}

static void test_probe(const char *mp4)
{
    ovni_video_info info;
    CHECK_OK(ovni_probe(mp4, &info));
    CHECK(info.width == W && info.height == H);
    CHECK_MSG(info.fps.num == 30 && info.fps.den == 1, "fps %d/%d", info.fps.num, info.fps.den);
    CHECK(!strcmp(info.codec, "h264"));
    CHECK(strstr(info.container, "mp4") != NULL);
    CHECK(info.bit_depth == 8);
    CHECK_MSG(info.frame_count == N && info.frame_count_exact, "frame_count %lld exact %d",
              (long long)info.frame_count, info.frame_count_exact);
    CHECK(info.duration > 1.5 && info.duration < 1.7);
    CHECK(info.time_base.num > 0 && info.time_base.den > 0);
    CHECK(info.matrix == OVNI_MATRIX_BT601 && info.range == OVNI_RANGE_LIMITED); /* untagged SD */
    CHECK(info.rotation == 0);
    CHECK(info.naudio == 1);
    CHECK_MSG(!strcmp(info.audio[0].codec, main_audio) && info.audio[0].sample_rate == 48000 &&
              info.audio[0].channels == 2, "audio %s (wrote %s)", info.audio[0].codec, main_audio);
    CHECK(info.audio[0].duration > 1.4 && info.audio[0].duration < 1.8);
}

static void test_full_read(ovni_device *dev, const char *mp4, const uint8_t *pics, ovni_frame **full)
{
    ovni_video_info info;
    ovni_probe(mp4, &info);
    int n = media_read_all(dev, mp4, NULL, full, N + 8);
    CHECK_MSG(n == N, "read %d frames of %d", n, N);
    if (n != N) return;
    CHECK(pts_increasing(full, n));
    double worst = 99;
    for (int i = 0; i < n; i++) {
        ovni_frame *f = full[i];
        CHECK(f->format == OVNI_FORMAT_NV12 && f->memory == OVNI_MEMORY_HOST && f->width == W && f->height == H);
        CHECK(f->time_base.num == info.time_base.num && f->time_base.den == info.time_base.den);
        CHECK(f->matrix == OVNI_MATRIX_BT601 && f->range == OVNI_RANGE_LIMITED);
        double p = media_psnr(f, pics + media_picture_bytes(&(media_spec){.width = W, .height = H}) * (size_t)i);
        if (p < worst) worst = p;
    }
    printf("full read: %d frames, worst PSNR %.2f dB\n", n, worst);
    CHECK_MSG(worst >= 35.0, "worst PSNR %.2f dB", worst);
    /* pts match the frame rate: frame i at i/30 s. */
    double t = (double)(full[N - 1]->pts - full[0]->pts) * info.time_base.num / info.time_base.den;
    CHECK_MSG(t > 1.55 && t < 1.58, "last frame at %.4f s", t);
}

static void test_start_and_count(ovni_device *dev, const char *mp4, ovni_frame **full)
{
    static const int starts[] = {1, 12, 17, 30, 47};
    for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
        ovni_reader_settings s;
        ovni_reader_default_settings(&s);
        s.start_frame = starts[k];
        ovni_frame *got[N] = {0};
        int n = media_read_all(dev, mp4, &s, got, N);
        CHECK_MSG(n == N - starts[k], "start %d: %d frames", starts[k], n);
        int same = n > 0;
        for (int i = 0; i < n && i + starts[k] < N; i++)
            same &= media_same_pixels(got[i], full[i + starts[k]]) && got[i]->pts == full[i + starts[k]]->pts;
        CHECK_MSG(same, "start_frame %d does not give the frames of a full read", starts[k]);
        media_unref_all(got, n < N ? n : N);
    }
    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    s.start_frame = 5;
    s.frame_count = 7;
    s.queue_depth = 1;
    s.threads = 1;
    ovni_frame *got[N] = {0};
    int n = media_read_all(dev, mp4, &s, got, N);
    CHECK_MSG(n == 7, "frame_count 7 gave %d", n);
    CHECK(n == 7 && media_same_pixels(got[0], full[5]) && media_same_pixels(got[6], full[11]));
    media_unref_all(got, n > 0 && n < N ? n : 0);
}

static void test_loop(ovni_device *dev, const char *mp4, ovni_frame **full)
{
    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    s.loop = 1;
    s.frame_count = 100;
    static ovni_frame *got[100];
    int n = media_read_all(dev, mp4, &s, got, 100);
    CHECK_MSG(n == 100, "loop gave %d frames", n);
    if (n == 100) {
        CHECK(pts_increasing(got, n));
        CHECK(media_same_pixels(got[48], full[0]) && media_same_pixels(got[60], full[12]) &&
              media_same_pixels(got[99], full[3]));
        CHECK(got[48]->pts - got[47]->pts == full[1]->pts - full[0]->pts); /* no gap at the seam */
        media_unref_all(got, n);
    }
    /* Looping a section: start 40, 20 frames: 40..47, 40..47, 40..43. */
    s.start_frame = 40;
    s.frame_count = 20;
    n = media_read_all(dev, mp4, &s, got, 100);
    CHECK_MSG(n == 20, "loop from 40 gave %d frames", n);
    if (n == 20) {
        CHECK(pts_increasing(got, n));
        CHECK(media_same_pixels(got[8], full[40]) && media_same_pixels(got[19], full[43]));
        media_unref_all(got, n);
    }
}

static void test_containers(ovni_device *dev)
{
    static const struct { const char *name; enum media_audio audio; } c[] = {
        {"clip.mkv", MEDIA_AUDIO_MP2},
        {"clip.mov", MEDIA_AUDIO_PCM},
    };
    for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
        media_spec m = {.path = tmp(c[k].name), .width = 176, .height = 144, .fps_num = 25, .fps_den = 1,
                        .frames = 30, .audio = c[k].audio};
        uint8_t *pics = NULL;
        CHECK(media_write(&m, &pics) == 0);
        char acodec[32]; /* what was written: mp2 falls back where this FFmpeg has no encoder for it */
        snprintf(acodec, sizeof(acodec), "%s", media_audio_codec());
        ovni_video_info info;
        CHECK_OK(ovni_probe(m.path, &info));
        CHECK_MSG(info.width == 176 && info.height == 144 && info.fps.num == 25 && info.fps.den == 1,
                  "%s: %dx%d at %d/%d", c[k].name, info.width, info.height, info.fps.num, info.fps.den);
        CHECK_MSG(info.naudio == 1 && !strcmp(info.audio[0].codec, acodec), "%s: audio %s, wrote %s", c[k].name,
                  info.naudio ? info.audio[0].codec : "none", acodec);
        CHECK_MSG(info.frame_count >= 29 && info.frame_count <= 31, "%s: frame_count %lld", c[k].name,
                  (long long)info.frame_count);
        ovni_frame *got[40] = {0};
        int n = media_read_all(dev, m.path, NULL, got, 40);
        CHECK_MSG(n == 30, "%s: %d frames", c[k].name, n);
        double worst = 99;
        for (int i = 0; i < n && i < 30 && pics; i++) {
            double p = media_psnr(got[i], pics + media_picture_bytes(&m) * (size_t)i);
            worst = p < worst ? p : worst;
        }
        CHECK_MSG(worst >= 35.0, "%s: worst PSNR %.2f", c[k].name, worst);
        CHECK(n > 1 && pts_increasing(got, n < 40 ? n : 40));
        media_unref_all(got, n > 0 && n < 40 ? n : 0);
        free(pics);
    }
}

/* 10-bit H.264: P010 frames with the pattern in their high bits. */
static void test_10bit(ovni_device *dev)
{
    media_spec m = {.path = tmp("clip10.mkv"), .width = 128, .height = 96, .fps_num = 24, .fps_den = 1,
                    .frames = 10, .bits = 10};
    uint8_t *pics = NULL;
    if (media_write(&m, &pics) != 0) {
        SKIP("10-bit: this libx264 has no 10-bit encoder, P010 reading not checked");
        return;
    }
    ovni_video_info info;
    CHECK_OK(ovni_probe(m.path, &info));
    CHECK_MSG(info.bit_depth == 10, "bit_depth %d", info.bit_depth);
    ovni_frame *got[16] = {0};
    int n = media_read_all(dev, m.path, NULL, got, 16);
    CHECK_MSG(n == 10, "10-bit: %d frames", n);
    double worst = 99;
    for (int i = 0; i < n && i < 10; i++) {
        CHECK(got[i]->format == OVNI_FORMAT_P010);
        double p = media_psnr(got[i], pics + media_picture_bytes(&m) * (size_t)i);
        worst = p < worst ? p : worst;
    }
    printf("10-bit: %d frames, worst PSNR %.2f dB (8-bit high bytes)\n", n, worst);
    CHECK_MSG(worst >= 35.0, "10-bit: worst PSNR %.2f", worst);
    media_unref_all(got, n > 0 && n < 16 ? n : 0);
    free(pics);
    unlink(m.path);
}

static void test_damaged(ovni_device *dev, const char *mp4)
{
    FILE *fp = fopen(mp4, "rb");
    static uint8_t buf[1 << 22];
    size_t size = fp ? fread(buf, 1, sizeof(buf), fp) : 0;
    if (fp) fclose(fp);
    CHECK(size > 20000 && size < sizeof(buf));
    /* Garbage over a stretch in the middle of the media data: decoding goes on. */
    test_seed(7);
    for (size_t i = size * 4 / 10; i < size * 4 / 10 + 3000; i++) buf[i] = (uint8_t)test_rand();
    write_file(tmp("damaged.mp4"), buf, size);
    ovni_reader *r = NULL;
    CHECK_OK(ovni_reader_open(&r, dev, tmp("damaged.mp4"), NULL));
    int n = 0, ret;
    ovni_frame *f = NULL;
    while ((ret = ovni_reader_read(r, &f)) == 0) {
        n++;
        ovni_frame_unref(&f);
    }
    CHECK_MSG(ret == OVNI_EOF, "damaged file ended with %d: %s", ret, ovni_last_error());
    printf("damaged file: %d frames, %lld corrupt packets\n", n, (long long)ovni_reader_corrupt_packets(r));
    CHECK(n >= N - 12);
    ovni_reader_close(&r);

    /* The header cut short (moov is at the end of this mp4). */
    write_file(tmp("truncated.mp4"), buf, 2000);
}

static void test_errors(ovni_device *dev, const char *mp4)
{
    ovni_reader *r = NULL;
    ovni_video_info info;
    write_file(tmp("empty.mp4"), "", 0);
    const char *text = "This is not a video.\nJust some words.\n";
    write_file(tmp("notes.txt"), text, strlen(text));
    write_file(tmp("notes.mp4"), text, strlen(text));
    media_spec a = {.path = tmp("audio.mka"), .fps_num = 25, .fps_den = 1, .audio = MEDIA_AUDIO_AAC,
                    .audio_seconds = 1.0};
    CHECK(media_write(&a, NULL) == 0);

    CHECK_ERR(ovni_reader_open(&r, dev, tmp("missing.mp4"), NULL), OVNI_EIO, "missing.mp4: cannot open: No such file");
    CHECK_ERR(ovni_reader_open(&r, dev, tmp("empty.mp4"), NULL), OVNI_EFORMAT, "empty.mp4: the file is empty");
    CHECK_ERR(ovni_reader_open(&r, dev, tmp("notes.txt"), NULL), OVNI_EFORMAT, "notes.txt: a text file");
    CHECK_ERR(ovni_reader_open(&r, dev, tmp("notes.mp4"), NULL), OVNI_EFORMAT, "notes.mp4: a text file");
    CHECK_ERR(ovni_reader_open(&r, dev, tmp("truncated.mp4"), NULL), OVNI_EFORMAT, "truncated.mp4: a damaged or truncated");
    CHECK_ERR(ovni_reader_open(&r, dev, tmp("audio.mka"), NULL), OVNI_EFORMAT, "audio.mka: no video stream (the file has 1 audio stream)");
    CHECK_ERR(ovni_reader_open(&r, dev, dir, NULL), OVNI_EIO, "directory");
    CHECK(r == NULL);
    CHECK_ERR(ovni_probe(tmp("audio.mka"), &info), OVNI_EFORMAT, "no video stream");
    CHECK_ERR(ovni_probe(tmp("missing.mp4"), &info), OVNI_EIO, "missing.mp4");
    CHECK_ERR(ovni_probe(NULL, &info), OVNI_EINVAL, "path");

    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    s.start_frame = -1;
    CHECK_ERR(ovni_reader_open(&r, dev, mp4, &s), OVNI_EINVAL, "start_frame=-1");
    s.start_frame = N;
    CHECK_ERR(ovni_reader_open(&r, dev, mp4, &s), OVNI_EINVAL, "start_frame=48 is past the end (the video has 48 frames)");
    ovni_reader_default_settings(&s);
    s.output_memory = 1;
    CHECK_ERR(ovni_reader_open(&r, dev, mp4, &s), OVNI_EINVAL, "output_memory=1");
    ovni_reader_default_settings(&s);
    s.decoder = OVNI_DECODER_NVDEC;
    CHECK_ERR(ovni_reader_open(&r, dev, mp4, &s), OVNI_ENODEV, "decoder=nvdec needs a GPU");
    ovni_reader_default_settings(&s);
    s.queue_depth = 1000;
    CHECK_ERR(ovni_reader_open(&r, dev, mp4, &s), OVNI_EINVAL, "queue_depth=1000");
    CHECK_ERR(ovni_reader_open(&r, NULL, mp4, NULL), OVNI_EINVAL, "device");
    CHECK(r == NULL);
    ovni_frame *f = NULL;
    CHECK_ERR(ovni_reader_read(NULL, &f), OVNI_EINVAL, "reader");
    CHECK(ovni_reader_info(NULL) == NULL && ovni_reader_corrupt_packets(NULL) == 0);
    ovni_reader_close(&r); /* fine on NULL */
}

static void test_early_close(ovni_device *dev, const char *mp4)
{
    /* Closed at once, after a few frames, and while frames are still held. */
    ovni_reader *r = NULL;
    CHECK_OK(ovni_reader_open(&r, dev, mp4, NULL));
    ovni_reader_close(&r);
    CHECK(r == NULL);
    CHECK_OK(ovni_reader_open(&r, dev, mp4, NULL));
    ovni_frame *a = NULL, *b = NULL;
    CHECK_OK(ovni_reader_read(r, &a));
    CHECK_OK(ovni_reader_read(r, &b));
    CHECK(!strcmp(ovni_reader_info(r)->decoder, "libavcodec"));
    ovni_reader_close(&r);
    CHECK(a && b && a->width == W);
    ovni_frame_unref(&a);
    ovni_frame_unref(&b);
    /* Reading past the end keeps saying EOF. */
    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    s.start_frame = 46;
    CHECK_OK(ovni_reader_open(&r, dev, mp4, &s));
    int n = 0;
    while (ovni_reader_read(r, &a) == 0) {
        n++;
        ovni_frame_unref(&a);
    }
    CHECK(n == 2 && ovni_reader_read(r, &a) == OVNI_EOF && a == NULL);
    ovni_reader_close(&r);
}

/* Interlaced H.264 from media_write (MBAFF, top and bottom field first;
 * reader_gpu compares NVDEC's frames with these): every frame carries the
 * clip's field order, and the stream is tagged with it. */
static void test_interlaced(ovni_device *dev)
{
    for (int order = 1; order <= 2; order++) {
        const char *path = tmp(order == 1 ? "tff.mp4" : "bff.mp4");
        media_spec m = {.path = path, .width = 64, .height = 48, .fps_num = 25, .fps_den = 1, .frames = 6,
                        .interlaced = order};
        CHECK(media_write(&m, NULL) == 0);
        ovni_frame *f[8] = {0};
        int n = media_read_all(dev, path, NULL, f, 8), fields = 0;
        ovni_field_order want = order == 1 ? OVNI_FIELD_TT : OVNI_FIELD_BB;
        for (int i = 0; i < n && i < 8; i++) fields += f[i]->field_order == want;
        CHECK_MSG(n == 6 && fields == 6, "interlaced %s: %d of %d frames with field order %d",
                  order == 1 ? "tff" : "bff", fields, n, (int)want);
        media_unref_all(f, n < 8 ? n : 8);
        unlink(path);
    }
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/ovni_test_reader_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    ovni_device *dev = NULL;
    CHECK_OK(ovni_device_open(&dev, "cpu"));
    media_spec m = {.path = tmp("clip.mp4"), .width = W, .height = H, .fps_num = 30, .fps_den = 1, .frames = N,
                    .gop = 12, .audio = MEDIA_AUDIO_AAC};
    uint8_t *pics = NULL;
    if (media_write(&m, &pics) != 0) {
        fprintf(stderr, "cannot write the test clip\n");
        return 1;
    }
    snprintf(main_audio, sizeof(main_audio), "%s", media_audio_codec());
    static char mp4[512];
    snprintf(mp4, sizeof(mp4), "%s", tmp("clip.mp4"));
    static ovni_frame *full[N + 8];
    test_probe(mp4);
    test_full_read(dev, mp4, pics, full);
    if (full[N - 1]) {
        test_start_and_count(dev, mp4, full);
        test_loop(dev, mp4, full);
    }
    media_unref_all(full, N + 8);
    test_containers(dev);
    test_10bit(dev);
    test_interlaced(dev);
    test_damaged(dev, mp4);
    test_errors(dev, mp4);
    test_early_close(dev, mp4);
    free(pics);
    ovni_device_close(&dev);
    static const char *names[] = {"clip.mp4", "clip.mkv", "clip.mov", "damaged.mp4", "truncated.mp4", "empty.mp4",
                                  "notes.txt", "notes.mp4", "audio.mka"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) unlink(tmp(names[i]));
    rmdir(dir);
    return test_result("reader");
}
