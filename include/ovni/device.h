/* ovni: devices.
 *
 * A device is where frames live and ops run: a CUDA GPU (with its context,
 * stream and ovni's kernels loaded) or the CPU. The GPU driver is loaded at run
 * time, so one build runs everywhere; with no driver, no GPU, or a build
 * without CUDA kernels, ovni_device_open() gives the CPU device and logs one
 * info line saying why.
 *
 * Thread safety: a device may be used from several threads at once. All GPU
 * work on one device is ordered on the device's one CUDA stream. */
#ifndef OVNI_DEVICE_H
#define OVNI_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ovni_device ovni_device;

/* Bits of ovni_device_info.nvdec_codecs: codecs NVDEC decodes at 8-bit 4:2:0
 * (and, in nvdec_codecs_10bit, at 10-bit 4:2:0). */
enum ovni_codec_bit {
    OVNI_CODEC_BIT_H264 = 1 << 0,
    OVNI_CODEC_BIT_HEVC = 1 << 1,
    OVNI_CODEC_BIT_VP9 = 1 << 2,
    OVNI_CODEC_BIT_AV1 = 1 << 3,
};

typedef struct ovni_device_info {
    int is_gpu;              /* 0: the CPU device */
    int index;               /* CUDA ordinal, -1 for the CPU */
    char name[128];          /* "NVIDIA H100 80GB HBM3" or "CPU (16 threads)" */
    int cc_major, cc_minor;  /* compute capability */
    size_t total_memory;     /* bytes of device memory */
    int multiprocessors;
    int kernels_loaded;      /* ovni's embedded kernels loaded on this device */
    unsigned nvdec_codecs;   /* OVNI_CODEC_BIT_* at 8-bit */
    unsigned nvdec_codecs_10bit;
    int nvdec_engines;       /* NVDEC engines on the chip (from a table of known GPUs; 1 if unknown) */
    int nvenc;               /* 1: an NVENC session opens; 0: it does not */
    char nvenc_status[96];   /* why not, e.g. "NV_ENC_ERR_NO_ENCODE_DEVICE" */
    int cpu_threads;         /* threads the CPU backend uses */
    uint8_t reserved[60];
} ovni_device_info;

/* Allocation counters, for tests and benchmarks: a steady pipeline stops
 * allocating once its pools are warm. */
typedef struct ovni_device_stats {
    uint64_t host_allocs;    /* host frame buffers allocated (pinned or not) */
    uint64_t device_allocs;  /* device frame buffers allocated */
    uint64_t frames_live;    /* frames handed out and not yet released */
    uint64_t pool_bytes;     /* bytes held by the pools, in use or free */
    uint8_t reserved[32];
} ovni_device_stats;

/* Where a device's messages go (dav1d's Dav1dLogger): `callback` gets each
 * message of work on this device (its readers, writers, ops, captions) at or
 * below the level of ovni_log_set_level(), from any of ovni's threads, one
 * call at a time. NULL: the process-wide default (ovni_log_set_callback(),
 * else "ovni: <level>: <message>" on stderr). Messages with no device go to
 * that default. */
typedef struct ovni_logger {
    void *cookie;
    ovni_log_callback callback;
} ovni_logger;

typedef struct ovni_device_settings {
    const char *spec;        /* as ovni_device_open()'s; NULL: "auto" */
    int cpu_threads;         /* the device's CPU worker pool, the caller included;
                              * 0: $OVNI_THREADS, else one per core (at most 64) */
    ovni_logger logger;
    uint8_t reserved[64];
} ovni_device_settings;

OVNI_API void ovni_device_default_settings(ovni_device_settings *s);

/* ovni_device_open() with settings (NULL: the defaults). The device owns its
 * CPU worker pool (started here, joined when the device goes) and its
 * logger. */
OVNI_API int ovni_device_open_settings(ovni_device **out, const ovni_device_settings *s);

/* Opens a device. `spec`:
 *   NULL or "auto": $OVNI_DEVICE if set, else GPU 0 if usable, else the CPU;
 *   "cpu":          the CPU device;
 *   "N" (a number): CUDA device N, an error if it cannot be used;
 *   "gpu":          GPU 0, an error if it cannot be used.
 * On success *out owns a reference, released by ovni_device_close(). */
OVNI_API int ovni_device_open(ovni_device **out, const char *spec);

/* Releases the caller's reference and sets *dev to NULL; fine on NULL. Frames
 * keep their device alive until they are released. */
OVNI_API void ovni_device_close(ovni_device **dev);

OVNI_API int ovni_device_is_gpu(const ovni_device *dev);

/* Stops the work on dev: every open, read and write of a reader, writer or
 * image load on it (a FIFO that no one writes to included) stops at its next
 * check, within about 0.1 s, and fails with OVNI_ECANCELED; a writer then
 * removes its temporary file and leaves its target untouched, even during
 * the encoder's final flush. For Ctrl-C: async-signal-safe (one atomic
 * store). It lasts for the device's life: open a new one to go on. */
OVNI_API void ovni_device_interrupt(ovni_device *dev);

/* Fills *info. Probing NVDEC and NVENC happens once, on the first call. */
OVNI_API int ovni_device_get_info(ovni_device *dev, ovni_device_info *info);

OVNI_API void ovni_device_get_stats(ovni_device *dev, ovni_device_stats *stats);

/* Free and total bytes of the GPU's memory (cuMemGetInfo: the whole GPU, all
 * processes), for soak tests and monitoring. On the CPU device: OVNI_EUNSUPPORTED
 * and both set to 0. Either pointer may be NULL. */
OVNI_API int ovni_device_memory(ovni_device *dev, size_t *free_bytes, size_t *total_bytes);

/* Waits for all GPU work queued on the device. No-op on the CPU. */
OVNI_API int ovni_device_sync(ovni_device *dev);

/* GPU time of fn's work, without the host's cost of queuing it (argument
 * checks, context switches, kernel launches): fn(ctx) is called `reps` times
 * (1..10000) while the device's stream is captured into a CUDA graph; the
 * graph is launched once to warm up, then once more between two events, and
 * *ms_per_call = that elapsed time / reps. For benchmarks (tests/checkops).
 * fn returns 0 or a negative OVNI_E* code. fn must only queue work on dev's
 * stream: no waits, no host copies; run it once before so pools hold every
 * frame it needs (a frame allocated or freed during the capture would be
 * baked into the graph). While capturing, fn's work is only recorded, not run;
 * the replays run it twice over (2 x reps calls), so in-place ops change
 * their frames. No other thread may queue work on dev meanwhile (it would be
 * captured too). Errors: OVNI_EINVAL (dev, fn or ms_per_call NULL, reps out
 * of range), OVNI_EUNSUPPORTED (the CPU device, or a driver without CUDA
 * graphs), fn's own code if it fails (its message prefixed), OVNI_EGPU if the
 * driver refuses (e.g. CUDA_ERROR_STREAM_CAPTURE_* when fn did something a
 * graph cannot hold). *ms_per_call is 0 on error. */
OVNI_API int ovni_device_gpu_time(ovni_device *dev, int (*fn)(void *ctx), void *ctx, int reps,
                                  double *ms_per_call);

/* "0.1.0" */
OVNI_API const char *ovni_version(void);
/* 1 when this build embeds CUDA kernels (nvcc was found at build time). */
OVNI_API int ovni_build_has_cuda(void);

#ifdef __cplusplus
}
#endif
#endif
