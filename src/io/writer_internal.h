/* Internal: the writer object shared by writer.c (settings, queue, thread,
 * muxer) and audio.c. The encoders see only encode.h. */
#ifndef OVNI_IO_WRITER_INTERNAL_H
#define OVNI_IO_WRITER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "../core/frame_internal.h"
#include "../core/queue.h"
#include "encode.h"
#include "ovni/writer.h"

struct writer_audio;

struct ovni_writer {
    ovni_device *dev;               /* the writer's reference */
    ovni_writer_settings s;         /* validated; strings point into the copies below */
    char *path;                     /* target */
    char tmp[4096];                 /* temporary file beside it */
    int tmp_fd;                     /* open on tmp (tmpfile_create), -1 once closed */
    char preset[32];
    char *audio_path;               /* the audio's file, or for audio_feed the reader's input (messages) */
    struct packet_feed *audio_feed; /* settings.audio_reader's packets (a reference), else NULL */
    const char *container;          /* "mp4", "mkv", ... (from the extension) */

    AVFormatContext *oc;
    AVStream *vst;
    int io_open;                    /* oc->pb: ovni's AVIOContext on tmp_fd */
    AVRational enc_tb;              /* encoder time base: 1/fps, or 1/90000 with passthrough */
    int64_t frame_ticks;            /* one frame period in enc_tb */
    int64_t video_end;              /* end of the last frame sent to the encoder, in enc_tb */
    int64_t frames_sent;            /* frames handed to the encoder (writer thread) */

    encoder *enc;                   /* encode.h: x264 or NVENC */
    struct writer_audio *audio;

    /* Caller side. */
    int frame_w, frame_h;           /* size of the frames written (s.width/height: the coded, even size) */
    int alpha_noted;                /* the background notice was logged */
    int depth_noted;                /* the 8-bit notice (P010 frames) was logged */
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

/* 1 once the writer is cancelled or its device interrupted
 * (ovni_device_interrupt): the file is then never finished. The second form
 * is an AVIOInterruptCB callback (opaque: the writer). */
int writer_interrupted(ovni_writer *w);
int writer_interrupt_cb(void *w);

/* audio.c: the audio stream from settings.audio_path. open adds the output
 * stream (before the header is written); pump muxes the audio that starts
 * before `until` seconds; with `final`, it drops the rest (the cut at the
 * video's end). */
int audio_open(ovni_writer *w);
/* 1 where the container takes the codec as it is (audio is copied), else 0. */
int audio_fits(const AVOutputFormat *of, enum AVCodecID id);
int audio_pump(ovni_writer *w, double until, int final);
void audio_close(ovni_writer *w);

#endif
