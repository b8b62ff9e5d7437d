/* What the encoders share: preset names and the GOP length. */
#include <string.h>

#include "encode.h"

/* "p1".."p7" (NVENC's names, fastest first) and the x264 preset each maps
 * to: the same speed order, spread over x264's useful range (docs/writer.md). */
static const char *const p_to_x264[7] = {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"};
static const char *const x264_names[10] = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                                           "medium", "slow", "slower", "veryslow", "placebo"};

static int p_number(const char *p)
{
    if ((p[0] == 'p' || p[0] == 'P') && p[1] >= '1' && p[1] <= '7' && !p[2]) return p[1] - '0';
    return 0;
}

const char *encode_preset_x264(const char *preset)
{
    int n = p_number(preset);
    if (n) return p_to_x264[n - 1];
    for (int i = 0; i < 10; i++)
        if (!strcmp(preset, x264_names[i])) return x264_names[i];
    return NULL;
}

int encode_preset_nvenc(const char *preset)
{
    int n = p_number(preset);
    if (n) return n;
    for (int i = 0; i < 10; i++)
        if (!strcmp(preset, x264_names[i])) return i < 7 ? i + 1 : 7;
    return 4;
}

int encode_gop_length(const ovni_writer_settings *s)
{
    /* Two seconds of frames by default: a seek in the output never decodes
     * more than that. */
    int64_t gop = s->gop ? s->gop : ((int64_t)2 * s->fps.num + s->fps.den / 2) / s->fps.den;
    return (int)(gop < 1 ? 1 : gop > 100000 ? 100000 : gop);
}
