/* ovni: frames and pools.
 *
 * A frame is an image in host or device memory with public fields, like
 * AVFrame or Dav1dPicture, and reference-counted storage. Whoever receives a
 * frame owns one reference and releases it with ovni_frame_unref().
 *
 * Storage contract for frames from ovni_frame_new():
 * - every plane's rows start at a multiple of OVNI_PITCH_ALIGN bytes, and
 *   pitch[i] is a multiple of OVNI_PITCH_ALIGN;
 * - plane 1 exists for NV12 and P010 only (interleaved UV, ceil(w/2) pairs
 *   per row, ceil(h/2) rows);
 * - for device frames, data[] holds CUDA device addresses (CUdeviceptr) and
 *   must not be dereferenced on the host.
 * Frames come from pools kept per device and keyed by (format, width, height,
 * memory): releasing the last reference returns the buffer to its pool, and a
 * steady pipeline allocates nothing after its first frames.
 *
 * Host frames made by a GPU device are pinned, so uploads and downloads are
 * asynchronous DMA on the device's stream. Ops that read a host frame wait for
 * any download still writing it; ovni_frame_wait() does so explicitly.
 *
 * Thread safety: ref/unref may be called from any thread; the pixels of one
 * frame must not be written by two threads at once. */
#ifndef OVNI_FRAME_H
#define OVNI_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OVNI_PITCH_ALIGN 256

typedef enum ovni_format {
    OVNI_FORMAT_NV12 = 0,   /* 8-bit Y plane + interleaved UV plane, 4:2:0 */
    OVNI_FORMAT_P010 = 1,   /* 16-bit words, 10 significant high bits, 4:2:0 */
    OVNI_FORMAT_RGB24 = 2,  /* R, G, B bytes */
    OVNI_FORMAT_RGBA32 = 3, /* R, G, B, A bytes; straight (not premultiplied) alpha */
    OVNI_FORMAT_GRAY8 = 4,  /* one byte per pixel: masks, alpha, luma */
} ovni_format;
#define OVNI_FORMAT_COUNT 5

typedef enum ovni_memory {
    OVNI_MEMORY_HOST = 0,
    OVNI_MEMORY_DEVICE = 1,
} ovni_memory;

/* YUV <-> RGB matrix and range. RGB frames carry the matrix and range of the
 * YUV they came from (or will go to), so a round trip keeps its tags; RGB
 * pixels themselves are always full range 0..255. */
typedef enum ovni_matrix {
    OVNI_MATRIX_BT601 = 0,
    OVNI_MATRIX_BT709 = 1,
    OVNI_MATRIX_BT2020 = 2,
} ovni_matrix;

typedef enum ovni_range {
    OVNI_RANGE_LIMITED = 0, /* "TV": Y 16..235, C 16..240 at 8 bits */
    OVNI_RANGE_FULL = 1,    /* "PC": 0..255 */
} ovni_range;

/* Where 4:2:0 chroma samples sit relative to luma (FFmpeg's AVChromaLocation
 * names; H.273 chroma_sample_loc_type 0, 1, 2, 3). Conversions upsample and
 * downsample at this siting (docs/design.md, "Colour"); RGB frames carry the
 * siting of the YUV they came from, like the matrix.
 *   LEFT:    on even luma columns, between two rows (MPEG-2, H.264, HEVC default)
 *   CENTER:  between columns and rows (MPEG-1, JPEG/JFIF)
 *   TOPLEFT: on even luma columns and rows (BT.2020 HDR masters, DV)
 *   TOP:     between columns, on even rows */
typedef enum ovni_chroma_loc {
    OVNI_CHROMA_LEFT = 0,
    OVNI_CHROMA_CENTER = 1,
    OVNI_CHROMA_TOPLEFT = 2,
    OVNI_CHROMA_TOP = 3,
} ovni_chroma_loc;

typedef struct ovni_rational {
    int num, den;
} ovni_rational;

/* How the rows of a frame were captured (FFmpeg's AVFieldOrder less one):
 * PROGRESSIVE, or two interlaced fields woven row by row, the top field
 * (even rows) or the bottom one (odd rows) first in time. TB and BT (coded
 * in one order, shown in the other) are stream tags only; a frame says
 * which field is shown first (TT or BB). */
typedef enum ovni_field_order {
    OVNI_FIELD_PROGRESSIVE = 0,
    OVNI_FIELD_TT = 1,      /* top field first */
    OVNI_FIELD_BB = 2,      /* bottom field first */
    OVNI_FIELD_TB = 3,      /* top coded first, bottom shown first */
    OVNI_FIELD_BT = 4,      /* bottom coded first, top shown first */
} ovni_field_order;

/* Orientation of a picture, as EXIF numbers it: how the stored pixels are
 * turned and mirrored to be shown upright. A display matrix made of quarter
 * turns and flips maps to one of these (docs/reader.md, "Geometry").
 *   1 as stored              2 mirrored left-right     3 turned 180
 *   4 mirrored top-bottom    5 transposed (mirrored about the main diagonal)
 *   6 turned 90 clockwise    7 transversed (about the other diagonal)
 *   8 turned 90 counter-clockwise (270 clockwise)
 * 5 to 8 swap width and height. */
typedef enum ovni_orientation {
    OVNI_ORIENT_NORMAL = 1,
    OVNI_ORIENT_MIRROR = 2,
    OVNI_ORIENT_ROTATE_180 = 3,
    OVNI_ORIENT_FLIP = 4,
    OVNI_ORIENT_TRANSPOSE = 5,
    OVNI_ORIENT_ROTATE_90 = 6,
    OVNI_ORIENT_TRANSVERSE = 7,
    OVNI_ORIENT_ROTATE_270 = 8,
} ovni_orientation;

struct ovni_frame_priv;

typedef struct ovni_frame {
    ovni_format format;
    ovni_memory memory;
    int width, height;
    uint8_t *data[2];       /* plane pointers (device addresses on the GPU) */
    size_t pitch[2];        /* bytes from one row to the next */
    int64_t pts;            /* presentation time in time_base units */
    ovni_rational time_base;
    ovni_matrix matrix;     /* default BT.709 */
    ovni_range range;       /* of YUV data; default limited */
    ovni_device *device;    /* the device the frame belongs to */
    struct ovni_frame_priv *priv;
    ovni_chroma_loc chroma_loc; /* default LEFT */
    ovni_field_order field_order; /* default PROGRESSIVE; decoded frames: TT or BB when interlaced */
    uint8_t reserved[24];
} ovni_frame;

/* Number of planes (1 or 2) and bytes per pixel of plane 0. */
OVNI_API int ovni_format_planes(ovni_format format);
OVNI_API int ovni_format_pixel_bytes(ovni_format format);
/* "nv12", "p010", "rgb24", "rgba32", "gray8"; NULL for an unknown value. */
OVNI_API const char *ovni_format_name(ovni_format format);

/* A frame of the given format and size from dev's pool. Pixels are not
 * cleared. Device memory needs a GPU device. Size: 1..16384 on each side. */
OVNI_API int ovni_frame_new(ovni_device *dev, ovni_format format, int width,
                            int height, ovni_memory memory, ovni_frame **out);

/* A frame around caller-owned memory, e.g. a buffer with guard bytes, or a
 * decoder's surface. `release(opaque)` is called when the last reference goes
 * (may be NULL). Pitches must hold a row; no alignment is required. */
OVNI_API int ovni_frame_wrap(ovni_device *dev, ovni_format format, int width,
                             int height, ovni_memory memory,
                             uint8_t *const data[2], const size_t pitch[2],
                             void (*release)(void *opaque), void *opaque,
                             ovni_frame **out);

/* Adds a reference and returns f. */
OVNI_API ovni_frame *ovni_frame_ref(ovni_frame *f);
/* Drops a reference, sets *f to NULL; fine on NULL. */
OVNI_API void ovni_frame_unref(ovni_frame **f);

/* Copies pixels (same format and size; any memories) and metadata. */
OVNI_API int ovni_frame_copy(ovni_frame *dst, const ovni_frame *src);
/* Copies pts, time base, matrix, range, chroma location and field order. */
OVNI_API void ovni_frame_copy_props(ovni_frame *dst, const ovni_frame *src);

/* Host -> device copy into a new pooled device frame, asynchronous. */
OVNI_API int ovni_frame_upload(const ovni_frame *src, ovni_frame **out);
/* Device -> host copy into a new pooled (pinned) host frame, asynchronous:
 * ops on the host frame, and ovni_frame_wait(), wait for it first. */
OVNI_API int ovni_frame_download(const ovni_frame *src, ovni_frame **out);
/* Blocks until no GPU work is still writing f. */
OVNI_API int ovni_frame_wait(ovni_frame *f);

#ifdef __cplusplus
}
#endif
#endif
