/* Internal: the device object and the GPU driver, reached through FFmpeg's
 * ffnvcodec loader (dlopen at run time, no link to libcuda or cudart). */
#ifndef OVNI_CORE_GPU_H
#define OVNI_CORE_GPU_H

#include <pthread.h>
#include <stdatomic.h>

#include "common.h"
#include "ovni/device.h"
#include "ovni/frame.h"

/* The loader's own messages ("Cannot load libcuda.so.1") are expected on a
 * machine without a GPU: send them to the debug log. */
#define FFNV_LOG_FUNC(logctx, msg, ...) ovni_log(OVNI_LOG_DEBUG, (msg), __VA_ARGS__)
#define FFNV_DEBUG_LOG_FUNC(logctx, msg, ...) ((void)0)
#include <ffnvcodec/dynlink_loader.h>

/* Driver calls the ffnvcodec loader does not list; taken with dlsym from the
 * same library handle (CudaFunctions.lib) in gpu_load_extras(). */
typedef CUresult CUDAAPI tcuMemHostAlloc(void **pp, size_t bytesize, unsigned int flags);
typedef CUresult CUDAAPI tcuMemFreeHost(void *p);
typedef CUresult CUDAAPI tcuMemHostRegister(void *p, size_t bytesize, unsigned int flags);
typedef CUresult CUDAAPI tcuMemHostUnregister(void *p);
typedef CUresult CUDAAPI tcuMemGetInfo(size_t *free, size_t *total);
typedef CUresult CUDAAPI tcuCtxSynchronize(void);
typedef CUresult CUDAAPI tcuEventElapsedTime(float *ms, CUevent start, CUevent end);
typedef CUresult CUDAAPI tcuMemsetD2D8Async(CUdeviceptr dst, size_t pitch, unsigned char v,
                                            size_t w, size_t h, CUstream s);
typedef CUresult CUDAAPI tcuStreamWaitEvent(CUstream s, CUevent e, unsigned int flags);

/* CUDA graphs, for ovni_device_gpu_time() only. The loader's header has no
 * graph types; these two match cuda.h's (an identical typedef is legal C11 if
 * a later header adds them). The capture mode is an int: cuda.h's enum has
 * the same ABI, and naming the enum here could clash with a later header. */
typedef struct CUgraph_st *CUgraph;
typedef struct CUgraphExec_st *CUgraphExec;
#define GPU_STREAM_CAPTURE_MODE_RELAXED 2 /* CU_STREAM_CAPTURE_MODE_RELAXED */
/* Symbol cuStreamBeginCapture_v2: what cuda.h maps cuStreamBeginCapture to. */
typedef CUresult CUDAAPI tcuStreamBeginCapture(CUstream s, int mode);
typedef CUresult CUDAAPI tcuStreamEndCapture(CUstream s, CUgraph *graph);
/* cuda.h (CUDA 12+) maps cuGraphInstantiate to cuGraphInstantiateWithFlags. */
typedef CUresult CUDAAPI tcuGraphInstantiateWithFlags(CUgraphExec *exec, CUgraph graph,
                                                      unsigned long long flags);
typedef CUresult CUDAAPI tcuGraphLaunch(CUgraphExec exec, CUstream s);
typedef CUresult CUDAAPI tcuGraphExecDestroy(CUgraphExec exec);
typedef CUresult CUDAAPI tcuGraphDestroy(CUgraph graph);

typedef struct gpu_extras {
    tcuMemHostAlloc *cuMemHostAlloc;
    tcuMemFreeHost *cuMemFreeHost;
    tcuMemHostRegister *cuMemHostRegister;
    tcuMemHostUnregister *cuMemHostUnregister;
    tcuMemGetInfo *cuMemGetInfo;
    tcuCtxSynchronize *cuCtxSynchronize;
    tcuEventElapsedTime *cuEventElapsedTime;
    tcuMemsetD2D8Async *cuMemsetD2D8Async;
    tcuStreamWaitEvent *cuStreamWaitEvent;
    /* Optional: all six or none (NULL) -- see load_graph_extras(). */
    tcuStreamBeginCapture *cuStreamBeginCapture;
    tcuStreamEndCapture *cuStreamEndCapture;
    tcuGraphInstantiateWithFlags *cuGraphInstantiateWithFlags;
    tcuGraphLaunch *cuGraphLaunch;
    tcuGraphExecDestroy *cuGraphExecDestroy;
    tcuGraphDestroy *cuGraphDestroy;
} gpu_extras;

/* ffnvcodec's CUresult lists few codes; the driver's value for this one. */
#define GPU_ERROR_OUT_OF_MEMORY ((CUresult)2)

struct frame_pool;
struct cpu_pool;

#define OVNI_MAX_KERNELS 128

struct ovni_device {
    atomic_int refs;           /* the opener's + one per live frame/pool user */
    int is_gpu;
    int reference;             /* host ops walk pixel by pixel (op_reference) */
    int index;
    CudaFunctions *cu;
    CuvidFunctions *cuvid;     /* NULL if libnvcuvid is missing */
    gpu_extras x;
    CUdevice cudev;
    int multiprocessors;       /* SMs, for ops that size grids to the GPU */
    CUcontext ctx;             /* the device's primary context */
    CUstream stream;
    CUmodule module;           /* ovni's kernels */
    pthread_mutex_t lock;      /* pools, kernel table, probe */
    struct { const char *name; CUfunction fn; } kernels[OVNI_MAX_KERNELS];
    int nkernels;
    struct frame_pool *pools;
    int pool_reserve;          /* extra idle frames each pool keeps (parallel readers, pool_reserve()) */
    ovni_device_stats stats;
    int probed;
    ovni_device_info info;
    atomic_int interrupted;    /* ovni_device_interrupt(): opens, reads and writes on it stop */
    int cpu_threads;           /* settings.cpu_threads (0: OVNI_THREADS or one per core) */
    struct cpu_pool *cpu_pool; /* threads.c: the CPU workers */
    ovni_logger logger;        /* settings.logger (callback NULL: the process default) */
};

/* A message about work on dev: to dev's logger, or the process default
 * (log.c). dev may be NULL. */
void device_log(const ovni_device *dev, int level, const char *fmt, ...) OVNI_PRINTF(3, 4);

/* Formats "cuFoo failed: CUDA_ERROR_X (text)" into the thread's error and
 * returns OVNI_EGPU. `what` names the ovni call that made the driver call. */
int gpu_fail(ovni_device *dev, CUresult r, const char *call, const char *what);

#define CU_CHECK(dev, call, what)                                   \
    do {                                                            \
        CUresult cu_check_r_ = (dev)->cu->call;                     \
        if (cu_check_r_ != CUDA_SUCCESS)                            \
            return gpu_fail((dev), cu_check_r_, #call, (what));     \
    } while (0)

/* Make the device's context current on this thread (push) and undo (pop).
 * Every function that calls the driver brackets its calls with these. */
int gpu_enter(ovni_device *dev);
void gpu_leave(ovni_device *dev);

/* Launches ovni kernel `name` on the device's stream (context must be
 * current). Grid covers w x h with 16x16 blocks unless the caller sizes it. */
int gpu_launch(ovni_device *dev, const char *name, unsigned gx, unsigned gy,
               unsigned bx, unsigned by, unsigned shmem, void **args);
/* Launch with a 2-D grid of 32x8 blocks over w x h threads. */
int gpu_launch_2d(ovni_device *dev, const char *name, int w, int h, void **args);

void device_retain(ovni_device *dev);
void device_release(ovni_device *dev);
/* 1 once ovni_device_interrupt() was called on dev (fine on NULL: 0). */
int device_interrupted(const ovni_device *dev);

/* Pool side (src/core/pool.c). */
void pools_free(ovni_device *dev);

#endif
