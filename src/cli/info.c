#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_open_device(const char *spec, ovni_device **dev)
{
    int ret = ovni_device_open(dev, spec);
    if (ret < 0) {
        fprintf(stderr, "ovni: %s\n", ovni_last_error());
        return 1;
    }
    return 0;
}

static void print_codecs(unsigned mask)
{
    static const char *names[] = {"h264", "hevc", "vp9", "av1"};
    int any = 0;
    for (int i = 0; i < 4; i++)
        if (mask & (1u << i)) printf("%s%s", any++ ? " " : "", names[i]);
    printf("%s\n", any ? "" : "none");
}

static int info_gpu(const char *spec)
{
    ovni_device *dev;
    if (cli_open_device(spec, &dev)) return 1;
    ovni_device_info in;
    ovni_device_get_info(dev, &in);
    printf("device:          %s\n", in.name);
    printf("build:           ovni %s, %s\n", ovni_version(), ovni_build_has_cuda() ? "CUDA kernels built in" : "CPU-only (no CUDA kernels)");
    if (in.is_gpu) {
        printf("index:           %d\n", in.index);
        printf("compute:         sm_%d%d, %d multiprocessors, %.1f GiB\n", in.cc_major, in.cc_minor,
               in.multiprocessors, (double)in.total_memory / (1 << 30));
        printf("kernels loaded:  %s\n", in.kernels_loaded ? "yes" : "no");
        printf("nvdec 8-bit:     ");
        print_codecs(in.nvdec_codecs);
        printf("nvdec 10-bit:    ");
        print_codecs(in.nvdec_codecs_10bit);
        printf("nvdec engines:   %d\n", in.nvdec_engines);
        printf("nvenc:           %s\n", in.nvenc ? "yes" : in.nvenc_status);
    }
    printf("cpu threads:     %d\n", in.cpu_threads);
    ovni_device_close(&dev);
    return 0;
}

int cli_info(int argc, char **argv)
{
    const char *device = NULL;
    int gpu = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--gpu")) gpu = 1;
        else if (!strcmp(argv[i], "--cpu")) device = "cpu";
        else if (!strcmp(argv[i], "--device") && i + 1 < argc) device = argv[++i];
        else if (!strcmp(argv[i], "--help")) {
            printf("usage: ovni info --gpu [--device N|--cpu]\n");
            return 0;
        } else {
            fprintf(stderr, "ovni info: unexpected argument \"%s\"\nusage: ovni info --gpu [--device N|--cpu]\n", argv[i]);
            return 2;
        }
    }
    if (!gpu) {
        fprintf(stderr, "usage: ovni info --gpu [--device N|--cpu]\n");
        return 2;
    }
    return info_gpu(device);
}
