/* captions: ASS captions on a background whose colour shifts over time.
 *
 *   captions [OUT.mp4] [--cpu]
 *
 * Shows ovni_ass_open_memory (a script embedded as a string; libass lays it
 * out for the frame size) and ovni_ass_render, which blends the captions of
 * one time onto a frame in place, where the frame lives: on a GPU the
 * frame's images go up in one copy and one kernel launch. The background is
 * painted by ovni_fill_rect. */
#include "common.h"

/* PlayRes matches the frame, so positions and font sizes are in pixels.
 * Colours are &HAABBGGRR with alpha inverted (00 = opaque). Override tags:
 * \fad(in,out) fades in milliseconds, \move(x1,y1,x2,y2) slides the line,
 * \k is karaoke timing (centiseconds per syllable). */
static const char script[] =
    "[Script Info]\nScriptType: v4.00+\nPlayResX: 640\nPlayResY: 360\nWrapStyle: 0\n\n"
    "[V4+ Styles]\n"
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
    "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
    "MarginL, MarginR, MarginV, Encoding\n"
    "Style: Title,sans-serif,56,&H00FFFFFF,&H000000FF,&H00402010,&H80000000,-1,0,0,0,100,100,1,0,1,3,2,5,20,20,"
    "20,1\n"
    "Style: Sub,sans-serif,30,&H0000E0FF,&H00FFFFFF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,2,1,2,20,20,30,1\n\n"
    "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    "Dialogue: 0,0:00:00.00,0:00:02.00,Title,,0,0,0,,{\\fad(500,0)\\move(320,150,320,130)}ovni captions\n"
    "Dialogue: 0,0:00:00.30,0:00:02.00,Sub,,0,0,0,,{\\k30}laid {\\k30}out {\\k20}by {\\k40}libass,\\N"
    "{\\k30}blended {\\k20}by {\\k40}ovni\n";

int main(int argc, char **argv)
{
    char out[4096];
    ovni_device *dev = NULL;
    int ret = ex_start(argc, argv, "captions", out, sizeof(out), &dev);
    if (ret) return ret;

    ovni_ass *ass = NULL;
    ovni_frame *frame = NULL;
    ovni_writer *w = NULL;
    const char *encoder = "";
    /* size: the frames it will draw on; options NULL: fontconfig's fonts,
     * "sans-serif" where a font is missing. The script is copied. */
    ret = ovni_ass_open_memory(&ass, script, sizeof(script) - 1, EX_W, EX_H, NULL);
    if (ret == 0) ret = ex_writer(dev, out, EX_W, EX_H, &w);
    if (ret == 0) encoder = ovni_writer_encoder_name(w);

    for (int n = 0; ret == 0 && n < EX_FRAMES; n++) {
        float u = (float)n / (EX_FRAMES - 1);
        /* teal to deep purple; alpha 255 on a whole-pixel box sets the
         * pixels exactly (fill_rect paints "over") */
        const uint8_t colour[4] = {ex_clamp8(20 + 90 * u), ex_clamp8(110 - 80 * u), ex_clamp8(120 + 20 * u), 255};
        ret = ovni_frame_new(dev, OVNI_FORMAT_RGB24, EX_W, EX_H, ex_memory(dev), &frame);
        if (ret == 0) ret = ovni_fill_rect(frame, 0, 0, EX_W, EX_H, colour);
        /* the script's clock is in milliseconds: frame n is at n / fps s */
        int64_t t_ms = (int64_t)n * 1000 / EX_FPS;
        if (ret == 0) ret = ovni_ass_render(ass, t_ms, frame);
        if (ret == 0) ret = ovni_writer_write(w, frame);
        ovni_frame_unref(&frame);
    }
    if (ret == 0) ret = ovni_writer_close(&w);

    if (ret < 0) fprintf(stderr, "captions: %s\n", ovni_last_error());
    else ex_done("captions", out, encoder, dev);
    ovni_writer_cancel(&w);
    ovni_ass_close(&ass); /* waits for its GPU work, if any */
    ovni_device_close(&dev);
    return ret < 0;
}
