/* ovni: still images (PNG, JPEG and whatever else libavcodec's image decoders
 * read) to and from frames. */
#ifndef OVNI_IMAGE_H
#define OVNI_IMAGE_H

#include "export.h"
#include "frame.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Loads an image file into a new RGB24 or RGBA32 frame on dev in `memory`.
 * `format` OVNI_FORMAT_RGBA32 keeps the alpha channel (opaque if the image
 * has none); OVNI_FORMAT_RGB24 drops it. The picture is turned upright by
 * its EXIF orientation. Errors name the file and reason. */
OVNI_API int ovni_image_load(ovni_device *dev, const char *path, ovni_format format,
                             ovni_memory memory, ovni_frame **out);

/* The size an image file's header claims (PNG, JPEG, BMP, GIF), read without
 * decoding anything: for a check before ovni_image_load allocates the picture.
 * As stored (before an EXIF orientation turns it). OVNI_EUNSUPPORTED for other
 * formats and for files that are not regular files, OVNI_EFORMAT when the
 * header is unreadable. */
OVNI_API int ovni_image_probe(const char *path, int *width, int *height);

/* The same, with options: `flags` OVNI_IMAGE_AS_STORED keeps the pixels as
 * stored; 0 (what ovni_image_load does) turns them upright by the file's
 * EXIF orientation (JPEG, PNG eXIf, WebP, TIFF where libavcodec reads it;
 * exact quarter turns and mirrors, ovni_orient). `orientation` (may be
 * NULL) receives the file's orientation, 1..8 (1 when it has none),
 * applied or not. */
#define OVNI_IMAGE_AS_STORED 1u
OVNI_API int ovni_image_load_ex(ovni_device *dev, const char *path, ovni_format format, ovni_memory memory,
                                unsigned flags, int *orientation, ovni_frame **out);

/* Saves an RGB24, RGBA32 or GRAY8 frame (host or device) as a PNG. Written
 * to a temporary file beside `path` and renamed, so a failure leaves no
 * partial file. */
OVNI_API int ovni_image_save_png(const ovni_frame *frame, const char *path);

#ifdef __cplusplus
}
#endif
#endif
