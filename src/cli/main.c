/* The ovni command. Uses only the public API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/log.h>

#include "cli.h"
#include "expr.h"

int cli_quiet;

/* FFmpeg's, x264's and the demuxers' messages, as ovni prints its own: one
 * line, control characters escaped, nothing under -q but fatal errors. */
static void cli_av_log(void *avcl, int level, const char *fmt, va_list vl)
{
    if (level > av_log_get_level() || (cli_quiet && level > AV_LOG_FATAL)) return;
    char line[1024], out[1024];
    int prefix = 1;
    av_log_format_line2(avcl, level, fmt, vl, line, sizeof(line), &prefix);
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
    /* ovni's refusal of a playlist names the demuxer and the reason itself */
    if (!len || strstr(line, "not on whitelist")) return;
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)line; *p && o + 5 < sizeof(out); p++) {
        if (*p < 0x20 || *p == 0x7f) o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", *p);
        else out[o++] = (char)*p;
    }
    out[o] = 0;
    fprintf(stderr, "ovni: libav: %s\n", out);
}

static void usage(FILE *to)
{
    fprintf(to,
            "usage: ovni <command> [options]\n"
            "commands:\n"
            "  info FILE [--json]    container, streams, size, fps, frame count, colour, audio\n"
            "  info --gpu            the device ovni would use and what it can do\n"
            "  transcode IN OUT      re-encode a video (with its audio)\n"
            "  run IN OUT --vf CHAIN run every frame through a chain of ops\n"
            "  demo [OUT]            render the built-in 10-second showcase and read it back\n"
            "  --version             version and whether CUDA kernels are built in\n"
            "Each command takes --help.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    /* FFmpeg's own chatter (x264's statistics, muxer notes) is not for our
     * users; errors still show, and OVNI_LOG_LEVEL=debug shows everything. */
    const char *lvl = getenv("OVNI_LOG_LEVEL");
    av_log_set_level(lvl && !strcmp(lvl, "debug") ? AV_LOG_VERBOSE : AV_LOG_ERROR);
    for (int i = 2; i < argc; i++) cli_quiet |= !strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet");
    if (cli_quiet) ovni_log_set_level(OVNI_LOG_ERROR); /* -q: errors only, ovni's and FFmpeg's */
    cli_expr_log_restore = cli_av_log;
    av_log_set_callback(cli_av_log);
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("ovni %s (%s)\n", ovni_version(),
               ovni_build_has_cuda() ? "CUDA kernels built in" : "CPU-only build: no CUDA kernels");
        return 0;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "info")) return cli_info(argc - 1, argv + 1);
    if (!strcmp(cmd, "demo")) return cli_demo(argc - 1, argv + 1);
    if (!strcmp(cmd, "run")) return cli_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "transcode")) return cli_transcode(argc - 1, argv + 1);
    fprintf(stderr, "ovni: unknown command \"%s\"\n", cmd);
    usage(stderr);
    return 2;
}
