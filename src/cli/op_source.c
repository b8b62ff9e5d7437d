/* The file= sources of overlay-like ops: an image, or a video read alongside
 * and looped, one RGBA32 frame per step. A leaf under the op table: errors
 * come back as codes (the library's message set, except OVNI_EOF) and the
 * op machinery (ops_bind.c) prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ops_table.h"

int op_source_open(op_source *s, const cli_env *env, const char *path)
{
    s->path = path;
    if (cli_is_image_path(path)) {
        int ret = ovni_image_load(env->dev, path, OVNI_FORMAT_RGBA32, env->memory, &s->still);
        if (ret < 0) return ret;
        s->width = s->still->width;
        s->height = s->still->height;
        return 0;
    }
    ovni_reader_settings rs;
    ovni_reader_default_settings(&rs);
    rs.loop = 1; /* a source shorter than the job starts again */
    rs.allow_playlists = env->allow_playlists;
    rs.max_memory = env->max_memory;
    int ret = ovni_reader_open(&s->reader, env->dev, path, &rs);
    if (ret < 0) return ret;
    const ovni_video_info *vi = ovni_reader_info(s->reader);
    s->width = vi->width;
    s->height = vi->height;
    return 0;
}

int op_source_step(op_source *s)
{
    ovni_frame_unref(&s->current);
    if (s->still) {
        s->current = ovni_frame_ref(s->still);
        return 0;
    }
    ovni_frame *f = NULL;
    int ret = ovni_reader_read(s->reader, &f);
    if (ret == 0) ret = ovni_convert(f, OVNI_FORMAT_RGBA32, &s->current);
    ovni_frame_unref(&f);
    return ret;
}

void op_source_close(op_source *s)
{
    ovni_frame_unref(&s->current);
    ovni_frame_unref(&s->still);
    ovni_reader_close(&s->reader);
}
