/* Parallel decode of one file on the CPU (settings.segments): for several
 * containers and GOP lengths, reads with 2, 3 and 4 decoders must give
 * exactly the frames of a sequential read (count, pts, every byte), also
 * with start_frame and frame_count; files without a keyframe index, or too
 * short to split, read in one piece; damaged files and early closes end
 * cleanly, and a damaged keyframe (missing, or there but broken) gives the
 * frames of a sequential read. ovni_reader_get_stats() shows that the split happened: more than
 * one decoder, each delivering frames, where the file has an index; one
 * where it has none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavformat/avformat.h>

#include "media.h"
#include "test.h"

#define MAXF 240

static char dir[256];

static const char *tmp(const char *name)
{
    static char buf[4][512];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
    return buf[i];
}

static void unref_all(ovni_frame **f, int n) { media_unref_all(f, n < MAXF ? n : MAXF); }

/* Reads up to MAXF frames into out, with the reader's stats at the end. */
static int read_stats(ovni_device *dev, const char *path, const ovni_reader_settings *s, ovni_frame **out,
                      ovni_reader_stats *st)
{
    ovni_reader *r = NULL;
    memset(st, 0, sizeof(*st));
    if (ovni_reader_open(&r, dev, path, s) < 0) {
        fprintf(stderr, "%s: %s\n", path, ovni_last_error());
        return -1;
    }
    int n = 0, ret;
    ovni_frame *f = NULL;
    while ((ret = ovni_reader_read(r, &f)) == 0) {
        if (n < MAXF) out[n] = f;
        else ovni_frame_unref(&f);
        n++;
    }
    if (ret != OVNI_EOF) fprintf(stderr, "read %s: %s\n", path, ovni_last_error());
    ovni_reader_get_stats(r, st);
    ovni_reader_close(&r);
    return ret == OVNI_EOF ? n : -1;
}

/* The sequential read every parallel read is compared with: one CPU
 * decoder (segments=1) with `threads` threads (0: the default). */
static int read_sequential(ovni_device *dev, const char *path, int threads, ovni_frame **out, ovni_reader_stats *st)
{
    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    s.decoder = OVNI_DECODER_CPU;
    s.segments = 1;
    s.threads = threads;
    return read_stats(dev, path, &s, out, st);
}

/* Reads `path` with `segments` decoders and compares with ref[first ...].
 * split: 1 the read must have used more than one decoder (each of them
 * delivering frames), 0 exactly one, -1 either. */
static void compare(ovni_device *dev, const char *path, ovni_frame **ref, int nref, int segments, int start,
                    int count, int split)
{
    static ovni_frame *got[MAXF];
    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    s.decoder = OVNI_DECODER_CPU;
    s.segments = segments;
    s.start_frame = start;
    s.frame_count = count;
    s.threads = 1;
    int want = nref - start;
    if (count > 0 && count < want) want = count;
    ovni_reader_stats st;
    int n = read_stats(dev, path, &s, got, &st);
    const char *name = strrchr(path, '/') + 1;
    CHECK_MSG(st.frames == n, "%s segments=%d: stats count %lld frames, %d read", name, segments,
              (long long)st.frames, n);
    if (split == 1)
        CHECK_MSG(st.decoders > 1 && st.decoders <= segments && st.decoders_used == st.decoders &&
                      st.chunks >= st.decoders,
                  "%s segments=%d start=%d: not split: %d decoders (%d used) on %d chunks", name, segments, start,
                  st.decoders, st.decoders_used, st.chunks);
    else if (split == 0)
        CHECK_MSG(st.decoders == 1 && st.decoders_used == 1 && st.chunks == 0,
                  "%s segments=%d: %d decoders (%d used) on %d chunks, wanted one piece", name, segments,
                  st.decoders, st.decoders_used, st.chunks);
    if (segments == 4 && start == 0 && count == 0)
        printf("%s segments=4: %d decoders (%d delivered frames), %d chunks\n", name, st.decoders, st.decoders_used,
               st.chunks);
    CHECK_MSG(n == want, "%s segments=%d start=%d count=%d: %d frames, want %d", name, segments, start, count, n,
              want);
    int same = 0;
    for (int i = 0; i < n && i < want && i < MAXF; i++) {
        const ovni_frame *a = got[i], *b = ref[start + i];
        int ok = a->pts == b->pts && media_same_pixels(a, b) && a->time_base.num == b->time_base.num &&
                 a->time_base.den == b->time_base.den;
        if (!ok && same == i)
            fprintf(stderr, "%s segments=%d start=%d: frame %d differs (pts %lld, want %lld)\n", name, segments,
                    start, i, (long long)a->pts, (long long)b->pts);
        same += ok;
    }
    CHECK_MSG(same == want, "%s segments=%d start=%d count=%d: %d of %d frames identical", name, segments, start,
              count, same, want);
    unref_all(got, n);
}

/* One clip: a sequential reference read, then parallel reads against it. */
static void check_clip(ovni_device *dev, const char *name, int frames, int gop, int full_only, int split)
{
    media_spec m = {.path = tmp(name), .width = 160, .height = 96, .fps_num = 30, .fps_den = 1, .frames = frames,
                    .gop = gop};
    if (media_write(&m, NULL) != 0) {
        CHECK_MSG(0, "%s: cannot write", name);
        return;
    }
    static ovni_frame *ref[MAXF];
    ovni_reader_stats st;
    int n = read_sequential(dev, m.path, 0, ref, &st);
    CHECK_MSG(n == frames, "%s: sequential read gave %d frames of %d", name, n, frames);
    if (n == frames) {
        for (int k = 2; k <= 4; k++) compare(dev, m.path, ref, n, k, 0, 0, split);
        compare(dev, m.path, ref, n, 1, 0, 0, 0); /* segments=1: one decoder, whatever the file */
        if (!full_only) {
            const int starts[][2] = {{1, 0}, {36, 0}, {37, 50}, {71, 0}, {100, 7}, {0, 7}, {0, 75},
                                            {frames - 3, 0}, {frames - 40, 0}};
            for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
                for (int k = 2; k <= 4; k += 2) compare(dev, m.path, ref, n, k, starts[i][0], starts[i][1], -1);
        }
        printf("%s: %d frames, GOP %d: parallel reads identical\n", name, n, gop);
    }
    unref_all(ref, n);
    unlink(m.path);
}

/* An MP4 cut by stream copy between keyframes (`ffmpeg -ss 1.3 -c copy`):
 * an edit list starts the clip after its first keyframe, whose index entry
 * is marked discard. The parallel read must start at that keyframe as the
 * sequential read does (on the H200 it started at the next one, 0.7 s late). */
static void check_editlist(ovni_device *dev)
{
    media_spec m = {.path = tmp("cut_src.mp4"), .width = 160, .height = 96, .fps_num = 30, .fps_den = 1,
                    .frames = 200, .gop = 30};
    CHECK(media_write(&m, NULL) == 0);
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -v error -y -ss 1.3 -i '%s' -c copy '%s'", m.path, tmp("cut.mp4"));
    if (system(cmd) != 0) {
        CHECK_MSG(0, "ffmpeg could not cut %s (is ffmpeg installed? scripts/install-deps.sh)", m.path);
        return;
    }
    static ovni_frame *ref[MAXF];
    ovni_reader_stats st;
    int n = read_sequential(dev, tmp("cut.mp4"), 0, ref, &st);
    /* 200 frames from 1.3 s: 161 (ffmpeg's own decode of the cut gives the same) */
    CHECK_MSG(n == 161, "cut.mp4: sequential read gave %d frames, want 161", n);
    if (n == 161) {
        CHECK_MSG(ref[0]->pts == 0, "cut.mp4: first frame pts %lld, want 0", (long long)ref[0]->pts);
        for (int k = 2; k <= 4; k++) compare(dev, tmp("cut.mp4"), ref, n, k, 0, 0, 1);
        compare(dev, tmp("cut.mp4"), ref, n, 3, 20, 0, -1);
        printf("cut.mp4 (edit list from 1.3 s): parallel reads identical\n");
    }
    unref_all(ref, n);
    unlink(m.path);
    unlink(tmp("cut.mp4"));
}

/* Damaged data in the middle and closes at awkward times: no hang, no leak. */
static void check_robust(ovni_device *dev)
{
    media_spec m = {.path = tmp("robust.mp4"), .width = 160, .height = 96, .fps_num = 30, .fps_den = 1,
                    .frames = 200, .gop = 12};
    CHECK(media_write(&m, NULL) == 0);
    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    s.decoder = OVNI_DECODER_CPU;
    s.segments = 3;
    s.threads = 1;
    for (int stop = 0; stop < 4; stop++) { /* close after 0, 1, 2, 3 frames: workers still busy */
        ovni_reader *r = NULL;
        CHECK_OK(ovni_reader_open(&r, dev, m.path, &s));
        for (int i = 0; r && i < stop; i++) {
            ovni_frame *f = NULL;
            CHECK_OK(ovni_reader_read(r, &f));
            ovni_frame_unref(&f);
        }
        ovni_reader_close(&r);
    }
    /* Garbage over a stretch of the media data. */
    FILE *fp = fopen(m.path, "r+b");
    CHECK(fp != NULL);
    if (fp) {
        fseek(fp, 0, SEEK_END);
        long size = ftell(fp);
        fseek(fp, size / 3, SEEK_SET);
        test_seed(11);
        for (int i = 0; i < 2000; i++) fputc(test_rand() & 0xff, fp);
        fclose(fp);
    }
    static ovni_frame *got[MAXF];
    ovni_reader_stats st;
    int n = read_stats(dev, m.path, &s, got, &st);
    printf("damaged, segments=3: %d frames\n", n);
    CHECK_MSG(n >= 150 && n <= 200, "damaged file with segments=3 gave %d frames", n);
    unref_all(got, n);
    unlink(m.path);
}

/* File offset and size of the video stream's keyframe packets, in file order. */
static int key_packets(const char *path, int64_t *pos, int *size, int max)
{
    AVFormatContext *fmt = NULL;
    if (avformat_open_input(&fmt, path, NULL, NULL) < 0) return -1;
    AVPacket *pkt = av_packet_alloc();
    int n = 0;
    while (pkt && n < max && av_read_frame(fmt, pkt) >= 0) {
        if ((pkt->flags & AV_PKT_FLAG_KEY) && pkt->pos >= 0) {
            pos[n] = pkt->pos;
            size[n++] = pkt->size;
        }
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    avformat_close_input(&fmt);
    return n;
}

/* Copies src to dst with bytes [from, from + len) zeroed. */
static int copy_zeroed(const char *src, const char *dst, int64_t from, int64_t len)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    int ok = in && out;
    for (int64_t i = 0; ok; i++) {
        int c = fgetc(in);
        if (c == EOF) break;
        ok = fputc(i >= from && i < from + len ? 0 : c, out) != EOF;
    }
    if (in) fclose(in);
    if (out && fclose(out) != 0) ok = 0;
    return ok ? 0 : -1;
}

/* A damaged keyframe in one chunk (GOPs of 30 frames: a chunk each):
 * segments=3 must give exactly the sequential read's frames. Zeroed
 * whole, the keyframe is no keyframe to the demuxer's parser: the chunk
 * before reads on through its span (in the last chunk this failed with
 * "chunk 6's keyframe was not found"; in chunk 2 chunk 3 came twice).
 * Zeroed after its first 200 bytes, it is still a keyframe but decodes
 * with errors: the chunk is decoded again from the chunk before, so the
 * concealment sees the pictures a sequential read's decoder holds. Both
 * reads use one decoder thread: libavcodec's concealment differs between
 * 1 and 2 frame threads (FFmpeg's own -threads 1 and 2 give other frames). */
static void check_damaged_keyframes(ovni_device *dev)
{
    media_spec m = {.path = tmp("keys.mp4"), .width = 160, .height = 96, .fps_num = 30, .fps_den = 1,
                    .frames = 200, .gop = 30};
    CHECK(media_write(&m, NULL) == 0);
    int64_t pos[16];
    int size[16];
    int keys = key_packets(m.path, pos, size, 16);
    CHECK_MSG(keys == 7, "keys.mp4: %d keyframes, want 7", keys);
    if (keys != 7) return;
    const struct {
        const char *name;
        int key, skip; /* the keyframe damaged, and bytes of it left intact */
    } cases[] = {{"key2_zeroed.mp4", 2, 0}, {"key6_zeroed.mp4", 6, 0}, {"key2_half.mp4", 2, 200}};
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        const char *path = tmp(cases[c].name);
        int k = cases[c].key;
        CHECK(size[k] > cases[c].skip + 100);
        CHECK_OK(copy_zeroed(m.path, path, pos[k] + cases[c].skip, size[k] - cases[c].skip));
        static ovni_frame *ref[MAXF];
        ovni_reader_stats st;
        int n = read_sequential(dev, path, 1, ref, &st);
        CHECK_MSG(n >= 190 && n <= 200 && st.corrupt_packets > 0, "%s: sequential read gave %d frames, %lld damaged",
                  cases[c].name, n, (long long)st.corrupt_packets);
        if (n > 0) {
            compare(dev, path, ref, n, 3, 0, 0, 1);
            printf("%s: keyframe %d damaged: %d frames, segments=3 compared\n", cases[c].name, k, n);
        }
        unref_all(ref, n);
        unlink(path);
    }
    unlink(m.path);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/ovni_test_segments_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    ovni_device *dev = NULL;
    CHECK_OK(ovni_device_open(&dev, "cpu"));
    check_clip(dev, "gop12.mp4", 200, 12, 0, 1); /* GOPs merged into chunks of 36 */
    check_clip(dev, "gop31.mkv", 190, 31, 0, 1); /* Matroska cues: chunks of one GOP */
    check_clip(dev, "gop30.mov", 121, 30, 1, 1); /* a last chunk of one frame */
    check_clip(dev, "short.mkv", 20, 12, 1, 0);  /* one chunk: read in one piece */
    check_clip(dev, "noindex.ts", 120, 30, 1, 0); /* MPEG-TS: no index, read in one piece */
    check_editlist(dev);
    check_robust(dev);
    check_damaged_keyframes(dev);
    ovni_reader_settings s;
    ovni_reader_default_settings(&s);
    s.segments = 1000;
    ovni_reader *r = NULL;
    CHECK_ERR(ovni_reader_open(&r, dev, "/nonexistent.mp4", &s), OVNI_EINVAL, "segments=1000");
    ovni_device_close(&dev);
    rmdir(dir);
    return test_result("segments");
}
