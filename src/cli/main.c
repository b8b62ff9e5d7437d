/* The ovni command. Uses only the public API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *to)
{
    fprintf(to,
            "usage: ovni <command> [options]\n"
            "commands:\n"
            "  info --gpu            the device ovni would use and what it can do\n"
            "  demo [OUTDIR]         render the built-in sample through the colour ops\n"
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
    fprintf(stderr, "ovni: unknown command \"%s\"\n", cmd);
    usage(stderr);
    return 2;
}
