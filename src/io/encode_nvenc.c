/* The GPU encoder: NVENC through ffnvcodec's nvEncodeAPI.h, on the device's
 * context, synchronous mode (the writer's thread is the asynchrony). The
 * decisions that need no GPU (ring size, dts, flags, config, caps) are pure
 * functions in nvenc_logic.c, tested on the CPU.
 *
 * Input: a ring of pooled device NV12 frames, registered with NVENC once at
 * open and held for the writer's life, sized frameIntervalP + lookahead + 3
 * as NVIDIA's NvEncoder does. Each incoming frame (device or host) is copied
 * into the next free slot on the device's stream; an event recorded after
 * the copy is what NVENC waits for (not the whole device stream, where the
 * caller is already queueing the next frames' ops), and NVENC's own CUDA
 * work runs on the writer's stream (nvEncSetIOCudaStreams). Output: one
 * bitstream buffer per slot, locked in submission order (NVENC fills them in
 * encode order, so packets come out in decode order), ring - 1 frames kept in
 * flight. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/gpu.h"
#include "encode.h"
#include "nvenc_logic.h"

struct nvenc_slot {
    ovni_frame *surface;
    NV_ENC_REGISTERED_PTR reg;
    NV_ENC_INPUT_PTR mapped;
    NV_ENC_OUTPUT_PTR bitstream;
    CUevent copied;                     /* recorded on the device stream after the copy into surface */
};

typedef struct nvenc_enc {
    encoder pub;
    encode_params p;
    NvencFunctions *nv;
    NV_ENCODE_API_FUNCTION_LIST fl;
    void *enc;
    int initialized;                    /* nvEncInitializeEncoder succeeded: EOS is owed before teardown */
    int eos_sent;
    CUstream stream;                    /* the writer's stream for NVENC's own CUDA work */
    int nslots, next;
    struct nvenc_slot slots[NVENC_MAX_SLOTS];
    int pend[NVENC_MAX_SLOTS];          /* slots submitted, output not yet taken, oldest first */
    int pend_head, npend;
    nvenc_dts dts;
    int reorder;                        /* B-frames between references */
    AVPacket *pkt;
} nvenc_enc;

static int nv_fail(nvenc_enc *e, NVENCSTATUS s, const char *call)
{
    const char *detail = e->enc && e->fl.nvEncGetLastErrorString ? e->fl.nvEncGetLastErrorString(e->enc) : NULL;
    return ovni_error(s == NV_ENC_ERR_NO_ENCODE_DEVICE || s == NV_ENC_ERR_UNSUPPORTED_DEVICE ? OVNI_ENODEV : OVNI_EGPU,
                      "%s: NVENC %s failed: %s (%d)%s%s", e->p.path, call, nvenc_status_text(s, call), (int)s,
                      detail && *detail ? ": " : "", detail ? detail : "");
}

#define NV_CHECK(call, name)                                           \
    do {                                                               \
        NVENCSTATUS nv_s_ = (call);                                    \
        if (nv_s_ != NV_ENC_SUCCESS) return nv_fail(e, nv_s_, name);   \
    } while (0)

static void set_vui(const encode_params *p, NV_ENC_CONFIG_H264_VUI_PARAMETERS *v)
{
    /* libavutil's enums are the H.273 code points the VUI carries. */
    v->videoSignalTypePresentFlag = 1;
    v->videoFormat = 5; /* unspecified */
    v->videoFullRangeFlag = p->color_range == AVCOL_RANGE_JPEG;
    v->colourDescriptionPresentFlag = 1;
    v->colourMatrix = (uint32_t)p->color_space;
    v->colourPrimaries = (uint32_t)p->color_primaries;
    v->transferCharacteristics = (uint32_t)p->color_trc;
    v->chromaSampleLocationFlag = 1; /* H.273 chroma_sample_loc_type */
    v->chromaSampleLocationTop = v->chromaSampleLocationBot = (uint32_t)(p->chroma_location - AVCHROMA_LOC_LEFT);
}

static int query_cap(nvenc_enc *e, GUID codec, NV_ENC_CAPS cap, int fallback)
{
    NV_ENC_CAPS_PARAM q;
    memset(&q, 0, sizeof(q));
    q.version = NV_ENC_CAPS_PARAM_VER;
    q.capsToQuery = cap;
    int v = 0;
    return e->fl.nvEncGetEncodeCaps(e->enc, codec, &q, &v) == NV_ENC_SUCCESS ? v : fallback;
}

/* The codec among the GPU's encode GUIDs, and its caps. */
static int query_caps(nvenc_enc *e, GUID codec, nvenc_caps *caps)
{
    const char *name = e->p.s->codec == OVNI_CODEC_HEVC ? "HEVC" : "H.264";
    uint32_t n = 0, got = 0;
    NV_CHECK(e->fl.nvEncGetEncodeGUIDCount(e->enc, &n), "nvEncGetEncodeGUIDCount");
    GUID guids[32];
    if (n > 32) n = 32;
    NV_CHECK(e->fl.nvEncGetEncodeGUIDs(e->enc, guids, n, &got), "nvEncGetEncodeGUIDs");
    int found = 0;
    for (uint32_t i = 0; i < got && i < n; i++) found |= !memcmp(&guids[i], &codec, sizeof(codec));
    if (!found) return ovni_error(OVNI_EUNSUPPORTED, "%s: this GPU's NVENC cannot encode %s", e->p.path, name);
    caps->width_min = query_cap(e, codec, NV_ENC_CAPS_WIDTH_MIN, 0);
    caps->height_min = query_cap(e, codec, NV_ENC_CAPS_HEIGHT_MIN, 0);
    caps->width_max = query_cap(e, codec, NV_ENC_CAPS_WIDTH_MAX, INT_MAX);
    caps->height_max = query_cap(e, codec, NV_ENC_CAPS_HEIGHT_MAX, INT_MAX);
    /* A cap the driver does not answer is left to nvEncInitializeEncoder. */
    caps->max_bframes = query_cap(e, codec, NV_ENC_CAPS_NUM_MAX_BFRAMES, 16);
    caps->lookahead = query_cap(e, codec, NV_ENC_CAPS_SUPPORT_LOOKAHEAD, 1);
    caps->ten_bit = query_cap(e, codec, NV_ENC_CAPS_SUPPORT_10BIT_ENCODE, 0);
    return 0;
}

static int init_encoder(nvenc_enc *e)
{
    static const GUID *const presets[7] = {&NV_ENC_PRESET_P1_GUID, &NV_ENC_PRESET_P2_GUID, &NV_ENC_PRESET_P3_GUID,
                                           &NV_ENC_PRESET_P4_GUID, &NV_ENC_PRESET_P5_GUID, &NV_ENC_PRESET_P6_GUID,
                                           &NV_ENC_PRESET_P7_GUID};
    const ovni_writer_settings *s = e->p.s;
    int hevc = s->codec == OVNI_CODEC_HEVC;
    GUID codec = hevc ? NV_ENC_CODEC_HEVC_GUID : NV_ENC_CODEC_H264_GUID;
    GUID preset = *presets[encode_preset_nvenc(s->preset) - 1];
    NV_ENC_TUNING_INFO tuning = s->tune_low_latency ? NV_ENC_TUNING_INFO_LOW_LATENCY : NV_ENC_TUNING_INFO_HIGH_QUALITY;
    nvenc_caps caps;
    int ret = query_caps(e, codec, &caps);
    if (ret < 0) return ret;

    NV_ENC_PRESET_CONFIG *pc = ovni_calloc(1, sizeof(*pc));
    if (!pc) return ovni_error(OVNI_ENOMEM, "%s: out of memory", e->p.path);
    pc->version = NV_ENC_PRESET_CONFIG_VER;
    pc->presetCfg.version = NV_ENC_CONFIG_VER;
    NVENCSTATUS st = e->fl.nvEncGetEncodePresetConfigEx(e->enc, codec, preset, tuning, pc);
    if (st != NV_ENC_SUCCESS) {
        free(pc);
        return nv_fail(e, st, "nvEncGetEncodePresetConfigEx");
    }
    NV_ENC_CONFIG *cfg = &pc->presetCfg;
    char msg[256];
    if ((ret = nvenc_configure(cfg, s, &caps, 8, e->p.global_header, msg, sizeof(msg))) < 0) {
        free(pc);
        return ovni_error(ret, "%s: NVENC: %s", e->p.path, msg);
    }
    set_vui(&e->p, hevc ? &cfg->encodeCodecConfig.hevcConfig.hevcVUIParameters
                        : &cfg->encodeCodecConfig.h264Config.h264VUIParameters);
    e->reorder = cfg->frameIntervalP > 1 ? (int)cfg->frameIntervalP - 1 : 0;
    e->nslots = nvenc_ring_size(cfg);
    nvenc_dts_init(&e->dts, e->reorder, e->p.frame_ticks);

    NV_ENC_INITIALIZE_PARAMS init;
    memset(&init, 0, sizeof(init));
    init.version = NV_ENC_INITIALIZE_PARAMS_VER;
    init.encodeGUID = codec;
    init.presetGUID = preset;
    init.tuningInfo = tuning;
    init.encodeWidth = init.maxEncodeWidth = (uint32_t)s->width;
    init.encodeHeight = init.maxEncodeHeight = (uint32_t)s->height;
    {
        int dw, dh; /* the display aspect: width x SAR : height */
        av_reduce(&dw, &dh, (int64_t)s->width * e->p.sar.num, (int64_t)s->height * e->p.sar.den, 1 << 30);
        init.darWidth = (uint32_t)dw;
        init.darHeight = (uint32_t)dh;
    }
    init.frameRateNum = (uint32_t)s->fps.num;
    init.frameRateDen = (uint32_t)s->fps.den;
    init.enablePTD = 1;
    init.encodeConfig = cfg;
    st = e->fl.nvEncInitializeEncoder(e->enc, &init);
    free(pc);
    if (st != NV_ENC_SUCCESS) return nv_fail(e, st, "nvEncInitializeEncoder");
    e->initialized = 1;
    return 0;
}

static int create_slots(nvenc_enc *e)
{
    ovni_device *dev = e->p.dev;
    CU_CHECK(dev, cuStreamCreate(&e->stream, CU_STREAM_NON_BLOCKING), "ovni_writer (NVENC)");
    /* Where the driver cannot, NVENC's CUDA work stays on the default stream:
     * slower next to the device's stream, still correct (the event wait
     * below orders the input). */
    if (e->fl.nvEncSetIOCudaStreams &&
        e->fl.nvEncSetIOCudaStreams(e->enc, (NV_ENC_CUSTREAM_PTR)&e->stream, (NV_ENC_CUSTREAM_PTR)&e->stream) !=
            NV_ENC_SUCCESS)
        device_log(dev, OVNI_LOG_DEBUG, "%s: NVENC: nvEncSetIOCudaStreams failed; its CUDA work runs on the "
                   "default stream", e->p.path);
    for (int i = 0; i < e->nslots; i++) {
        struct nvenc_slot *sl = &e->slots[i];
        int ret = ovni_frame_new(dev, OVNI_FORMAT_NV12, e->p.s->width, e->p.s->height, OVNI_MEMORY_DEVICE,
                                 &sl->surface);
        if (ret < 0) return ret;
        ovni_frame *f = sl->surface;
        /* NVENC takes NV12 as one buffer: chroma right after pitch * height
         * rows of luma, same pitch. ovni's pool layout is exactly that. */
        if (f->pitch[1] != f->pitch[0] || f->data[1] != f->data[0] + f->pitch[0] * (size_t)f->height)
            return ovni_error(OVNI_EUNSUPPORTED, "%s: NVENC: frame layout is not contiguous NV12", e->p.path);
        CU_CHECK(dev, cuEventCreate(&sl->copied, CU_EVENT_DISABLE_TIMING | CU_EVENT_BLOCKING_SYNC),
                 "ovni_writer (NVENC)");
        NV_ENC_REGISTER_RESOURCE reg;
        memset(&reg, 0, sizeof(reg));
        reg.version = NV_ENC_REGISTER_RESOURCE_VER;
        reg.resourceType = NV_ENC_INPUT_RESOURCE_TYPE_CUDADEVICEPTR;
        reg.width = (uint32_t)f->width;
        reg.height = (uint32_t)f->height;
        reg.pitch = (uint32_t)f->pitch[0];
        reg.resourceToRegister = (void *)f->data[0];
        reg.bufferFormat = NV_ENC_BUFFER_FORMAT_NV12;
        reg.bufferUsage = NV_ENC_INPUT_IMAGE;
        NV_CHECK(e->fl.nvEncRegisterResource(e->enc, &reg), "nvEncRegisterResource");
        sl->reg = reg.registeredResource;
        NV_ENC_CREATE_BITSTREAM_BUFFER cb;
        memset(&cb, 0, sizeof(cb));
        cb.version = NV_ENC_CREATE_BITSTREAM_BUFFER_VER;
        NV_CHECK(e->fl.nvEncCreateBitstreamBuffer(e->enc, &cb), "nvEncCreateBitstreamBuffer");
        sl->bitstream = cb.bitstreamBuffer;
    }
    return 0;
}

/* The stream's parameters, with SPS/PPS (and VPS) as extradata where the
 * container keeps them out of band. */
static int set_stream(nvenc_enc *e)
{
    AVCodecParameters *par = e->p.par;
    const ovni_writer_settings *s = e->p.s;
    uint8_t *extradata = NULL;
    uint32_t size = 0;
    if (e->p.global_header) {
        uint8_t buf[1024];
        NV_ENC_SEQUENCE_PARAM_PAYLOAD sp;
        memset(&sp, 0, sizeof(sp));
        sp.version = NV_ENC_SEQUENCE_PARAM_PAYLOAD_VER;
        sp.inBufferSize = sizeof(buf);
        sp.spsppsBuffer = buf;
        sp.outSPSPPSPayloadSize = &size;
        NV_CHECK(e->fl.nvEncGetSequenceParams(e->enc, &sp), "nvEncGetSequenceParams");
        if (size == 0 || size > sizeof(buf))
            return ovni_error(OVNI_EGPU, "%s: NVENC returned %u bytes of parameter sets", e->p.path, size);
        if (!(extradata = av_mallocz(size + AV_INPUT_BUFFER_PADDING_SIZE)))
            return ovni_error(OVNI_ENOMEM, "%s: out of memory", e->p.path);
        memcpy(extradata, buf, size);
    }
    av_freep(&par->extradata);
    par->extradata = extradata;
    par->extradata_size = (int)size;
    par->codec_type = AVMEDIA_TYPE_VIDEO;
    par->codec_id = s->codec == OVNI_CODEC_HEVC ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264;
    par->width = s->width;
    par->height = s->height;
    par->format = AV_PIX_FMT_YUV420P;
    par->sample_aspect_ratio = e->p.sar;
    par->field_order = e->p.field_order;
    par->video_delay = e->reorder;
    par->color_space = e->p.color_space;
    par->color_range = e->p.color_range;
    par->color_primaries = e->p.color_primaries;
    par->color_trc = e->p.color_trc;
    par->chroma_location = e->p.chroma_location;
    if (s->codec == OVNI_CODEC_HEVC && e->p.hvc1) par->codec_tag = MKTAG('h', 'v', 'c', '1');
    return 0;
}

static int open_session(nvenc_enc *e)
{
    if (nvenc_load_functions(&e->nv, NULL) < 0)
        return ovni_error(OVNI_ENODEV, "%s: NVENC: libnvidia-encode.so.1 could not be loaded", e->p.path);
    uint32_t max_ver = 0;
    NV_CHECK(e->nv->NvEncodeAPIGetMaxSupportedVersion(&max_ver), "NvEncodeAPIGetMaxSupportedVersion");
    char msg[256];
    int ret = nvenc_check_api_version(max_ver, msg, sizeof(msg));
    if (ret < 0) return ovni_error(ret, "%s: NVENC: %s", e->p.path, msg);
    e->fl.version = NV_ENCODE_API_FUNCTION_LIST_VER;
    NV_CHECK(e->nv->NvEncodeAPICreateInstance(&e->fl), "NvEncodeAPICreateInstance");
    NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS p;
    memset(&p, 0, sizeof(p));
    p.version = NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS_VER;
    p.deviceType = NV_ENC_DEVICE_TYPE_CUDA;
    p.device = e->p.dev->ctx;
    p.apiVersion = NVENCAPI_VERSION;
    void *enc = NULL;
    NVENCSTATUS st = e->fl.nvEncOpenEncodeSessionEx(&p, &enc);
    if (st != NV_ENC_SUCCESS) {
        /* Some drivers hand back a session even on failure: destroy it. */
        if (enc) e->fl.nvEncDestroyEncoder(enc);
        return nv_fail(e, st, "nvEncOpenEncodeSessionEx");
    }
    e->enc = enc;
    return 0;
}

/* Takes the output of the oldest pending slot: a packet to emit, or (with
 * emit 0, at teardown) nothing. */
static int output_one(nvenc_enc *e, int emit)
{
    int idx = e->pend[e->pend_head];
    e->pend_head = (e->pend_head + 1) % NVENC_MAX_SLOTS;
    e->npend--;
    struct nvenc_slot *sl = &e->slots[idx];
    NV_ENC_LOCK_BITSTREAM lb;
    memset(&lb, 0, sizeof(lb));
    lb.version = NV_ENC_LOCK_BITSTREAM_VER;
    lb.outputBitstream = sl->bitstream;
    NVENCSTATUS st = e->fl.nvEncLockBitstream(e->enc, &lb);
    int r = 0;
    if (st != NV_ENC_SUCCESS) {
        r = nv_fail(e, st, "nvEncLockBitstream");
    } else {
        if (emit && (r = av_new_packet(e->pkt, (int)lb.bitstreamSizeInBytes)) == 0) {
            memcpy(e->pkt->data, lb.bitstreamBufferPtr, lb.bitstreamSizeInBytes);
            e->pkt->pts = (int64_t)lb.outputTimeStamp;
            e->pkt->flags |= nvenc_packet_flags(lb.pictureType);
        } else if (emit) {
            r = ovni_error(OVNI_ENOMEM, "%s: out of memory", e->p.path);
        }
        st = e->fl.nvEncUnlockBitstream(e->enc, sl->bitstream);
        if (st != NV_ENC_SUCCESS && r == 0) r = nv_fail(e, st, "nvEncUnlockBitstream");
    }
    if (sl->mapped) {
        e->fl.nvEncUnmapInputResource(e->enc, sl->mapped);
        sl->mapped = NULL;
    }
    int64_t dts = 0;
    if (nvenc_dts_next(&e->dts, &dts) < 0 && r == 0 && emit)
        r = ovni_error(OVNI_EGPU, "%s: NVENC returned more packets than frames", e->p.path);
    if (r < 0 || !emit) {
        av_packet_unref(e->pkt);
        return r;
    }
    e->pkt->dts = dts;
    e->pkt->duration = e->p.frame_ticks;
    return e->p.emit(e->p.emit_ctx, e->pkt);
}

static int take_outputs(nvenc_enc *e, int eos)
{
    for (int n = nvenc_outputs_due(e->npend, e->nslots, eos); n > 0; n--) {
        int r = output_one(e, 1);
        if (r < 0) return r;
    }
    return 0;
}

static int send_eos(nvenc_enc *e)
{
    NV_ENC_PIC_PARAMS pp;
    memset(&pp, 0, sizeof(pp));
    pp.version = NV_ENC_PIC_PARAMS_VER;
    pp.encodePicFlags = NV_ENC_PIC_FLAG_EOS;
    e->eos_sent = 1;
    NV_CHECK(e->fl.nvEncEncodePicture(e->enc, &pp), "nvEncEncodePicture (end of stream)");
    return 0;
}

static int encode_slot(nvenc_enc *e, struct nvenc_slot *sl, int64_t pts)
{
    NV_ENC_MAP_INPUT_RESOURCE m;
    memset(&m, 0, sizeof(m));
    m.version = NV_ENC_MAP_INPUT_RESOURCE_VER;
    m.registeredResource = sl->reg;
    NV_CHECK(e->fl.nvEncMapInputResource(e->enc, &m), "nvEncMapInputResource");
    sl->mapped = m.mappedResource;
    NV_ENC_PIC_PARAMS pp;
    memset(&pp, 0, sizeof(pp));
    pp.version = NV_ENC_PIC_PARAMS_VER;
    pp.inputWidth = (uint32_t)e->p.s->width;
    pp.inputHeight = (uint32_t)e->p.s->height;
    pp.inputPitch = (uint32_t)sl->surface->pitch[0];
    pp.inputBuffer = sl->mapped;
    pp.outputBitstream = sl->bitstream;
    pp.bufferFmt = m.mappedBufferFmt;
    pp.pictureStruct = NV_ENC_PIC_STRUCT_FRAME;
    pp.inputTimeStamp = (uint64_t)pts;
    pp.inputDuration = (uint64_t)e->p.frame_ticks;
    if (nvenc_dts_push(&e->dts, pts) < 0)
        return ovni_error(OVNI_EGPU, "%s: NVENC holds more frames than expected (%d)", e->p.path, e->npend);
    e->pend[(e->pend_head + e->npend) % NVENC_MAX_SLOTS] = (int)(sl - e->slots);
    e->npend++;
    NVENCSTATUS st = e->fl.nvEncEncodePicture(e->enc, &pp);
    /* NEED_MORE_INPUT: B-frames or lookahead hold this picture; its output
     * comes with a later one. */
    if (st != NV_ENC_SUCCESS && st != NV_ENC_ERR_NEED_MORE_INPUT) {
        e->npend--; /* never submitted: nothing to lock for it at teardown */
        return nv_fail(e, st, "nvEncEncodePicture");
    }
    return take_outputs(e, 0);
}

static int nvenc_flush(encoder *pub)
{
    nvenc_enc *e = (nvenc_enc *)pub;
    int ret = gpu_enter(e->p.dev);
    if (ret < 0) return ret;
    if ((ret = send_eos(e)) == 0) ret = take_outputs(e, 1);
    gpu_leave(e->p.dev);
    return ret;
}

static int nvenc_send(encoder *pub, ovni_frame *f, int64_t pts)
{
    nvenc_enc *e = (nvenc_enc *)pub;
    ovni_device *dev = e->p.dev;
    int ret = gpu_enter(dev);
    if (ret < 0) {
        ovni_frame_unref(&f);
        return ret;
    }
    struct nvenc_slot *sl = &e->slots[e->next];
    if (e->npend >= e->nslots) {
        ovni_frame_unref(&f);
        gpu_leave(dev);
        return ovni_error(OVNI_EGPU, "%s: NVENC holds more frames than expected (%d)", e->p.path, e->npend);
    }
    e->next = (e->next + 1) % e->nslots;
    /* Into the registered surface on the device's stream. NVENC's engine
     * reads the surface outside any stream: wait on the CPU for this copy
     * (and the ops queued before it), not for the whole device stream. */
    ret = ovni_frame_copy(sl->surface, f);
    ovni_frame_unref(&f);
    if (ret == 0) {
        CUresult r = dev->cu->cuEventRecord(sl->copied, dev->stream);
        if (r == CUDA_SUCCESS) r = dev->x.cuStreamWaitEvent(e->stream, sl->copied, 0);
        if (r == CUDA_SUCCESS) r = dev->cu->cuEventSynchronize(sl->copied);
        if (r != CUDA_SUCCESS) ret = gpu_fail(dev, r, "cuEventSynchronize", "ovni_writer (NVENC input)");
    }
    if (ret == 0) ret = encode_slot(e, sl, pts);
    gpu_leave(dev);
    return ret;
}

static void nvenc_close(encoder **ep)
{
    nvenc_enc *e = ep ? (nvenc_enc *)*ep : NULL;
    if (!e) return;
    *ep = NULL;
    ovni_device *dev = e->p.dev;
    if (e->enc && gpu_enter(dev) == 0) {
        /* NVENC wants the end of stream before its resources go (cancel,
         * error): flush, and take what it still holds without emitting it. */
        if (e->initialized && !e->eos_sent && send_eos(e) == 0)
            while (e->npend > 0 && output_one(e, 0) == 0) {}
        for (int i = 0; i < NVENC_MAX_SLOTS; i++) {
            struct nvenc_slot *sl = &e->slots[i];
            if (sl->mapped) e->fl.nvEncUnmapInputResource(e->enc, sl->mapped);
            if (sl->reg) e->fl.nvEncUnregisterResource(e->enc, sl->reg);
            if (sl->bitstream) e->fl.nvEncDestroyBitstreamBuffer(e->enc, sl->bitstream);
        }
        e->fl.nvEncDestroyEncoder(e->enc);
        gpu_leave(dev);
    }
    if (gpu_enter(dev) == 0) {
        for (int i = 0; i < NVENC_MAX_SLOTS; i++)
            if (e->slots[i].copied) dev->cu->cuEventDestroy(e->slots[i].copied);
        if (e->stream) dev->cu->cuStreamDestroy(e->stream);
        gpu_leave(dev);
    }
    for (int i = 0; i < NVENC_MAX_SLOTS; i++) ovni_frame_unref(&e->slots[i].surface);
    nvenc_free_functions(&e->nv);
    av_packet_free(&e->pkt);
    free(e);
}

static int nvenc_open(encoder **out, const encode_params *p)
{
    *out = NULL;
    if (!p->dev->is_gpu) return ovni_error(OVNI_ENODEV, "%s: NVENC needs a GPU device", p->path);
    nvenc_enc *e = ovni_calloc(1, sizeof(*e));
    if (!e) return ovni_error(OVNI_ENOMEM, "%s: out of memory", p->path);
    e->pub.cls = &encoder_nvenc;
    e->pub.name = "nvenc";
    e->pub.device_bound = 1;
    e->p = *p;
    encoder *pub = &e->pub;
    int ret = gpu_enter(p->dev);
    if (ret == 0) {
        if ((ret = open_session(e)) == 0 && (ret = init_encoder(e)) == 0 && (ret = create_slots(e)) == 0 &&
            !(e->pkt = av_packet_alloc()))
            ret = ovni_error(OVNI_ENOMEM, "%s: out of memory", p->path);
        if (ret == 0) ret = set_stream(e);
        gpu_leave(p->dev);
    }
    if (ret < 0) {
        /* Leave nothing behind: the caller may fall back to x264. */
        char msg[1024];
        snprintf(msg, sizeof(msg), "%s", ovni_last_error());
        nvenc_close(&pub);
        return ovni_error(ret, "%s", msg);
    }
    *out = pub;
    return 0;
}

const encoder_class encoder_nvenc = {
    .name = "nvenc",
    .open = nvenc_open,
    .send = nvenc_send,
    .flush = nvenc_flush,
    .close = nvenc_close,
};
