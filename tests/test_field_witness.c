/* The field-order witness (src/io/field_witness.c) that NVDEC's pictures
 * take their order from: on interlaced H.264 (x264 MBAFF, top and bottom
 * field first, MP4 and MPEG-TS) it names, picture by picture, the order
 * libavcodec's decoder gives the same frame; on a progressive stream none is
 * opened. Also the file FFmpeg's CLI writes from a progressive source
 * (media.h, interlaced 3): a pic_struct SEI that says top first over field
 * POCs that say bottom first, tagged progressive by its container; libavcodec
 * goes by the POCs, and so must the witness. MP4, MPEG-TS and Matroska. The
 * GPU side (NVDEC frames carrying it) is reader_gpu's. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "../src/io/field_witness.h"
#include "media.h"
#include "test.h"

#define NFRAMES 20

/* Every packet through the witness, every frame through libavcodec; then
 * each frame's order from the witness (by pts) against the decoder's. */
static void check_clip(const char *path, int interlaced, const char *what)
{
    AVFormatContext *fc = NULL;
    CHECK(avformat_open_input(&fc, path, NULL, NULL) == 0);
    if (!fc) return;
    CHECK(avformat_find_stream_info(fc, NULL) >= 0);
    const AVStream *st = fc->streams[0];
    field_witness *w = NULL;
    CHECK_OK(field_witness_open(&w, st));
    CHECK_MSG(interlaced ? w != NULL : w == NULL, "%s: witness %s", what, w ? "opened" : "not opened");
    const AVCodec *c = avcodec_find_decoder(st->codecpar->codec_id);
    AVCodecContext *dec = avcodec_alloc_context3(c);
    avcodec_parameters_to_context(dec, st->codecpar);
    dec->thread_count = 1;
    CHECK(avcodec_open2(dec, c, NULL) == 0);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    int n = 0, same = 0, expected = 0;
    for (int eof = 0; !eof;) {
        eof = av_read_frame(fc, pkt) < 0;
        if (!eof) field_witness_packet(w, pkt, pkt->pts);
        avcodec_send_packet(dec, eof ? NULL : pkt);
        av_packet_unref(pkt);
        while (avcodec_receive_frame(dec, fr) == 0) {
#if LIBAVUTIL_VERSION_INT >= AV_VERSION_INT(58, 7, 100)
            const int il = !!(fr->flags & AV_FRAME_FLAG_INTERLACED), tff = !!(fr->flags & AV_FRAME_FLAG_TOP_FIELD_FIRST);
#else
            const int il = fr->interlaced_frame, tff = fr->top_field_first;
#endif
            const ovni_field_order dec_order = !il ? OVNI_FIELD_PROGRESSIVE : tff ? OVNI_FIELD_TT : OVNI_FIELD_BB;
            const ovni_field_order wit = field_witness_take(w, fr->pts);
            same += wit == dec_order;
            expected += dec_order == (interlaced == 1 ? OVNI_FIELD_TT : interlaced >= 2 ? OVNI_FIELD_BB
                                                                                           : OVNI_FIELD_PROGRESSIVE);
            n++;
            av_frame_unref(fr);
        }
    }
    CHECK_MSG(n == NFRAMES && same == n && expected == n,
              "%s: %d frames; the witness named the decoder's order on %d, the decoder the clip's on %d", what, n,
              same, expected);
    printf("%s: %d frames, witness = libavcodec on %d\n", what, n, same);
    field_witness_close(&w);
    CHECK(w == NULL);
    av_frame_free(&fr);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&fc);
}

int main(void)
{
    char dir[] = "/tmp/ovni-witness-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    static const char *const ext[] = {"mp4", "ts", "mkv"};
    static const char *const kind[] = {"progressive", "tff", "bff", "bff with a tff SEI, tagged progressive"};
    for (int e = 0; e < 3; e++)
        for (int order = 0; order <= 3; order++) {
            char path[512], what[96];
            snprintf(path, sizeof(path), "%s/clip.%s", dir, ext[e]);
            media_spec s = {.path = path, .width = 160, .height = 96, .fps_num = 25, .fps_den = 1,
                            .frames = NFRAMES, .gop = 10, .interlaced = order};
            CHECK(media_write(&s, NULL) == 0);
            snprintf(what, sizeof(what), "%s %s", ext[e], kind[order]);
            check_clip(path, order, what);
            unlink(path);
        }
    rmdir(dir);
    return test_result("field_witness");
}
