/* The NVENC encoder's decisions that need no GPU (src/io/nvenc_logic.c):
 * ring size, decode timestamps, parameter sets per container, key frames,
 * rate control fields, capability checks, API version, messages. What only
 * a run on an NVENC GPU proves is listed in docs/writer.md and checked by
 * scripts/nvenc-check.sh. */
#include <string.h>

#include <libavformat/avformat.h>

#include "../src/io/nvenc_logic.h"
#include "test.h"

/* ---- ring size and frames in flight ---- */

static NV_ENC_CONFIG cfg_with(int fip, int lookahead, int depth)
{
    NV_ENC_CONFIG c;
    memset(&c, 0, sizeof(c));
    c.frameIntervalP = (uint32_t)fip;
    c.rcParams.enableLookahead = (uint32_t)lookahead;
    c.rcParams.lookaheadDepth = (uint16_t)depth;
    return c;
}

/* A model of NVENC in synchronous mode: submission i can be locked once
 * `hold` later inputs have arrived (hold = frameIntervalP - 1 + lookahead
 * depth; the end of stream releases all). Runs n frames through a ring of
 * `ring` slots with nvenc_outputs_due and returns 0, or -1 if a slot was
 * needed while all were pending, or -2 if an output was locked before NVENC
 * could have finished it. */
static int simulate_ring(int ring, int hold, int n)
{
    int submitted = 0, got = 0;
    for (int i = 0; i < n; i++) {
        if (submitted - got >= ring) return -1;
        submitted++;
        for (int k = nvenc_outputs_due(submitted - got, ring, 0); k > 0; k--, got++)
            if (submitted < got + 1 + hold) return -2;
    }
    got += nvenc_outputs_due(submitted - got, ring, 1);
    return got == submitted ? 0 : -3;
}

static void test_ring(void)
{
    NV_ENC_CONFIG c = cfg_with(1, 0, 0);
    CHECK(nvenc_ring_size(&c) == 4);
    c = cfg_with(3, 0, 0);
    CHECK(nvenc_ring_size(&c) == 6);
    c = cfg_with(4, 1, 16); /* P6/P7 with lookahead */
    CHECK(nvenc_ring_size(&c) == 23);
    c = cfg_with(4, 0, 16); /* a depth without lookahead does not count */
    CHECK(nvenc_ring_size(&c) == 7);
    c = cfg_with(0, 0, 0); /* all intra */
    CHECK(nvenc_ring_size(&c) == 4);
    c = cfg_with(17, 1, 60000);
    CHECK(nvenc_ring_size(&c) == NVENC_MAX_SLOTS);

    CHECK(nvenc_outputs_due(5, 6, 0) == 0);
    CHECK(nvenc_outputs_due(6, 6, 0) == 1);
    CHECK(nvenc_outputs_due(3, 6, 1) == 3);
    CHECK(nvenc_outputs_due(0, 6, 1) == 0);

    for (int fip = 1; fip <= 5; fip++)
        for (int la = 0; la <= 31 - (fip - 1); la += 3) {
            c = cfg_with(fip, la > 0, la);
            int ring = nvenc_ring_size(&c);
            CHECK_MSG(simulate_ring(ring, fip - 1 + la, 300) == 0, "fip %d lookahead %d ring %d", fip, la, ring);
            /* ring - 1 frames stay in flight once the pipe is full */
            CHECK(nvenc_outputs_due(ring - 1, ring, 0) == 0);
            /* a ring of reorder + 3 (lookahead not counted) is short as soon as lookahead is on */
            if (la > 0)
                CHECK_MSG(simulate_ring(fip - 1 + 3, fip - 1 + la, 300) < 0, "fip %d lookahead %d", fip, la);
        }
}

/* ---- decode timestamps ---- */

/* Decode order of n pictures in presentation order with B-runs of fip - 1
 * (pyramid: the middle B first, as a reference). The last run is closed by
 * the last picture as a P. */
static int decode_order(int n, int fip, int pyramid, int *order)
{
    int k = 0;
    order[k++] = 0;
    for (int g = 1; g < n; g += fip) {
        int a = g + fip - 1 < n - 1 ? g + fip - 1 : n - 1;
        order[k++] = a;
        if (pyramid && a - g >= 2) {
            int mid = (g + a - 1) / 2;
            order[k++] = mid;
            for (int j = g; j < a; j++)
                if (j != mid) order[k++] = j;
        } else {
            for (int j = g; j < a; j++) order[k++] = j;
        }
    }
    return k;
}

/* Runs pts (presentation order) through nvenc_dts as NVENC would (inputs
 * in order, outputs in decode order) and checks dts <= pts and strictly
 * increasing dts; returns the number of violations. */
static int check_dts(const int64_t *pts, int n, int fip, int pyramid, int64_t ticks, int64_t *dts_out)
{
    int order[512];
    int m = decode_order(n, fip, pyramid, order);
    CHECK(m == n);
    nvenc_dts q;
    nvenc_dts_init(&q, fip - 1, ticks);
    int bad = 0, in = 0;
    int64_t prev = INT64_MIN;
    for (int k = 0; k < n; k++) {
        /* a picture comes out once it and everything it needs are in */
        while (in <= order[k])
            CHECK(nvenc_dts_push(&q, pts[in++]) == 0);
        int64_t dts;
        CHECK(nvenc_dts_next(&q, &dts) == 0);
        int64_t p = pts[order[k]];
        if (dts > p || dts <= prev) bad++;
        if (dts_out) dts_out[k] = dts;
        prev = dts;
    }
    int64_t extra;
    CHECK(nvenc_dts_next(&q, &extra) < 0); /* no more packets than frames */
    return bad;
}

/* The naive rule, dts = pts(input order) - reorder * frame_ticks: how many
 * packets it gives a dts above their pts or not increasing. */
static int naive_rule_violations(const int64_t *pts, int n, int fip, int64_t ticks)
{
    int order[512];
    decode_order(n, fip, 0, order);
    int bad = 0;
    int64_t prev = INT64_MIN;
    for (int k = 0; k < n; k++) {
        int64_t dts = pts[k] - (fip - 1) * ticks;
        if (dts > pts[order[k]] || dts <= prev) bad++;
        prev = dts;
    }
    return bad;
}

static void test_dts(void)
{
    int64_t pts[300], dts[300];
    /* CFR, no B-frames: dts = pts */
    for (int i = 0; i < 100; i++) pts[i] = i;
    CHECK(check_dts(pts, 100, 1, 0, 1, dts) == 0);
    int same = 1;
    for (int i = 0; i < 100; i++) same &= dts[i] == pts[i];
    CHECK(same);

    /* CFR, two B-frames: I0 P3 B1 B2 ... with dts -2 -1 0 1 2 ... */
    CHECK(check_dts(pts, 100, 3, 0, 1, dts) == 0);
    CHECK(dts[0] == -2 && dts[1] == -1 && dts[2] == 0 && dts[3] == 1 && dts[99] == 97);

    /* CFR at 90 kHz (passthrough of a 25 fps source), 3 B-frames, pyramid */
    for (int i = 0; i < 300; i++) pts[i] = 1000 + 3600 * i;
    CHECK(check_dts(pts, 300, 4, 1, 3600, dts) == 0);
    CHECK(dts[0] == 1000 - 3 * 3600 && dts[3] == 1000 && dts[4] == 1000 + 3600);

    /* VFR: a frame period of 3000 ticks nominal, actual gaps from 1 tick to
     * seconds; every B pattern */
    uint32_t seed = 12345;
    for (int rep = 0; rep < 20; rep++) {
        int64_t t = rep * 77;
        for (int i = 0; i < 300; i++) {
            seed = seed * 1103515245u + 12345u;
            int r = (int)(seed >> 16) % 100;
            t += r < 30 ? 1 + r : r < 90 ? 3000 : 90000;
            pts[i] = t;
        }
        for (int fip = 1; fip <= 5; fip++)
            for (int pyr = 0; pyr <= 1; pyr++)
                CHECK_MSG(check_dts(pts, 300, fip, pyr, 3000, NULL) == 0, "rep %d fip %d pyramid %d", rep, fip, pyr);
    }
    /* a sequence that breaks the naive rule: a gap longer than the
     * reorder delay before a B-frame (a pause in a screen recording) */
    const int64_t vfr[8] = {0, 3000, 60000, 63000, 66000, 69000, 72000, 75000};
    CHECK(naive_rule_violations(vfr, 8, 3, 3000) > 0);
    CHECK(check_dts(vfr, 8, 3, 0, 3000, dts) == 0);
    /* short streams: fewer frames than the reorder delay */
    CHECK(check_dts(vfr, 1, 3, 0, 3000, dts) == 0 && dts[0] == -6000);
    CHECK(check_dts(vfr, 2, 4, 0, 3000, dts) == 0);

    /* the queue refuses what it cannot hold, and more outputs than inputs */
    nvenc_dts q;
    nvenc_dts_init(&q, 0, 1);
    int64_t d;
    CHECK(nvenc_dts_next(&q, &d) < 0);
    for (int i = 0; i < NVENC_DTS_CAP; i++) CHECK(nvenc_dts_push(&q, i) == 0);
    CHECK(nvenc_dts_push(&q, 999) < 0);
}

/* ---- parameter sets per container, key frames ---- */

static void test_param_sets(void)
{
    static const struct {
        const char *muxer;
        int global;
    } containers[] = {{"mp4", 1}, {"mov", 1}, {"matroska", 1}, {"mpegts", 0}};
    for (size_t i = 0; i < sizeof(containers) / sizeof(containers[0]); i++) {
        const AVOutputFormat *of = av_guess_format(containers[i].muxer, NULL, NULL);
        CHECK_MSG(of != NULL, "%s", containers[i].muxer);
        if (!of) continue;
        int gh = (of->flags & AVFMT_GLOBALHEADER) != 0;
        CHECK_MSG(gh == containers[i].global, "%s global header %d", containers[i].muxer, gh);
        for (int hevc = 0; hevc <= 1; hevc++) {
            NV_ENC_CONFIG c;
            memset(&c, 0xff, sizeof(c));
            nvenc_set_param_sets(&c, hevc, gh);
            unsigned rep = hevc ? c.encodeCodecConfig.hevcConfig.repeatSPSPPS : c.encodeCodecConfig.h264Config.repeatSPSPPS;
            unsigned dis = hevc ? c.encodeCodecConfig.hevcConfig.disableSPSPPS
                                : c.encodeCodecConfig.h264Config.disableSPSPPS;
            /* out of band only (mp4/mov/mkv), or in band at every IDR (ts) */
            CHECK_MSG(rep == (unsigned)!gh && dis == (unsigned)gh, "%s hevc %d: repeat %u disable %u",
                      containers[i].muxer, hevc, rep, dis);
        }
    }
}

static void test_key_flags(void)
{
    CHECK(nvenc_packet_flags(NV_ENC_PIC_TYPE_IDR) == AV_PKT_FLAG_KEY);
    CHECK(nvenc_packet_flags(NV_ENC_PIC_TYPE_I) == 0);
    CHECK(nvenc_packet_flags(NV_ENC_PIC_TYPE_P) == 0);
    CHECK(nvenc_packet_flags(NV_ENC_PIC_TYPE_B) == 0);
    CHECK(nvenc_packet_flags(NV_ENC_PIC_TYPE_BI) == 0);
    CHECK(nvenc_packet_flags(NV_ENC_PIC_TYPE_SKIPPED) == 0);
    CHECK(nvenc_packet_flags(NV_ENC_PIC_TYPE_INTRA_REFRESH) == 0);
}

/* ---- rate control ---- */

static NV_ENC_RC_PARAMS preset_rc(void)
{
    /* what a preset leaves: values the table must overwrite or keep */
    NV_ENC_RC_PARAMS rc;
    memset(&rc, 0, sizeof(rc));
    rc.rateControlMode = NV_ENC_PARAMS_RC_CBR;
    rc.averageBitRate = 5000000;
    rc.maxBitRate = 9000000;
    rc.vbvBufferSize = 7777777;
    rc.vbvInitialDelay = 6666666;
    rc.targetQuality = 0;
    return rc;
}

static void test_rate_control(void)
{
    ovni_writer_settings s;
    ovni_writer_default_settings(&s);
    static const struct {
        ovni_rate_control mode;
        int quality;
        int64_t bitrate, max_bitrate;
        NV_ENC_PARAMS_RC_MODE nv;
        uint32_t avg, max, vbv, qp;
        int target;
    } table[] = {
        /* mode           q   bitrate   max        NVENC mode                 avg       max       vbv      qp  target */
        {OVNI_RC_DEFAULT, 23, 0, 0, NV_ENC_PARAMS_RC_VBR, 0, 0, 0, 0, 23},
        {OVNI_RC_CRF, 18, 0, 8000000, NV_ENC_PARAMS_RC_VBR, 0, 8000000, 0, 0, 18},
        {OVNI_RC_CRF, 0, 0, 0, NV_ENC_PARAMS_RC_VBR, 0, 0, 0, 0, 1},
        {OVNI_RC_CQP, 30, 0, 0, NV_ENC_PARAMS_RC_CONSTQP, 5000000, 9000000, 7777777, 30, 0},
        {OVNI_RC_VBR, 23, 4000000, 6000000, NV_ENC_PARAMS_RC_VBR, 4000000, 6000000, 7777777, 0, 0},
        {OVNI_RC_CBR, 23, 3000000, 0, NV_ENC_PARAMS_RC_CBR, 3000000, 3000000, 7777777, 0, 0},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        s.rate_control = table[i].mode;
        s.quality = table[i].quality;
        s.bitrate = table[i].bitrate;
        s.max_bitrate = table[i].max_bitrate;
        NV_ENC_RC_PARAMS rc = preset_rc();
        nvenc_set_rate_control(&s, &rc);
        CHECK_MSG(rc.rateControlMode == table[i].nv, "row %zu mode %d", i, (int)rc.rateControlMode);
        CHECK_MSG(rc.averageBitRate == table[i].avg, "row %zu avg %u", i, rc.averageBitRate);
        CHECK_MSG(rc.maxBitRate == table[i].max, "row %zu max %u", i, rc.maxBitRate);
        CHECK_MSG(rc.vbvBufferSize == table[i].vbv, "row %zu vbv %u", i, rc.vbvBufferSize);
        CHECK_MSG(rc.targetQuality == table[i].target, "row %zu target %u", i, rc.targetQuality);
        if (table[i].mode == OVNI_RC_CQP)
            CHECK(rc.constQP.qpIntra == table[i].qp && rc.constQP.qpInterP == table[i].qp &&
                  rc.constQP.qpInterB == table[i].qp);
    }
}

/* ---- capabilities and configuration ---- */

static const nvenc_caps turing_h264 = {.width_min = 145, .height_min = 49, .width_max = 4096, .height_max = 4096,
                                       .max_bframes = 4, .lookahead = 1, .ten_bit = 0};
static const nvenc_caps ada_hevc = {.width_min = 129, .height_min = 33, .width_max = 8192, .height_max = 8192,
                                    .max_bframes = 5, .lookahead = 1, .ten_bit = 1};
static const nvenc_caps pascal_hevc = {.width_max = 8192, .height_max = 8192, .max_bframes = 0, .lookahead = 1,
                                       .ten_bit = 1};
static const nvenc_caps no_lookahead = {.width_max = 4096, .height_max = 4096, .max_bframes = 4, .lookahead = 0};

static NV_ENC_CONFIG preset_cfg(int fip, int lookahead, int depth)
{
    NV_ENC_CONFIG c = cfg_with(fip, lookahead, depth);
    c.version = 0xdeadbeef; /* what a preset call may leave */
    c.gopLength = 250;
    c.rcParams = preset_rc();
    c.rcParams.enableLookahead = (uint32_t)lookahead;
    c.rcParams.lookaheadDepth = (uint16_t)depth;
    return c;
}

static void test_caps(void)
{
    ovni_writer_settings s;
    ovni_writer_default_settings(&s);
    s.width = 1920;
    s.height = 1080;
    s.fps = (ovni_rational){30, 1};
    char msg[256];
    NV_ENC_CONFIG c;

    /* the preset's B-frames and lookahead kept where the GPU has them */
    c = preset_cfg(4, 1, 16);
    CHECK(nvenc_configure(&c, &s, &turing_h264, 8, 1, msg, sizeof(msg)) == 0);
    CHECK(c.version == NV_ENC_CONFIG_VER);
    CHECK(c.gopLength == 60 && c.encodeCodecConfig.h264Config.idrPeriod == 60);
    CHECK(c.frameIntervalP == 4);
    CHECK(c.rcParams.enableLookahead == 1 && c.rcParams.lookaheadDepth == 16);
    CHECK(c.rcParams.vbvBufferSize == 0 && c.rcParams.targetQuality == 23); /* CQ: no VBV */
    CHECK(c.encodeCodecConfig.h264Config.disableSPSPPS == 1 && c.encodeCodecConfig.h264Config.repeatSPSPPS == 0);
    CHECK(c.encodeCodecConfig.h264Config.chromaFormatIDC == 1);
    CHECK(nvenc_ring_size(&c) == 23);

    /* the preset's B-frames beyond the GPU's: clamped; lookahead depth within 31 - B */
    c = preset_cfg(7, 1, 31);
    CHECK(nvenc_configure(&c, &s, &turing_h264, 8, 0, msg, sizeof(msg)) == 0);
    CHECK(c.frameIntervalP == 5 && c.rcParams.lookaheadDepth == 27);
    CHECK(c.encodeCodecConfig.h264Config.repeatSPSPPS == 1 && c.encodeCodecConfig.h264Config.disableSPSPPS == 0);

    /* no lookahead on this GPU: off, and the ring does not count it */
    c = preset_cfg(3, 1, 16);
    CHECK(nvenc_configure(&c, &s, &no_lookahead, 8, 1, msg, sizeof(msg)) == 0);
    CHECK(c.rcParams.enableLookahead == 0 && nvenc_ring_size(&c) == 6);

    /* B-frames asked for beyond the GPU's limit: refused, naming it */
    s.bframes = 5;
    c = preset_cfg(1, 0, 0);
    CHECK(nvenc_configure(&c, &s, &turing_h264, 8, 1, msg, sizeof(msg)) == OVNI_EUNSUPPORTED);
    CHECK_MSG(strstr(msg, "bframes=5") && strstr(msg, "limit of 4") && strstr(msg, "H.264"), "%s", msg);
    s.codec = OVNI_CODEC_HEVC;
    s.bframes = 2;
    CHECK(nvenc_configure(&c, &s, &pascal_hevc, 8, 1, msg, sizeof(msg)) == OVNI_EUNSUPPORTED);
    CHECK_MSG(strstr(msg, "limit of 0") && strstr(msg, "HEVC"), "%s", msg);
    s.bframes = -1;
    c = preset_cfg(4, 0, 0);
    CHECK(nvenc_configure(&c, &s, &pascal_hevc, 8, 1, msg, sizeof(msg)) == 0 && c.frameIntervalP == 1);
    CHECK(c.encodeCodecConfig.hevcConfig.disableSPSPPS == 1 && c.encodeCodecConfig.hevcConfig.idrPeriod == 60);

    /* B-frames clamped to the GOP; all intra has none */
    s.bframes = 4;
    s.gop = 2;
    c = preset_cfg(1, 0, 0);
    CHECK(nvenc_configure(&c, &s, &ada_hevc, 8, 1, msg, sizeof(msg)) == 0 && c.frameIntervalP == 2);
    s.gop = 1;
    CHECK(nvenc_configure(&c, &s, &ada_hevc, 8, 1, msg, sizeof(msg)) == 0 && c.frameIntervalP == 1);
    s.gop = 0;
    s.bframes = -1;

    /* sizes beyond the GPU's, or below its minimum */
    s.width = 8192;
    s.height = 4320;
    s.codec = OVNI_CODEC_H264;
    c = preset_cfg(1, 0, 0);
    CHECK(nvenc_configure(&c, &s, &turing_h264, 8, 1, msg, sizeof(msg)) == OVNI_EUNSUPPORTED);
    CHECK_MSG(strstr(msg, "8192x4320") && strstr(msg, "4096x4096"), "%s", msg);
    s.codec = OVNI_CODEC_HEVC;
    CHECK(nvenc_configure(&c, &s, &ada_hevc, 8, 1, msg, sizeof(msg)) == 0);
    s.width = 64;
    s.height = 64;
    s.codec = OVNI_CODEC_H264;
    CHECK(nvenc_configure(&c, &s, &turing_h264, 8, 1, msg, sizeof(msg)) == OVNI_EUNSUPPORTED);
    CHECK_MSG(strstr(msg, "64x64") && strstr(msg, "145x49"), "%s", msg);

    /* 10-bit only where the GPU has it */
    s.width = 1920;
    s.height = 1080;
    s.codec = OVNI_CODEC_HEVC;
    CHECK(nvenc_configure(&c, &s, &pascal_hevc, 10, 1, msg, sizeof(msg)) == 0);
    CHECK(c.encodeCodecConfig.hevcConfig.pixelBitDepthMinus8 == 2);
    s.codec = OVNI_CODEC_H264;
    CHECK(nvenc_configure(&c, &s, &turing_h264, 10, 1, msg, sizeof(msg)) == OVNI_EUNSUPPORTED);
    CHECK_MSG(strstr(msg, "10-bit"), "%s", msg);
}

static void test_version_and_messages(void)
{
    char msg[256];
    uint32_t need = (NVENCAPI_MAJOR_VERSION << 4) | NVENCAPI_MINOR_VERSION;
    CHECK(nvenc_check_api_version(need, msg, sizeof(msg)) == 0);
    CHECK(nvenc_check_api_version(need + 16, msg, sizeof(msg)) == 0);
    CHECK(nvenc_check_api_version(need - 1, msg, sizeof(msg)) == OVNI_EUNSUPPORTED);
    char want[32];
    snprintf(want, sizeof(want), "%d.%d", NVENCAPI_MAJOR_VERSION, NVENCAPI_MINOR_VERSION);
    CHECK_MSG(strstr(msg, want) && strstr(msg, "driver"), "%s", msg);

    CHECK(strstr(nvenc_status_text(NV_ENC_ERR_OUT_OF_MEMORY, "nvEncOpenEncodeSessionEx"), "GeForce") != NULL);
    CHECK(strstr(nvenc_status_text(NV_ENC_ERR_OUT_OF_MEMORY, "nvEncCreateBitstreamBuffer"), "GeForce") == NULL);
    CHECK(strstr(nvenc_status_text(NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY, "nvEncOpenEncodeSessionEx"), "session") == NULL);
}

int main(void)
{
    test_ring();
    test_dts();
    test_param_sets();
    test_key_flags();
    test_rate_control();
    test_caps();
    test_version_and_messages();
    return test_result("nvenc_logic");
}
