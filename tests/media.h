/* Test media written by the tests themselves (CI has no ffmpeg program):
 * a synthetic clip (moving gradient + the frame number as a row of blocks)
 * encoded with libx264 through libavcodec, muxed by libavformat into the
 * container the file's extension names, optionally with an audio track. */
#ifndef OVNI_TESTS_MEDIA_H
#define OVNI_TESTS_MEDIA_H

#include <stdint.h>

#include "ovni/frame.h"
#include "ovni/reader.h"

enum media_audio { MEDIA_AUDIO_NONE = 0, MEDIA_AUDIO_AAC, MEDIA_AUDIO_MP2, MEDIA_AUDIO_PCM };

typedef struct media_spec {
    const char *path;       /* .mp4, .mkv, .mov, .mka, ... */
    int width, height;      /* even sizes */
    int fps_num, fps_den;
    int frames;             /* 0: no video stream (an audio-only file) */
    int gop;                /* keyframe interval; 0: 12 */
    enum media_audio audio; /* a 440 Hz sine, stereo 48 kHz (fallbacks: see media_audio_codec) */
    double audio_seconds;   /* 0: as long as the video */
    const char *encoder;    /* NULL: "libx264"; or "libaom-av1", "libvpx-vp9" */
    int bits;               /* 0 or 8; 10: yuv420p10 (each 8-bit pattern value times 4) */
    int full_range;         /* 1: tagged full range (the pattern's codes as they are) */
    int interlaced;         /* libx264: 0 progressive; 1 top field first, 2 bottom field first:
                             * coded interlaced (MBAFF, +ildct+ilme), every frame flagged;
                             * 3: as FFmpeg's CLI encodes a progressive source with +ildct+ilme:
                             * frames bottom first, x264 not told at open (so its first pictures'
                             * pic_struct SEI says top first while their field POCs say bottom),
                             * the stream tagged progressive */
} media_spec;

/* Bytes of one yuv420p picture of the spec's size. */
size_t media_picture_bytes(const media_spec *s);

/* The picture of frame n, yuv420p (Y, then U, then V, no padding). */
void media_pattern(int w, int h, int n, uint8_t *yuv);

/* Writes the file. With `pictures`, *pictures gets every picture written,
 * frames * media_picture_bytes() bytes (free() it). 0 or -1 (message on
 * stderr). */
int media_write(const media_spec *s, uint8_t **pictures);

/* The audio codec the last media_write() wrote ("aac", "mp2", "pcm_s16le";
 * "" for none): the one asked for, or a fallback where this FFmpeg lacks
 * its encoder. */
const char *media_audio_codec(void);

/* PSNR in dB of a host NV12 frame against a yuv420p picture, over all
 * three planes (99 when identical). P010 frames are compared at 8 bits
 * (each word's high byte). */
double media_psnr(const ovni_frame *f, const uint8_t *yuv);

/* 1 when two host frames hold the same pixels (format, size, every byte). */
int media_same_pixels(const ovni_frame *a, const ovni_frame *b);

/* Reads the whole file with settings `s` (NULL: defaults); the first `max`
 * frames go to `out` (may be NULL), the rest are released. Returns the
 * count, or -1 when opening or reading failed (the error is printed). */
int media_read_all(ovni_device *dev, const char *path, const ovni_reader_settings *s, ovni_frame **out, int max);
/* Releases out[0..n). */
void media_unref_all(ovni_frame **out, int n);

#endif
