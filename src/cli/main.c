/* The ovni command. Uses only the public API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/log.h>

#include "cli.h"

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
