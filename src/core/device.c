/* Device selection, the GPU context and stream, and ovni's embedded kernels. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "gpu.h"
#include "threads.h"

#if OVNI_HAVE_CUDA
/* scripts/build_kernels.py: every kernel, and a second module of those
 * built with -fmad=false (size 0 when none are) */
extern const unsigned char ovni_kernels_fatbin[], ovni_kernels_exact_fatbin[];
extern const size_t ovni_kernels_exact_fatbin_size;
#endif

const char *ovni_version(void) { return OVNI_VERSION; }
int ovni_build_has_cuda(void) { return OVNI_HAVE_CUDA; }

int gpu_fail(ovni_device *dev, CUresult r, const char *call, const char *what)
{
    const char *name = NULL, *text = NULL;
    if (dev && dev->cu) {
        dev->cu->cuGetErrorName(r, &name);
        dev->cu->cuGetErrorString(r, &text);
    }
    return ovni_error(OVNI_EGPU, "%s: %s failed: %s (%s)", what, call,
                      name ? name : "unknown CUDA error", text ? text : "no description");
}

int gpu_enter(ovni_device *dev)
{
    CU_CHECK(dev, cuCtxPushCurrent(dev->ctx), "ovni (entering the GPU context)");
    return 0;
}

void gpu_leave(ovni_device *dev)
{
    CUcontext dummy;
    dev->cu->cuCtxPopCurrent(&dummy);
}

void device_retain(ovni_device *dev) { atomic_fetch_add(&dev->refs, 1); }

static void device_destroy(ovni_device *dev)
{
    cpu_pool_free(&dev->cpu_pool);
    pools_free(dev);
    if (dev->is_gpu) {
        gpu_enter(dev);
        if (dev->module) dev->cu->cuModuleUnload(dev->module);
        if (dev->module_exact) dev->cu->cuModuleUnload(dev->module_exact);
        if (dev->stream) dev->cu->cuStreamDestroy(dev->stream);
        gpu_leave(dev);
        dev->cu->cuDevicePrimaryCtxRelease(dev->cudev);
    }
    cuvid_free_functions(&dev->cuvid);
    cuda_free_functions(&dev->cu);
    pthread_mutex_destroy(&dev->lock);
    free(dev);
}

void device_release(ovni_device *dev)
{
    if (dev && atomic_fetch_sub(&dev->refs, 1) == 1) device_destroy(dev);
}

static int load_extras(ovni_device *dev)
{
    void *lib = dev->cu->lib;
#define X(field, sym)                                                          \
    if (!(dev->x.field = (t##field *)dlsym(lib, sym)))                         \
        return ovni_error(OVNI_ENODEV, "the CUDA driver lacks %s", sym);
    X(cuMemHostAlloc, "cuMemHostAlloc")
    X(cuMemFreeHost, "cuMemFreeHost")
    X(cuMemHostRegister, "cuMemHostRegister_v2")
    X(cuMemHostUnregister, "cuMemHostUnregister")
    X(cuMemGetInfo, "cuMemGetInfo_v2")
    X(cuCtxSynchronize, "cuCtxSynchronize")
    X(cuEventElapsedTime, "cuEventElapsedTime")
    X(cuMemsetD2D8Async, "cuMemsetD2D8Async")
    X(cuStreamWaitEvent, "cuStreamWaitEvent")
#undef X
    return 0;
}

/* CUDA graphs serve only ovni_device_gpu_time(), so a driver without them
 * still opens the device. All six are kept or none: that function checks one.
 * Names are what CUDA 13's cuda.h maps the calls to (without per-thread
 * default stream): cuStreamBeginCapture -> _v2, cuGraphInstantiate ->
 * cuGraphInstantiateWithFlags; the others are unsuffixed. */
static void load_graph_extras(ovni_device *dev)
{
    void *lib = dev->cu->lib;
    const char *missing = NULL;
#define X(field, sym)                                                          \
    if (!(dev->x.field = (t##field *)dlsym(lib, sym)) && !missing) missing = sym;
    X(cuStreamBeginCapture, "cuStreamBeginCapture_v2")
    X(cuStreamEndCapture, "cuStreamEndCapture")
    X(cuGraphInstantiateWithFlags, "cuGraphInstantiateWithFlags")
    X(cuGraphLaunch, "cuGraphLaunch")
    X(cuGraphExecDestroy, "cuGraphExecDestroy")
    X(cuGraphDestroy, "cuGraphDestroy")
#undef X
    if (!missing) return;
    device_log(dev, OVNI_LOG_DEBUG, "the CUDA driver lacks %s: no CUDA graphs (ovni_device_gpu_time)", missing);
    dev->x.cuStreamBeginCapture = NULL;
    dev->x.cuStreamEndCapture = NULL;
    dev->x.cuGraphInstantiateWithFlags = NULL;
    dev->x.cuGraphLaunch = NULL;
    dev->x.cuGraphExecDestroy = NULL;
    dev->x.cuGraphDestroy = NULL;
}

/* The kernels' names in the module, by gpu_kernel. */
static const char *const gpu_kernel_names[GPU_KERNEL_COUNT] = {
#define GPU_KERNEL_NAME(id, name) [id] = name,
    OVNI_KERNEL_LIST(GPU_KERNEL_NAME)
#undef GPU_KERNEL_NAME
};

#if OVNI_HAVE_CUDA
/* Every kernel's CUfunction, once (context current): launches index
 * dev->kernels without a lookup or a lock. A kernel not in the main module
 * is in the -fmad=false one. */
static CUresult resolve_kernels(ovni_device *dev, const char **missing)
{
    CUresult r = CUDA_SUCCESS;
    for (int k = 0; k < GPU_KERNEL_COUNT && r == CUDA_SUCCESS; k++) {
        r = dev->cu->cuModuleGetFunction(&dev->kernels[k], dev->module, gpu_kernel_names[k]);
        if (r != CUDA_SUCCESS && dev->module_exact)
            r = dev->cu->cuModuleGetFunction(&dev->kernels[k], dev->module_exact, gpu_kernel_names[k]);
        if (r != CUDA_SUCCESS) *missing = gpu_kernel_names[k];
    }
    return r;
}
#endif

/* Brings up CUDA device `index`: driver, primary context, stream, kernels. */
static int open_gpu(ovni_device *dev, int index)
{
    int count = 0, ret;
    if (cuda_load_functions(&dev->cu, NULL) < 0)
        return ovni_error(OVNI_ENODEV, "no NVIDIA driver (libcuda.so.1 could not be loaded)");
    if ((ret = load_extras(dev)) < 0) return ret;
    load_graph_extras(dev);
    CU_CHECK(dev, cuInit(0), "ovni_device_open");
    CU_CHECK(dev, cuDeviceGetCount(&count), "ovni_device_open");
    if (index >= count)
        return ovni_error(OVNI_ENODEV, "device %d requested, but the driver sees %d GPU(s)", index, count);
    CU_CHECK(dev, cuDeviceGet(&dev->cudev, index), "ovni_device_open");
    /* Waits block the thread instead of spinning: a pipeline's decode and
     * encode threads wait on the GPU often, and spinning would take cores
     * from x264. (Fails harmlessly if another user made the context active.) */
    dev->cu->cuDevicePrimaryCtxSetFlags(dev->cudev, CU_CTX_SCHED_BLOCKING_SYNC);
    CU_CHECK(dev, cuDevicePrimaryCtxRetain(&dev->ctx, dev->cudev), "ovni_device_open");
    dev->index = index;
    dev->is_gpu = 1;
    /* for ops that size their grids to the GPU (blur.c); 0 if unknown */
    dev->cu->cuDeviceGetAttribute(&dev->multiprocessors, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev->cudev);
    if ((ret = gpu_enter(dev)) < 0) return ret;
    CUresult r = dev->cu->cuStreamCreate(&dev->stream, CU_STREAM_NON_BLOCKING);
    const char *missing = NULL;
#if OVNI_HAVE_CUDA
    if (r == CUDA_SUCCESS) r = dev->cu->cuModuleLoadData(&dev->module, ovni_kernels_fatbin);
    if (r == CUDA_SUCCESS && ovni_kernels_exact_fatbin_size)
        r = dev->cu->cuModuleLoadData(&dev->module_exact, ovni_kernels_exact_fatbin);
    if (r == CUDA_SUCCESS) r = resolve_kernels(dev, &missing);
#endif
    gpu_leave(dev);
    if (missing) return gpu_fail(dev, r, "cuModuleGetFunction", missing);
    if (r != CUDA_SUCCESS) return gpu_fail(dev, r, "cuModuleLoadData", "ovni_device_open (loading ovni's kernels)");
    if (cuvid_load_functions(&dev->cuvid, NULL) < 0)
        device_log(dev, OVNI_LOG_INFO, "libnvcuvid.so.1 not found: no NVDEC, video decodes on the CPU");
    return 0;
}

static ovni_device *device_alloc(void)
{
    ovni_device *dev = ovni_calloc(1, sizeof(*dev));
    if (!dev) return NULL;
    atomic_init(&dev->refs, 1);
    dev->index = -1;
    pthread_mutex_init(&dev->lock, NULL);
    return dev;
}

/* Undo a half-opened GPU device, keeping it usable as the CPU device. */
static void reset_to_cpu(ovni_device *dev)
{
    if (dev->ctx) dev->cu->cuDevicePrimaryCtxRelease(dev->cudev);
    cuvid_free_functions(&dev->cuvid);
    cuda_free_functions(&dev->cu);
    memset(&dev->x, 0, sizeof(dev->x));
    dev->ctx = NULL;
    dev->stream = NULL;
    dev->module = NULL;
    dev->module_exact = NULL;
    dev->is_gpu = 0;
    dev->index = -1;
}

void ovni_device_default_settings(ovni_device_settings *s)
{
    if (s) memset(s, 0, sizeof(*s));
}

int ovni_device_open(ovni_device **out, const char *spec)
{
    ovni_device_settings s;
    ovni_device_default_settings(&s);
    s.spec = spec;
    return ovni_device_open_settings(out, &s);
}

int ovni_device_open_settings(ovni_device **out, const ovni_device_settings *settings)
{
    if (!out) return ovni_error(OVNI_EINVAL, "ovni_device_open: out is NULL");
    *out = NULL;
    ovni_device_settings defaults;
    ovni_device_default_settings(&defaults);
    if (!settings) settings = &defaults;
    if (settings->cpu_threads < 0 || settings->cpu_threads > 64)
        return ovni_error(OVNI_EINVAL, "ovni_device_open: cpu_threads=%d is outside 0..64 (0: one per core)",
                          settings->cpu_threads);
    const char *spec = settings->spec;
    if (!spec || !strcmp(spec, "auto")) {
        const char *env = getenv("OVNI_DEVICE");
        spec = env && *env ? env : "auto";
    }
    int want_gpu = -1; /* -1 auto, else the index that must work */
    if (!strcmp(spec, "cpu")) {
        want_gpu = -2;
    } else if (!strcmp(spec, "gpu")) {
        want_gpu = 0;
    } else if (strcmp(spec, "auto")) {
        char *end;
        long v = strtol(spec, &end, 10);
        if (*end || end == spec || v < 0 || v > 255)
            return ovni_error(OVNI_EINVAL, "device \"%s\": expected auto, cpu, gpu or a GPU index 0..255", spec);
        want_gpu = (int)v;
    }
    ovni_device *dev = device_alloc();
    if (!dev) return ovni_error(OVNI_ENOMEM, "ovni_device_open: out of memory");
    dev->cpu_threads = settings->cpu_threads;
    dev->logger = settings->logger;
    if (!(dev->cpu_pool = cpu_pool_new(dev->cpu_threads))) {
        device_release(dev);
        return ovni_error(OVNI_ENOMEM, "ovni_device_open: out of memory");
    }
    if (want_gpu != -2) {
        if (!OVNI_HAVE_CUDA) {
            if (want_gpu >= 0) {
                device_release(dev);
                return ovni_error(OVNI_EUNSUPPORTED, "device %s: this build of ovni has no CUDA kernels (nvcc was not found when it was built)", spec);
            }
            device_log(dev, OVNI_LOG_INFO, "built without CUDA kernels: using the CPU");
        } else {
            int ret = open_gpu(dev, want_gpu < 0 ? 0 : want_gpu);
            if (ret < 0) {
                if (want_gpu >= 0) {
                    char msg[1024];
                    snprintf(msg, sizeof(msg), "%s", ovni_last_error());
                    reset_to_cpu(dev);
                    device_release(dev);
                    return ovni_error(ret, "device %s: %s", spec, msg);
                }
                device_log(dev, OVNI_LOG_INFO, "no usable GPU (%s): using the CPU", ovni_last_error());
                reset_to_cpu(dev);
            }
        }
    }
    *out = dev;
    return 0;
}

void ovni_device_close(ovni_device **dev)
{
    if (!dev || !*dev) return;
    device_release(*dev);
    *dev = NULL;
}

int ovni_device_is_gpu(const ovni_device *dev) { return dev && dev->is_gpu; }

/* One lock-free store: callable from a signal handler. */
void ovni_device_interrupt(ovni_device *dev)
{
    if (dev) atomic_store(&dev->interrupted, 1);
}

int device_interrupted(const ovni_device *dev)
{
    return dev && atomic_load(&((ovni_device *)dev)->interrupted);
}

int ovni_device_sync(ovni_device *dev)
{
    if (!dev) return ovni_error(OVNI_EINVAL, "ovni_device_sync: device is NULL");
    if (!dev->is_gpu) return 0;
    int ret = gpu_enter(dev);
    if (ret < 0) return ret;
    CUresult r = dev->cu->cuStreamSynchronize(dev->stream);
    gpu_leave(dev);
    return r == CUDA_SUCCESS ? 0 : gpu_fail(dev, r, "cuStreamSynchronize", "ovni_device_sync");
}

int ovni_device_memory(ovni_device *dev, size_t *free_bytes, size_t *total_bytes)
{
    size_t f = 0, t = 0;
    if (free_bytes) *free_bytes = 0;
    if (total_bytes) *total_bytes = 0;
    if (!dev) return ovni_error(OVNI_EINVAL, "ovni_device_memory: device is NULL");
    if (!dev->is_gpu) return ovni_error(OVNI_EUNSUPPORTED, "ovni_device_memory: the CPU device has no GPU memory");
    int ret = gpu_enter(dev);
    if (ret < 0) return ret;
    CUresult r = dev->x.cuMemGetInfo(&f, &t);
    gpu_leave(dev);
    if (r != CUDA_SUCCESS) return gpu_fail(dev, r, "cuMemGetInfo", "ovni_device_memory");
    if (free_bytes) *free_bytes = f;
    if (total_bytes) *total_bytes = t;
    return 0;
}

/* What ovni_device_gpu_time() creates; graph_run_free() destroys it on every path. */
typedef struct graph_run {
    CUgraph graph;
    CUgraphExec exec;
    CUevent start, end;
} graph_run;

static const char gpu_time_what[] = "ovni_device_gpu_time";

static void graph_run_free(ovni_device *dev, graph_run *g)
{
    /* An exec still in flight is freed by the driver when it completes. */
    if (g->exec) dev->x.cuGraphExecDestroy(g->exec);
    if (g->graph) dev->x.cuGraphDestroy(g->graph);
    if (g->start) dev->cu->cuEventDestroy(g->start);
    if (g->end) dev->cu->cuEventDestroy(g->end);
}

/* Records fn's work, `reps` calls of it, into g->graph. Relaxed mode: ops may
 * push contexts, look kernels up or allocate (the pools) while the stream is
 * captured; global or thread-local mode would refuse those calls. The stream
 * leaves capture mode on every path, fn failing included. */
static int graph_capture(ovni_device *dev, int (*fn)(void *), void *ctx, int reps, graph_run *g)
{
    CUresult r = dev->x.cuStreamBeginCapture(dev->stream, GPU_STREAM_CAPTURE_MODE_RELAXED);
    if (r != CUDA_SUCCESS) return gpu_fail(dev, r, "cuStreamBeginCapture", gpu_time_what);
    int ret = 0, done = 0;
    while (done < reps && (ret = fn(ctx)) >= 0) done++;
    r = dev->x.cuStreamEndCapture(dev->stream, &g->graph);
    if (ret < 0)
        return ovni_error_prefix(ret, "%s: fn failed on call %d of %d, while its work was captured",
                                 gpu_time_what, done + 1, reps);
    if (r != CUDA_SUCCESS)
        return gpu_fail(dev, r, "cuStreamEndCapture", "ovni_device_gpu_time (fn queued work a CUDA graph cannot hold)");
    return 0;
}

/* Launches g->exec between g->start and g->end and waits: elapsed ms. */
static int graph_launch_timed(ovni_device *dev, graph_run *g, float *ms)
{
    CU_CHECK(dev, cuEventRecord(g->start, dev->stream), gpu_time_what);
    CUresult r = dev->x.cuGraphLaunch(g->exec, dev->stream);
    if (r != CUDA_SUCCESS) return gpu_fail(dev, r, "cuGraphLaunch", gpu_time_what);
    CU_CHECK(dev, cuEventRecord(g->end, dev->stream), gpu_time_what);
    CU_CHECK(dev, cuEventSynchronize(g->end), gpu_time_what);
    r = dev->x.cuEventElapsedTime(ms, g->start, g->end);
    return r == CUDA_SUCCESS ? 0 : gpu_fail(dev, r, "cuEventElapsedTime", gpu_time_what);
}

/* Context current. Sync first, so earlier work (and any error it left) is
 * not counted; the warm-up launch uploads the graph to the GPU and brings
 * caches to their steady state. */
static int graph_time(ovni_device *dev, int (*fn)(void *), void *ctx, int reps, graph_run *g, double *ms_per_call)
{
    CU_CHECK(dev, cuStreamSynchronize(dev->stream), gpu_time_what);
    int ret = graph_capture(dev, fn, ctx, reps, g);
    if (ret < 0) return ret;
    CUresult r = dev->x.cuGraphInstantiateWithFlags(&g->exec, g->graph, 0);
    if (r != CUDA_SUCCESS) {
        g->exec = NULL; /* not set on failure: graph_run_free must not destroy it */
        return gpu_fail(dev, r, "cuGraphInstantiateWithFlags", gpu_time_what);
    }
    /* Timing stays enabled (no CU_EVENT_DISABLE_TIMING); blocking waits. */
    CU_CHECK(dev, cuEventCreate(&g->start, CU_EVENT_BLOCKING_SYNC), gpu_time_what);
    CU_CHECK(dev, cuEventCreate(&g->end, CU_EVENT_BLOCKING_SYNC), gpu_time_what);
    float ms = 0;
    if ((ret = graph_launch_timed(dev, g, &ms)) < 0) return ret; /* warm-up */
    if ((ret = graph_launch_timed(dev, g, &ms)) < 0) return ret;
    *ms_per_call = (double)ms / reps;
    return 0;
}

int ovni_device_gpu_time(ovni_device *dev, int (*fn)(void *ctx), void *ctx, int reps, double *ms_per_call)
{
    if (ms_per_call) *ms_per_call = 0;
    if (!dev) return ovni_error(OVNI_EINVAL, "ovni_device_gpu_time: device is NULL");
    if (!fn) return ovni_error(OVNI_EINVAL, "ovni_device_gpu_time: fn is NULL");
    if (!ms_per_call) return ovni_error(OVNI_EINVAL, "ovni_device_gpu_time: ms_per_call is NULL");
    if (reps < 1 || reps > 10000)
        return ovni_error(OVNI_EINVAL, "ovni_device_gpu_time: reps=%d is outside 1..10000", reps);
    if (!dev->is_gpu)
        return ovni_error(OVNI_EUNSUPPORTED, "ovni_device_gpu_time: the CPU device has no GPU stream to time");
    if (!dev->x.cuStreamBeginCapture)
        return ovni_error(OVNI_EUNSUPPORTED, "ovni_device_gpu_time: the CUDA driver has no CUDA graphs");
    int ret = gpu_enter(dev);
    if (ret < 0) return ret;
    graph_run g = {0};
    double ms = 0;
    ret = graph_time(dev, fn, ctx, reps, &g, &ms);
    graph_run_free(dev, &g);
    gpu_leave(dev);
    if (ret == 0) *ms_per_call = ms;
    return ret;
}

void ovni_device_get_stats(ovni_device *dev, ovni_device_stats *stats)
{
    if (!dev || !stats) return;
    pthread_mutex_lock(&dev->lock);
    *stats = dev->stats;
    pthread_mutex_unlock(&dev->lock);
}

int gpu_launch(ovni_device *dev, gpu_kernel k, unsigned gx, unsigned gy,
               unsigned bx, unsigned by, unsigned shmem, void **args)
{
    CUresult r = dev->cu->cuLaunchKernel(dev->kernels[k], gx, gy, 1, bx, by, 1, shmem, dev->stream, args, NULL);
    if (r != CUDA_SUCCESS) return gpu_fail(dev, r, "cuLaunchKernel", gpu_kernel_names[k]);
    return 0;
}

int gpu_launch_2d(ovni_device *dev, gpu_kernel k, int w, int h, void **args)
{
    if (w <= 0 || h <= 0) return 0;
    return gpu_launch(dev, k, (unsigned)(w + 31) / 32, (unsigned)(h + 7) / 8, 32, 8, 0, args);
}
