/* Internal: opening an input and describing its video stream (ovni_probe and
 * the reader). */
#ifndef OVNI_IO_MEDIA_INFO_H
#define OVNI_IO_MEDIA_INFO_H

#include <libavformat/avformat.h>

#include "ovni/reader.h"

/* Opens `path`, reads its streams and fills *info (decoder left empty). On
 * failure, a message naming the file and the reason; *out stays NULL. */
int media_open(const char *path, const AVIOInterruptCB *interrupt, AVFormatContext **out,
               ovni_video_info *info);

#endif
