/* ovni: ASS/SSA captions, rendered by libass and blended onto frames.
 *
 * A caption handle holds one script and one libass renderer for one frame
 * size. ovni_ass_render() asks libass for the images of a time and blends
 * them onto a frame in place, where the frame lives:
 * - GPU frames: all images of the frame are packed into one pinned buffer,
 *   uploaded with one copy and blended by one kernel launch, asynchronously
 *   on the device's stream. When libass reports that nothing changed since
 *   the previous call, the previous upload is reused (no packing, no copy).
 * - host frames: the same math on the CPU, threaded over rows.
 * Destinations: RGB24, RGBA32 (straight alpha, "over") and NV12 (blended in
 * Y/Cb/Cr with the frame's matrix and range; see docs/captions.md).
 *
 * Colours are as ASS defines them: &HAABBGGRR with alpha inverted (00 is
 * opaque); a bitmap value v covers a pixel with alpha v (255 - AA) / 255^2.
 *
 * Fonts are looked up with fontconfig, plus the optional fonts directory. A
 * style whose font is not installed falls back to the default font with
 * one warning per font name. libass's messages go through ovni's logger.
 *
 * Thread safety: one handle must not be used by two threads at once;
 * different handles are independent. */
#ifndef OVNI_ASS_H
#define OVNI_ASS_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "frame.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ovni_ass ovni_ass;

/* Optional settings; zero-initialise, then set what you need. */
typedef struct ovni_ass_options {
    const char *fonts_dir;    /* extra directory of font files, or NULL */
    const char *default_font; /* family used where a font is missing; NULL: "sans-serif" */
    uint8_t reserved[32];
} ovni_ass_options;

/* Counters, for tests and benchmarks. */
typedef struct ovni_ass_stats {
    uint64_t renders;     /* ovni_ass_render calls that drew */
    uint64_t layouts;     /* of those, calls that asked libass (ass_render_frame) */
    uint64_t packs;       /* image lists packed (libass reported a change) */
    uint64_t uploads;     /* packed lists copied to the GPU */
    int last_images;      /* images in the current list */
    size_t last_bytes;    /* bytes of the current packed list (table + bitmaps) */
    uint8_t reserved[32];
} ovni_ass_stats;

/* Opens a script from a file (.ass or .ssa) for frames of width x height
 * (1..16384). opt may be NULL. Errors: OVNI_EIO (cannot read the file),
 * OVNI_EFORMAT (not an ASS/SSA script), OVNI_EINVAL (size, fonts_dir).
 * A script with no events opens, logs a warning, and draws nothing. On
 * success *out owns the handle, freed by ovni_ass_close(). */
OVNI_API int ovni_ass_open_file(ovni_ass **out, const char *path, int width, int height,
                                const ovni_ass_options *opt);

/* The same from a script in memory (copied; the caller keeps `data`). */
OVNI_API int ovni_ass_open_memory(ovni_ass **out, const void *data, size_t size, int width, int height,
                                  const ovni_ass_options *opt);

/* Blends the captions shown at t_ms (milliseconds on the script's clock)
 * onto `frame` in place. A frame of another size than the handle's makes
 * libass lay out again for that size. GPU frames: asynchronous on the
 * device's stream. */
OVNI_API int ovni_ass_render(ovni_ass *ass, int64_t t_ms, ovni_frame *frame);

OVNI_API void ovni_ass_get_stats(const ovni_ass *ass, ovni_ass_stats *stats);

/* Frees the handle (waiting for its GPU work) and sets *ass to NULL; fine
 * on NULL. */
OVNI_API void ovni_ass_close(ovni_ass **ass);

#ifdef __cplusplus
}
#endif
#endif
