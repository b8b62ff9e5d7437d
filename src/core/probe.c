/* What a device can do: name, compute capability, NVDEC codecs (asked of
 * cuvidGetDecoderCaps) and whether an NVENC session opens. Probed once. */
#include <stdio.h>
#include <string.h>

#include "gpu.h"

static unsigned probe_nvdec(ovni_device *dev, int bit_depth)
{
    static const struct { cudaVideoCodec codec; unsigned bit; } codecs[] = {
        {cudaVideoCodec_H264, OVNI_CODEC_BIT_H264},
        {cudaVideoCodec_HEVC, OVNI_CODEC_BIT_HEVC},
        {cudaVideoCodec_VP9, OVNI_CODEC_BIT_VP9},
        {cudaVideoCodec_AV1, OVNI_CODEC_BIT_AV1},
    };
    unsigned mask = 0;
    if (!dev->cuvid || !dev->cuvid->cuvidGetDecoderCaps) return 0;
    for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
        if (bit_depth > 8 && codecs[i].codec == cudaVideoCodec_H264) continue;
        CUVIDDECODECAPS caps;
        memset(&caps, 0, sizeof(caps));
        caps.eCodecType = codecs[i].codec;
        caps.eChromaFormat = cudaVideoChromaFormat_420;
        caps.nBitDepthMinus8 = (unsigned)(bit_depth - 8);
        if (dev->cuvid->cuvidGetDecoderCaps(&caps) == CUDA_SUCCESS && caps.bIsSupported)
            mask |= codecs[i].bit;
    }
    return mask;
}

/* The driver API does not say how many NVDEC engines a chip has; NVIDIA's
 * data sheets do. Longest names first where one contains another. */
static int nvdec_engine_count(const char *name)
{
    static const struct { const char *part; int engines; } table[] = {
        {"H100", 7}, {"H200", 7}, {"H800", 7}, {"H20", 7}, {"GH200", 7}, {"B200", 7}, {"A100", 5}, {"A800", 5},
        {"A30", 4}, {"L40", 3}, {"L4", 4}, {"A40", 2}, {"A16", 4}, {"A10", 2}, {"T4", 2},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strstr(name, table[i].part)) return table[i].engines;
    return 1;
}

static const char *nvenc_status_name(NVENCSTATUS s)
{
    switch (s) {
    case NV_ENC_SUCCESS: return "NV_ENC_SUCCESS";
    case NV_ENC_ERR_NO_ENCODE_DEVICE: return "NV_ENC_ERR_NO_ENCODE_DEVICE";
    case NV_ENC_ERR_UNSUPPORTED_DEVICE: return "NV_ENC_ERR_UNSUPPORTED_DEVICE";
    case NV_ENC_ERR_INVALID_VERSION: return "NV_ENC_ERR_INVALID_VERSION (driver too old for these headers)";
    case NV_ENC_ERR_OUT_OF_MEMORY: return "NV_ENC_ERR_OUT_OF_MEMORY";
    case NV_ENC_ERR_ENCODER_NOT_INITIALIZED: return "NV_ENC_ERR_ENCODER_NOT_INITIALIZED";
    case NV_ENC_ERR_INVALID_DEVICE: return "NV_ENC_ERR_INVALID_DEVICE";
    default: return "NVENC error";
    }
}

/* Opens and closes one encode session: the only reliable way to know. */
static int probe_nvenc(ovni_device *dev, char *status, size_t len)
{
    NvencFunctions *nv = NULL;
    if (nvenc_load_functions(&nv, NULL) < 0) {
        snprintf(status, len, "libnvidia-encode.so.1 not found");
        return 0;
    }
    NV_ENCODE_API_FUNCTION_LIST fl;
    memset(&fl, 0, sizeof(fl));
    fl.version = NV_ENCODE_API_FUNCTION_LIST_VER;
    NVENCSTATUS s = nv->NvEncodeAPICreateInstance(&fl);
    int ok = 0;
    if (s == NV_ENC_SUCCESS) {
        NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS p;
        memset(&p, 0, sizeof(p));
        p.version = NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS_VER;
        p.deviceType = NV_ENC_DEVICE_TYPE_CUDA;
        p.device = dev->ctx;
        p.apiVersion = NVENCAPI_VERSION;
        void *enc = NULL;
        s = fl.nvEncOpenEncodeSessionEx(&p, &enc);
        if (s == NV_ENC_SUCCESS) {
            ok = 1;
            fl.nvEncDestroyEncoder(enc);
        } else if (enc) {
            fl.nvEncDestroyEncoder(enc);
        }
    }
    snprintf(status, len, "%s", ok ? "ok" : nvenc_status_name(s));
    nvenc_free_functions(&nv);
    return ok;
}

int ovni_device_get_info(ovni_device *dev, ovni_device_info *info)
{
    if (!dev || !info) return ovni_error(OVNI_EINVAL, "ovni_device_get_info: NULL argument");
    pthread_mutex_lock(&dev->lock);
    if (!dev->probed) {
        ovni_device_info *d = &dev->info;
        memset(d, 0, sizeof(*d));
        d->is_gpu = dev->is_gpu;
        d->index = dev->index;
        d->cpu_threads = ovni_cpu_threads(dev);
        if (!dev->is_gpu) {
            snprintf(d->name, sizeof(d->name), "CPU (%d threads)", d->cpu_threads);
            snprintf(d->nvenc_status, sizeof(d->nvenc_status), "no GPU");
        } else if (gpu_enter(dev) == 0) {
            dev->cu->cuDeviceGetName(d->name, sizeof(d->name), dev->cudev);
            dev->cu->cuDeviceGetAttribute(&d->cc_major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev->cudev);
            dev->cu->cuDeviceGetAttribute(&d->cc_minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev->cudev);
            d->multiprocessors = dev->multiprocessors; /* read at open (device.c) */
            size_t free_b = 0, total = 0;
            if (dev->x.cuMemGetInfo(&free_b, &total) == CUDA_SUCCESS) d->total_memory = total;
            d->kernels_loaded = dev->module != NULL;
            d->nvdec_codecs = probe_nvdec(dev, 8);
            d->nvdec_codecs_10bit = probe_nvdec(dev, 10);
            d->nvdec_engines = d->nvdec_codecs ? nvdec_engine_count(d->name) : 0;
            d->nvenc = probe_nvenc(dev, d->nvenc_status, sizeof(d->nvenc_status));
            gpu_leave(dev);
        }
        dev->probed = 1;
    }
    *info = dev->info;
    pthread_mutex_unlock(&dev->lock);
    return 0;
}
