/* The writer's settings must take effect, checked on the file it writes
 * (CPU, x264): each frame carries its index as a row of blocks and must
 * decode back at its place (no lag, no reordering left); the keyframes fall
 * every `gop` frames (AV_PKT_FLAG_KEY); `bframes` gives packets out of
 * presentation order and 0 gives none; VBR and CBR land near the bitrate
 * asked for and the rates differ; pass-through keeps uneven timestamps
 * exactly; the PSNR against the source is high enough that a one-frame lag
 * would fail it (printed for both, so the margin is seen). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "writer_util.h"

#define W 320
#define H 240
#define BLOCK 16
#define BITS 8

/* The floor for the moving gradient at CRF 23, preset p1, 320x240: the
 * encoder reaches 49.6-50.0 dB; a frame one step late scores 27.5 dB here (the index blocks) and 37.3 dB on the gradient alone
 * (printed by every run). */
#define PSNR_FLOOR 45.0

static ovni_device *dev;

/* wu_fill_nv12's gradient with the frame index, BITS bits, as BLOCKxBLOCK
 * black/white squares along the top-left (luma only). */
static void fill_id(ovni_frame *f, int n)
{
    wu_fill_nv12(f, n);
    for (int b = 0; b < BITS; b++)
        for (int y = 0; y < BLOCK; y++)
            memset(f->data[0] + (size_t)y * f->pitch[0] + (size_t)b * BLOCK, (n >> b) & 1 ? 235 : 16, BLOCK);
}

static ovni_frame *ref_id(ovni_device *d, int w, int h, int n)
{
    ovni_frame *f = NULL;
    if (ovni_frame_new(d, OVNI_FORMAT_NV12, w, h, OVNI_MEMORY_HOST, &f) < 0) return NULL;
    fill_id(f, n);
    return f;
}

/* The index read from a decoded picture: each block's centre 8x8 mean. */
static int read_id(const AVFrame *fr)
{
    int id = 0;
    for (int b = 0; b < BITS; b++) {
        double s = 0;
        for (int y = 4; y < 12; y++)
            for (int x = 4; x < 12; x++) s += fr->data[0][(size_t)y * fr->linesize[0] + b * BLOCK + x];
        if (s / 64 > 125) id |= 1 << b;
    }
    return id;
}

#define MAXF 256

typedef struct readback {
    int frames, packets;
    int ids[MAXF];            /* index read from decoded frame i (presentation order) */
    double psnr_min, psnr_lag_max; /* against ref(i), and the best against ref(i-1) */
    int64_t pts_ms[MAXF];     /* frame i's timestamp in ms (best effort) */
    int key[MAXF];            /* 1 where the packet of presentation frame i is a keyframe */
    int reordered;            /* packets whose pts is below an earlier packet's */
    int64_t bytes;            /* video packet payload */
    double seconds;           /* video duration in the file */
} readback;

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int read_file(const char *path, readback *rb)
{
    memset(rb, 0, sizeof(*rb));
    rb->psnr_min = 99;
    wu_input in;
    if (wu_open(path, 1, &in) < 0) return -1;
    AVFormatContext *ic = in.ic;
    AVStream *vs = in.vs;
    AVCodecContext *dec = in.dec;
    const int vi = in.vi;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    int64_t pkt_pts[MAXF], key_pts[MAXF], maxpts = INT64_MIN, end = 0;
    int nkey = 0, eof = 0;
    while (!eof) {
        if (av_read_frame(ic, pkt) < 0) {
            eof = 1;
            avcodec_send_packet(dec, NULL);
        } else if (pkt->stream_index != vi) {
            av_packet_unref(pkt);
            continue;
        } else {
            if (rb->packets < MAXF) pkt_pts[rb->packets] = pkt->pts;
            if (pkt->pts < maxpts) rb->reordered++;
            if (pkt->pts > maxpts) maxpts = pkt->pts;
            if (pkt->pts + pkt->duration > end) end = pkt->pts + pkt->duration;
            if ((pkt->flags & AV_PKT_FLAG_KEY) && nkey < MAXF) key_pts[nkey++] = pkt->pts;
            rb->packets++;
            rb->bytes += pkt->size;
            avcodec_send_packet(dec, pkt);
            av_packet_unref(pkt);
        }
        while (avcodec_receive_frame(dec, fr) == 0) {
            int i = rb->frames++;
            if (i < MAXF) {
                rb->ids[i] = read_id(fr);
                rb->pts_ms[i] = av_rescale_q(fr->best_effort_timestamp, vs->time_base, (AVRational){1, 1000});
                ovni_frame *e = ref_id(dev, fr->width, fr->height, i);
                if (e) {
                    double p = wu_psnr(fr, e);
                    if (p < rb->psnr_min) rb->psnr_min = p;
                    ovni_frame_unref(&e);
                }
                if (i > 0 && (e = ref_id(dev, fr->width, fr->height, i - 1))) {
                    double p = wu_psnr(fr, e);
                    if (p > rb->psnr_lag_max) rb->psnr_lag_max = p;
                    ovni_frame_unref(&e);
                }
            }
            av_frame_unref(fr);
        }
    }
    /* keyframes by presentation position: sort the packets' pts */
    int np = rb->packets < MAXF ? rb->packets : MAXF;
    qsort(pkt_pts, (size_t)np, sizeof(int64_t), cmp64);
    for (int k = 0; k < nkey; k++)
        for (int i = 0; i < np; i++)
            if (pkt_pts[i] == key_pts[k]) rb->key[i] = 1;
    rb->seconds = (double)(end - (np ? pkt_pts[0] : 0)) * av_q2d(vs->time_base);
    av_frame_free(&fr);
    av_packet_free(&pkt);
    wu_close(&in);
    return 0;
}

static void settings_base(ovni_writer_settings *s) { wu_settings(s, W, H, (ovni_rational){30, 1}); }

/* Writes n frames; pts_ms (may be NULL) gives each frame's pts in ms. */
static int write_frames(const char *path, const ovni_writer_settings *s, int n, const int64_t *pts_ms,
                        void (*fill)(ovni_frame *, int))
{
    return wu_write(dev, path, s, n, fill, pts_ms);
}

/* Frames decode back at their own place, index by index. */
static int ids_in_order(const readback *rb, int n)
{
    if (rb->frames != n) return 0;
    for (int i = 0; i < n && i < MAXF; i++)
        if (rb->ids[i] != (i & ((1 << BITS) - 1))) {
            fprintf(stderr, "frame %d decodes as frame %d\n", i, rb->ids[i]);
            return 0;
        }
    return 1;
}

static void identity_and_gop(const char *name, int gop, int bframes)
{
    char path[512];
    wu_path(path, sizeof(path), name);
    ovni_writer_settings s;
    settings_base(&s);
    s.gop = gop;
    s.bframes = bframes;
    const int n = 60;
    CHECK_OK(write_frames(path, &s, n, NULL, fill_id));
    readback rb;
    CHECK_MSG(read_file(path, &rb) == 0, "%s unreadable", name);
    CHECK_MSG(ids_in_order(&rb, n), "%s: %d frames, not 0..%d in order", name, rb.frames, n - 1);
    CHECK_MSG(rb.psnr_min >= PSNR_FLOOR, "%s: PSNR %.2f dB under %.1f", name, rb.psnr_min, PSNR_FLOOR);
    CHECK_MSG(rb.psnr_lag_max < PSNR_FLOOR, "%s: a one-frame lag would score %.2f dB, not caught by %.1f", name,
              rb.psnr_lag_max, PSNR_FLOOR);
    char keys[MAXF + 1];
    int nkey = 0, good = 1;
    for (int i = 0; i < n; i++) {
        keys[i] = rb.key[i] ? 'K' : '.';
        nkey += rb.key[i];
        /* a keyframe exactly every gop frames, none between */
        good &= rb.key[i] == (i % gop == 0);
    }
    keys[n] = 0;
    CHECK_MSG(good, "%s: gop %d: keyframes %s", name, gop, keys);
    if (bframes > 0)
        CHECK_MSG(rb.reordered > 0, "%s: bframes %d but no packet out of presentation order", name, bframes);
    else
        CHECK_MSG(rb.reordered == 0, "%s: bframes 0 but %d packets out of order", name, rb.reordered);
    printf("%-12s gop %2d bframes %d: %d keyframes %s, %d packets reordered, PSNR min %.2f dB (one frame late: "
           "%.2f dB)\n", name, gop, bframes, nkey, keys, rb.reordered, rb.psnr_min, rb.psnr_lag_max);
}

/* Noise on the gradient: costly to code, so the rate control sets the size. */
static void fill_noisy(ovni_frame *f, int n)
{
    fill_id(f, n);
    uint64_t st = 0x12345678u + (uint64_t)n * 7919;
    for (int y = BLOCK; y < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            uint8_t *p = f->data[0] + (size_t)y * f->pitch[0] + x;
            int v = *p + (int)((st >> 60) & 15) - 8;
            *p = (uint8_t)(v < 16 ? 16 : v > 235 ? 235 : v);
        }
}

static double rate_case(const char *name, ovni_rate_control rc, int64_t bitrate)
{
    char path[512];
    wu_path(path, sizeof(path), name);
    ovni_writer_settings s;
    settings_base(&s);
    s.rate_control = rc;
    s.bitrate = bitrate;
    if (rc == OVNI_RC_VBR) s.max_bitrate = bitrate * 2;
    const int n = 90;
    CHECK_OK(write_frames(path, &s, n, NULL, fill_noisy));
    readback rb;
    CHECK_MSG(read_file(path, &rb) == 0, "%s unreadable", name);
    CHECK_MSG(ids_in_order(&rb, n), "%s: frames not in order", name);
    double rate = rb.bytes * 8.0 / (n / 30.0);
    printf("%-12s %s %lld b/s asked: %.0f b/s written (%.2fx)\n", name, rc == OVNI_RC_CBR ? "CBR" : "VBR",
           (long long)bitrate, rate, rate / bitrate);
    return rate;
}

static void rates(void)
{
    double v1 = rate_case("vbr400k.mkv", OVNI_RC_VBR, 400000);
    double v2 = rate_case("vbr1600k.mkv", OVNI_RC_VBR, 1600000);
    double c1 = rate_case("cbr800k.ts", OVNI_RC_CBR, 800000);
    /* x264's ABR over 3 s of noise: within 25 % of the target */
    CHECK_MSG(v1 > 0.75 * 400000 && v1 < 1.25 * 400000, "VBR 400k wrote %.0f b/s", v1);
    CHECK_MSG(v2 > 0.75 * 1600000 && v2 < 1.25 * 1600000, "VBR 1600k wrote %.0f b/s", v2);
    /* CBR (nal-hrd cbr) pads up to the rate: never much under it */
    CHECK_MSG(c1 > 0.9 * 800000 && c1 < 1.25 * 800000, "CBR 800k wrote %.0f b/s", c1);
}

/* Pass-through: uneven timestamps (jitter and a gap) come back exactly. */
static void passthrough(const char *name, int bframes)
{
    char path[512];
    wu_path(path, sizeof(path), name);
    ovni_writer_settings s;
    settings_base(&s);
    s.pts_passthrough = 1;
    s.bframes = bframes;
    const int n = 40;
    int64_t pts[40];
    int64_t t = 0;
    for (int i = 0; i < n; i++) {
        pts[i] = t;
        t += 33 + (i * 7) % 11 - 5 + (i == 20 ? 500 : 0); /* 28..38 ms steps, a half-second gap */
    }
    CHECK_OK(write_frames(path, &s, n, pts, fill_id));
    readback rb;
    CHECK_MSG(read_file(path, &rb) == 0, "%s unreadable", name);
    CHECK_MSG(ids_in_order(&rb, n), "%s: frames not in order", name);
    int same = rb.frames == n;
    for (int i = 0; i < n && same; i++)
        if (rb.pts_ms[i] - rb.pts_ms[0] != pts[i]) {
            fprintf(stderr, "%s: frame %d at %lld ms, written at %lld ms\n", name, i,
                    (long long)(rb.pts_ms[i] - rb.pts_ms[0]), (long long)pts[i]);
            same = 0;
        }
    CHECK_MSG(same && rb.pts_ms[0] == 0, "%s: pass-through timestamps not kept (first at %lld ms)", name,
              (long long)rb.pts_ms[0]);
    printf("%-12s pass-through, bframes %d: %d frames, timestamps %s (first %lld ms in the file)\n", name, bframes,
           rb.frames, same ? "exact" : "WRONG", (long long)rb.pts_ms[0]);
}

int main(void)
{
    if (wu_start("writer-frames", &dev) < 0) return 1;
    identity_and_gop("gop10.mp4", 10, 0);
    identity_and_gop("gop7b2.mkv", 7, 2);
    identity_and_gop("gop30b3.mp4", 30, 3);
    rates();
    passthrough("pass.mkv", 0);
    passthrough("passb2.mp4", 2);
    passthrough("passb2.mkv", 2);
    ovni_device_close(&dev);
    return wu_finish("writer_frames");
}
