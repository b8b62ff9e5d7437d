/* Depth reduction P010 -> NV12 (src/ops/depth.h) against FFmpeg's own:
 * libswscale's yuv420p10 -> yuv420p, the conversion `ffmpeg -pix_fmt
 * yuv420p` runs, on random and edge frames of many sizes, limited and full
 * range: every byte must be libswscale's. Then the writer: P010 frames
 * written losslessly (x264, crf 0) read back as the reduced frames, with
 * the colour tags asked for (BT.2020, PQ, full range, top-left siting), and
 * one info line. CPU; the GPU kernel is compared in checkops. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libswscale/swscale.h>

#include "test.h"

/* Y, U, V of a host NV12 frame against three yuv420p planes. */
static int nv12_equals(const ovni_frame *f, uint8_t *const pl[3], const int ls[3], int *bad_plane, int *bx, int *by)
{
    int cw = (f->width + 1) / 2, ch = (f->height + 1) / 2;
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++)
            if (f->data[0][(size_t)y * f->pitch[0] + x] != pl[0][(size_t)y * ls[0] + x])
                return *bad_plane = 0, *bx = x, *by = y, 0;
    for (int y = 0; y < ch; y++)
        for (int x = 0; x < cw; x++)
            for (int c = 0; c < 2; c++)
                if (f->data[1][(size_t)y * f->pitch[1] + 2 * x + c] != pl[1 + c][(size_t)y * ls[1 + c] + x])
                    return *bad_plane = 1 + c, *bx = x, *by = y, 0;
    return 1;
}

/* ovni_convert(P010 -> NV12) of a frame filled by `kind` (0 random words,
 * 1 all 1023, 2 all 0, 3 a ramp over every 10-bit value) against
 * sws_scale(yuv420p10le -> yuv420p) of the same values. */
static void against_swscale(ovni_device *cpu, int w, int h, ovni_range range, int kind)
{
    ovni_frame *p = test_new_random(cpu, OVNI_FORMAT_P010, w, h);
    if (!p) return;
    p->range = range;
    p->matrix = OVNI_MATRIX_BT2020;
    p->chroma_loc = OVNI_CHROMA_TOPLEFT;
    p->field_order = OVNI_FIELD_BB;
    int cw = (w + 1) / 2, ch = (h + 1) / 2;
    /* the same 10-bit values as yuv420p10le planes */
    uint16_t *in[3];
    int in_ls[3] = {w * 2, cw * 2, cw * 2};
    in[0] = malloc((size_t)w * h * 2);
    in[1] = malloc((size_t)cw * ch * 2);
    in[2] = malloc((size_t)cw * ch * 2);
    uint8_t *out[3] = {malloc((size_t)w * h), malloc((size_t)cw * ch), malloc((size_t)cw * ch)};
    int out_ls[3] = {w, cw, cw};
    for (int pl = 0; pl < 2; pl++) {
        int pw = pl ? 2 * cw : w, rows = pl ? ch : h;
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < pw; x++) {
                uint16_t *word = (uint16_t *)(p->data[pl] + (size_t)y * p->pitch[pl]) + x;
                if (kind == 1) *word = 0xFFC0;
                else if (kind == 2) *word = 0;
                else if (kind == 3) *word = (uint16_t)(((y * pw + x) % 1024) << 6);
                /* random words keep their low 6 bits: P010 ignores them */
                unsigned v = *word >> 6;
                if (pl == 0) in[0][(size_t)y * w + x] = (uint16_t)v;
                else in[1 + (x & 1)][(size_t)y * cw + x / 2] = (uint16_t)v;
            }
    }
    struct SwsContext *sws = sws_getContext(w, h, AV_PIX_FMT_YUV420P10LE, w, h, AV_PIX_FMT_YUV420P, SWS_BICUBIC, NULL,
                                            NULL, NULL);
    if (!sws) {
        SKIP("depth: libswscale takes no %dx%d frame, not compared", w, h);
    } else {
        int full = range == OVNI_RANGE_FULL;
        const int *coef = sws_getCoefficients(SWS_CS_DEFAULT);
        sws_setColorspaceDetails(sws, coef, full, coef, full, 0, 1 << 16, 1 << 16);
        const uint8_t *src[3] = {(const uint8_t *)in[0], (const uint8_t *)in[1], (const uint8_t *)in[2]};
        int hs = sws_scale(sws, src, in_ls, 0, h, out, out_ls);
        ovni_frame *n = NULL;
        CHECK_OK(ovni_convert(p, OVNI_FORMAT_NV12, &n));
        int plane = -1, bx = 0, by = 0;
        CHECK_MSG(hs == h && n && nv12_equals(n, out, out_ls, &plane, &bx, &by),
                  "%dx%d %s kind %d: plane %d sample (%d, %d) differs from libswscale's", w, h,
                  full ? "full" : "limited", kind, plane, bx, by);
        CHECK_MSG(n && n->format == OVNI_FORMAT_NV12 && n->range == range && n->matrix == OVNI_MATRIX_BT2020 &&
                      n->chroma_loc == OVNI_CHROMA_TOPLEFT && n->field_order == OVNI_FIELD_BB,
                  "%dx%d: tags not kept", w, h);
        ovni_frame_unref(&n);
        sws_freeContext(sws);
    }
    for (int i = 0; i < 3; i++) free(in[i]), free(out[i]);
    ovni_frame_unref(&p);
}

/* P010 frames through the writer (x264 lossless) and back through the
 * reader: the reduced frames, with the tags asked for. */
static void through_writer(ovni_device *cpu, const char *dir)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/p010.mkv", dir);
    enum { W = 64, H = 48, N = 4 };
    ovni_writer_settings s;
    ovni_writer_default_settings(&s);
    s.width = W, s.height = H, s.fps = (ovni_rational){25, 1};
    s.encoder = OVNI_ENCODER_X264;
    s.rate_control = OVNI_RC_CRF, s.quality = 0;
    s.matrix = OVNI_MATRIX_BT2020, s.range = OVNI_RANGE_FULL, s.chroma_loc = OVNI_CHROMA_TOPLEFT;
    s.primaries = 9, s.transfer = 16; /* BT.2020, PQ */
    ovni_writer *w = NULL;
    ovni_frame *want[N] = {0};
    CHECK_OK(ovni_writer_open(&w, cpu, path, &s));
    for (int i = 0; i < N && w; i++) {
        ovni_frame *p = test_new_random(cpu, OVNI_FORMAT_P010, W, H);
        if (!p) break;
        if (i & 1) /* a smooth ramp, where the dither shows */
            for (int pl = 0; pl < 2; pl++)
                for (int y = 0; y < (pl ? H / 2 : H); y++)
                    for (int x = 0; x < W; x++)
                        ((uint16_t *)(p->data[pl] + (size_t)y * p->pitch[pl]))[x] = (uint16_t)((300 + x * 3 + y) << 6);
        p->matrix = s.matrix, p->range = s.range, p->chroma_loc = s.chroma_loc;
        CHECK_OK(ovni_convert(p, OVNI_FORMAT_NV12, &want[i]));
        CHECK_OK(ovni_writer_write(w, p));
        ovni_frame_unref(&p);
    }
    CHECK_OK(ovni_writer_close(&w));
    ovni_video_info info;
    CHECK_OK(ovni_probe(path, &info));
    CHECK_MSG(info.matrix == OVNI_MATRIX_BT2020 && info.range == OVNI_RANGE_FULL && info.primaries == 9 &&
                  info.transfer == 16 && info.chroma_loc == OVNI_CHROMA_TOPLEFT && info.bit_depth == 8,
              "tags read back: matrix %d range %d primaries %d transfer %d siting %d, %d-bit", (int)info.matrix,
              (int)info.range, info.primaries, info.transfer, (int)info.chroma_loc, info.bit_depth);
    ovni_reader *r = NULL;
    CHECK_OK(ovni_reader_open(&r, cpu, path, NULL));
    int n = 0, same = 0, ret;
    ovni_frame *f = NULL;
    while (r && (ret = ovni_reader_read(r, &f)) == 0) {
        if (n < N && want[n] && f->format == OVNI_FORMAT_NV12) {
            uint8_t *pl[3] = {NULL, NULL, NULL};
            int ls[3] = {W, W / 2, W / 2};
            for (int i = 0; i < 3; i++) pl[i] = malloc((size_t)W * H);
            for (int y = 0; y < H; y++) memcpy(pl[0] + y * W, want[n]->data[0] + y * want[n]->pitch[0], W);
            for (int y = 0; y < H / 2; y++)
                for (int x = 0; x < W / 2; x++)
                    for (int c = 0; c < 2; c++) pl[1 + c][y * (W / 2) + x] = want[n]->data[1][y * want[n]->pitch[1] + 2 * x + c];
            int plane, bx, by;
            same += nv12_equals(f, pl, ls, &plane, &bx, &by);
            for (int i = 0; i < 3; i++) free(pl[i]);
        }
        ovni_frame_unref(&f);
        n++;
    }
    CHECK_MSG(n == N && same == N, "read back %d frames, %d equal to the reduced P010 frames", n, same);
    ovni_reader_close(&r);
    for (int i = 0; i < N; i++) ovni_frame_unref(&want[i]);
    unlink(path);
    printf("writer: %d P010 frames written 8-bit, %d read back as reduced, tags bt2020/pq/full/topleft\n", N, same);
}

static int info_lines;
static void count_info(void *cookie, int level, const char *msg)
{
    (void)cookie;
    if (level == OVNI_LOG_INFO && strstr(msg, "10-bit (p010)") && strstr(msg, "8 bits")) info_lines++;
}

int main(void)
{
    test_seed(14);
    ovni_device *cpu = NULL;
    ovni_device_settings ds;
    ovni_device_default_settings(&ds);
    ds.spec = "cpu";
    ds.logger = (ovni_logger){NULL, count_info};
    if (ovni_device_open_settings(&cpu, &ds) < 0) {
        fprintf(stderr, "cpu device: %s\n", ovni_last_error());
        return 1;
    }
    static const int sizes[][2] = {{1, 1}, {2, 2}, {3, 5}, {17, 9}, {64, 48}, {131, 77}, {640, 360}, {1500, 40}};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        for (int range = 0; range < 2; range++)
            for (int kind = 0; kind < 4; kind++)
                against_swscale(cpu, sizes[i][0], sizes[i][1], (ovni_range)range, kind);
    printf("swscale: %d sizes x 2 ranges x 4 fillings compared byte for byte\n", (int)(sizeof(sizes) / sizeof(sizes[0])));
    char dir[] = "/tmp/ovni_test_depth_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    ovni_log_set_level(OVNI_LOG_INFO); /* the writer's notice goes to count_info */
    through_writer(cpu, dir);
    ovni_log_set_level(OVNI_LOG_WARNING);
    CHECK_MSG(info_lines == 1, "%d info lines naming 10-bit frames written 8-bit, wanted 1", info_lines);
    rmdir(dir);
    ovni_device_close(&cpu);
    return test_result("depth");
}
