/* Internal: the writer object shared by writer.c (settings, queue, thread,
 * muxer), the encoders (encode_x264.c, encode_nvenc.c) and audio.c. */
#ifndef OVNI_IO_WRITER_INTERNAL_H
#define OVNI_IO_WRITER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "../core/frame_internal.h"
#include "../core/queue.h"
#include "ovni/writer.h"

struct x264_enc;
struct nvenc_enc;
struct writer_audio;

struct ovni_writer {
    ovni_device *dev;               /* the writer's reference */
    ovni_writer_settings s;         /* validated; strings point into the copies below */
    char *path;                     /* target */
    char tmp[4096];                 /* temporary file beside it */
    char preset[32];
    char *audio_path;
    const char *container;          /* "mp4", "mkv", ... (from the extension) */

    AVFormatContext *oc;
    AVStream *vst;
    int io_open;                    /* oc->pb opened on tmp */
    AVRational enc_tb;              /* encoder time base: 1/fps, or 1/90000 with passthrough */
    int64_t frame_ticks;            /* one frame period in enc_tb */
    int64_t video_end;              /* end of the last frame sent to the encoder, in enc_tb */
    int64_t frames_sent;            /* frames handed to the encoder (writer thread) */

    const char *enc_name;           /* "libx264", "libx265", "nvenc" */
    struct x264_enc *x264;
    struct nvenc_enc *nvenc;
    struct writer_audio *audio;

    /* Caller side. */
    int64_t frames_queued;
    int64_t last_pts;               /* last queued pts in enc_tb (passthrough check) */

    /* Thread side. */
    ovni_queue q;
    int queue_ok;
    pthread_t thread;
    int thread_started;
    atomic_int cancel;
    pthread_mutex_t err_lock;
    int status;                     /* first error of the thread, 0 if none */
    char err_msg[1024];
    int finished;                   /* trailer written */
};

/* One queued frame: the writer's reference and its output pts (enc_tb). */
typedef struct writer_item {
    ovni_frame *frame;
    int64_t pts;
} writer_item;

/* Muxes one encoded video packet whose pts/dts are in w->enc_tb, after the
 * audio that comes before it. Takes the packet's data (unrefs it). */
int writer_mux_video(ovni_writer *w, AVPacket *pkt);

/* Colour tags of the settings as libavutil values. */
void writer_colour_tags(const ovni_writer *w, enum AVColorSpace *cs, enum AVColorRange *range,
                        enum AVColorPrimaries *prim, enum AVColorTransferCharacteristic *trc);

/* x264 preset name of a "p1".."p7" or x264 preset string (NULL if unknown),
 * and the NVENC preset number 1..7 for it. */
const char *writer_x264_preset(const char *preset);
int writer_nvenc_preset(const char *preset);

/* encode_x264.c: libx264 (libx265 for HEVC) through libavcodec. open sets
 * the video stream's parameters; send takes ownership of `f` (NULL
 * flushes); frames may be host or device memory. */
int x264_open(ovni_writer *w);
int x264_send(ovni_writer *w, ovni_frame *f, int64_t pts);
void x264_close(ovni_writer *w);

/* encode_nvenc.c: NVENC on the writer's GPU. open fails (without logging)
 * where no session opens; the caller decides about the fallback. */
int nvenc_open(ovni_writer *w);
int nvenc_send(ovni_writer *w, ovni_frame *f, int64_t pts);
void nvenc_close(ovni_writer *w);

/* audio.c: the audio stream from settings.audio_path. open adds the output
 * stream (before the header is written); pump muxes the audio that starts
 * before `until` seconds; with `final`, it drops the rest (the cut at the
 * video's end). */
int audio_open(ovni_writer *w);
int audio_pump(ovni_writer *w, double until, int final);
void audio_close(ovni_writer *w);

#endif
