/* The GPU encoder: NVENC through ffnvcodec's nvEncodeAPI.h, on the device's
 * context, synchronous mode (the writer's thread is the asynchrony).
 *
 * Input: a small ring of pooled device NV12 frames, registered with NVENC
 * once at open and held for the writer's life; each incoming frame (device
 * or host) is copied into the next slot on the device's stream. Output: one
 * bitstream buffer per slot. NVENC fills output buffers in encode order, so
 * reading them in submission order gives packets in decode order; pts come
 * back as the input timestamps, dts are the input pts in input order shifted
 * back by the B-frame reorder delay (what FFmpeg's nvenc does). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/gpu.h"
#include "encode.h"

#define NVENC_MAX_SLOTS 24

struct nvenc_slot {
    ovni_frame *surface;
    NV_ENC_REGISTERED_PTR reg;
    NV_ENC_INPUT_PTR mapped;
    NV_ENC_OUTPUT_PTR bitstream;
};

typedef struct nvenc_enc {
    encoder pub;
    encode_params p;
    NvencFunctions *nv;
    NV_ENCODE_API_FUNCTION_LIST fl;
    void *enc;
    int nslots, next;
    struct nvenc_slot slots[NVENC_MAX_SLOTS];
    int pend[NVENC_MAX_SLOTS];          /* slots awaiting output, oldest first */
    int pend_head, npend;
    int64_t ts[NVENC_MAX_SLOTS];        /* input pts, input order */
    int ts_head, nts;
    int reorder;                        /* B-frames between references */
    AVPacket *pkt;
} nvenc_enc;

static const char *status_name(NVENCSTATUS s)
{
    switch (s) {
    case NV_ENC_ERR_NO_ENCODE_DEVICE: return "NV_ENC_ERR_NO_ENCODE_DEVICE";
    case NV_ENC_ERR_UNSUPPORTED_DEVICE: return "NV_ENC_ERR_UNSUPPORTED_DEVICE";
    case NV_ENC_ERR_INVALID_VERSION: return "NV_ENC_ERR_INVALID_VERSION (driver older than the headers)";
    case NV_ENC_ERR_OUT_OF_MEMORY: return "NV_ENC_ERR_OUT_OF_MEMORY";
    case NV_ENC_ERR_INVALID_PARAM: return "NV_ENC_ERR_INVALID_PARAM";
    case NV_ENC_ERR_UNSUPPORTED_PARAM: return "NV_ENC_ERR_UNSUPPORTED_PARAM";
    case NV_ENC_ERR_INVALID_DEVICE: return "NV_ENC_ERR_INVALID_DEVICE";
    case NV_ENC_ERR_ENCODER_BUSY: return "NV_ENC_ERR_ENCODER_BUSY";
    case NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY: return "NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY (session limit?)";
    case NV_ENC_ERR_RESOURCE_REGISTER_FAILED: return "NV_ENC_ERR_RESOURCE_REGISTER_FAILED";
    case NV_ENC_ERR_MAP_FAILED: return "NV_ENC_ERR_MAP_FAILED";
    case NV_ENC_ERR_GENERIC: return "NV_ENC_ERR_GENERIC";
    default: return "NVENC error";
    }
}

static int nv_fail(nvenc_enc *e, NVENCSTATUS s, const char *call)
{
    const char *detail = e->enc && e->fl.nvEncGetLastErrorString ? e->fl.nvEncGetLastErrorString(e->enc) : NULL;
    return ovni_error(s == NV_ENC_ERR_NO_ENCODE_DEVICE || s == NV_ENC_ERR_UNSUPPORTED_DEVICE ? OVNI_ENODEV : OVNI_EGPU,
                      "%s: NVENC %s failed: %s (%d)%s%s", e->p.path, call, status_name(s), (int)s,
                      detail && *detail ? ": " : "", detail ? detail : "");
}

#define NV_CHECK(call, name)                                  \
    do {                                                      \
        NVENCSTATUS nv_s_ = (call);                           \
        if (nv_s_ != NV_ENC_SUCCESS) return nv_fail(e, nv_s_, name); \
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
}

static void set_rate_control(const ovni_writer_settings *s, NV_ENC_RC_PARAMS *rc)
{
    switch (s->rate_control) {
    case OVNI_RC_CQP:
        rc->rateControlMode = NV_ENC_PARAMS_RC_CONSTQP;
        rc->constQP.qpIntra = rc->constQP.qpInterP = rc->constQP.qpInterB = (uint32_t)s->quality;
        break;
    case OVNI_RC_VBR:
        rc->rateControlMode = NV_ENC_PARAMS_RC_VBR;
        rc->averageBitRate = (uint32_t)s->bitrate;
        rc->maxBitRate = (uint32_t)s->max_bitrate;
        break;
    case OVNI_RC_CBR:
        rc->rateControlMode = NV_ENC_PARAMS_RC_CBR;
        rc->averageBitRate = rc->maxBitRate = (uint32_t)s->bitrate;
        break;
    default: /* DEFAULT, CRF: VBR at constant quality, no bitrate target */
        rc->rateControlMode = NV_ENC_PARAMS_RC_VBR;
        rc->averageBitRate = 0;
        rc->maxBitRate = (uint32_t)s->max_bitrate;
        rc->targetQuality = (uint8_t)(s->quality ? s->quality : 1); /* 0 would mean "automatic" */
        break;
    }
}

static int init_encoder(nvenc_enc *e, int global_header)
{
    static const GUID *const presets[7] = {&NV_ENC_PRESET_P1_GUID, &NV_ENC_PRESET_P2_GUID, &NV_ENC_PRESET_P3_GUID,
                                           &NV_ENC_PRESET_P4_GUID, &NV_ENC_PRESET_P5_GUID, &NV_ENC_PRESET_P6_GUID,
                                           &NV_ENC_PRESET_P7_GUID};
    const ovni_writer_settings *s = e->p.s;
    int hevc = s->codec == OVNI_CODEC_HEVC;
    GUID codec = hevc ? NV_ENC_CODEC_HEVC_GUID : NV_ENC_CODEC_H264_GUID;
    GUID preset = *presets[encode_preset_nvenc(s->preset) - 1];
    NV_ENC_TUNING_INFO tuning = s->tune_low_latency ? NV_ENC_TUNING_INFO_LOW_LATENCY : NV_ENC_TUNING_INFO_HIGH_QUALITY;

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
    cfg->gopLength = (uint32_t)encode_gop_length(s);
    if (s->bframes >= 0) cfg->frameIntervalP = s->bframes + 1;
    if (cfg->frameIntervalP < 1) cfg->frameIntervalP = 1;
    if (cfg->gopLength == 1) cfg->frameIntervalP = 1; /* all intra: no B-frames */
    set_rate_control(s, &cfg->rcParams);
    if (hevc) {
        NV_ENC_CONFIG_HEVC *h = &cfg->encodeCodecConfig.hevcConfig;
        h->idrPeriod = cfg->gopLength;
        h->repeatSPSPPS = !global_header;
        h->chromaFormatIDC = 1;
        h->pixelBitDepthMinus8 = 0;
        set_vui(&e->p, &h->hevcVUIParameters);
    } else {
        NV_ENC_CONFIG_H264 *h = &cfg->encodeCodecConfig.h264Config;
        h->idrPeriod = cfg->gopLength;
        h->repeatSPSPPS = !global_header;
        h->chromaFormatIDC = 1;
        set_vui(&e->p, &h->h264VUIParameters);
    }
    e->reorder = cfg->frameIntervalP > 1 ? cfg->frameIntervalP - 1 : 0;

    NV_ENC_INITIALIZE_PARAMS init;
    memset(&init, 0, sizeof(init));
    init.version = NV_ENC_INITIALIZE_PARAMS_VER;
    init.encodeGUID = codec;
    init.presetGUID = preset;
    init.tuningInfo = tuning;
    init.encodeWidth = init.maxEncodeWidth = init.darWidth = (uint32_t)s->width;
    init.encodeHeight = init.maxEncodeHeight = init.darHeight = (uint32_t)s->height;
    init.frameRateNum = (uint32_t)s->fps.num;
    init.frameRateDen = (uint32_t)s->fps.den;
    init.enablePTD = 1;
    init.encodeConfig = cfg;
    st = e->fl.nvEncInitializeEncoder(e->enc, &init);
    free(pc);
    if (st != NV_ENC_SUCCESS) return nv_fail(e, st, "nvEncInitializeEncoder");
    return 0;
}

static int create_slots(nvenc_enc *e)
{
    /* Up to reorder + 1 inputs wait for output; one more is being filled. */
    e->nslots = e->reorder + 3;
    if (e->nslots > NVENC_MAX_SLOTS) e->nslots = NVENC_MAX_SLOTS;
    for (int i = 0; i < e->nslots; i++) {
        struct nvenc_slot *sl = &e->slots[i];
        int ret = ovni_frame_new(e->p.dev, OVNI_FORMAT_NV12, e->p.s->width, e->p.s->height, OVNI_MEMORY_DEVICE, &sl->surface);
        if (ret < 0) return ret;
        ovni_frame *f = sl->surface;
        /* NVENC takes NV12 as one buffer: chroma right after pitch * height
         * rows of luma, same pitch. ovni's pool layout is exactly that. */
        if (f->pitch[1] != f->pitch[0] || f->data[1] != f->data[0] + f->pitch[0] * (size_t)f->height)
            return ovni_error(OVNI_EUNSUPPORTED, "%s: NVENC: frame layout is not contiguous NV12", e->p.path);
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
static int set_stream(nvenc_enc *e, int global_header)
{
    AVCodecParameters *par = e->p.par;
    const ovni_writer_settings *s = e->p.s;
    uint8_t *extradata = NULL;
    uint32_t size = 0;
    if (global_header) {
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
    par->sample_aspect_ratio = (AVRational){1, 1};
    par->field_order = AV_FIELD_PROGRESSIVE;
    par->video_delay = e->reorder;
    par->color_space = e->p.color_space;
    par->color_range = e->p.color_range;
    par->color_primaries = e->p.color_primaries;
    par->color_trc = e->p.color_trc;
    if (s->codec == OVNI_CODEC_HEVC && e->p.hvc1) par->codec_tag = MKTAG('h', 'v', 'c', '1');
    return 0;
}

static int open_session(nvenc_enc *e)
{
    if (nvenc_load_functions(&e->nv, NULL) < 0)
        return ovni_error(OVNI_ENODEV, "%s: NVENC: libnvidia-encode.so.1 could not be loaded", e->p.path);
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

static void nvenc_close(encoder **ep)
{
    nvenc_enc *e = ep ? (nvenc_enc *)*ep : NULL;
    if (!e) return;
    *ep = NULL;
    if (e->enc && gpu_enter(e->p.dev) == 0) {
        for (int i = 0; i < NVENC_MAX_SLOTS; i++) {
            struct nvenc_slot *sl = &e->slots[i];
            if (sl->mapped) e->fl.nvEncUnmapInputResource(e->enc, sl->mapped);
            if (sl->reg) e->fl.nvEncUnregisterResource(e->enc, sl->reg);
            if (sl->bitstream) e->fl.nvEncDestroyBitstreamBuffer(e->enc, sl->bitstream);
        }
        e->fl.nvEncDestroyEncoder(e->enc);
        gpu_leave(e->p.dev);
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
        if ((ret = open_session(e)) == 0 && (ret = init_encoder(e, p->global_header)) == 0 &&
            (ret = create_slots(e)) == 0 && !(e->pkt = av_packet_alloc()))
            ret = ovni_error(OVNI_ENOMEM, "%s: out of memory", p->path);
        if (ret == 0) ret = set_stream(e, p->global_header);
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

/* Output of the oldest pending slot, as a packet to the muxer. */
static int output_one(nvenc_enc *e)
{
    int idx = e->pend[e->pend_head];
    e->pend_head = (e->pend_head + 1) % NVENC_MAX_SLOTS;
    e->npend--;
    struct nvenc_slot *sl = &e->slots[idx];
    NV_ENC_LOCK_BITSTREAM lb;
    memset(&lb, 0, sizeof(lb));
    lb.version = NV_ENC_LOCK_BITSTREAM_VER;
    lb.outputBitstream = sl->bitstream;
    NV_CHECK(e->fl.nvEncLockBitstream(e->enc, &lb), "nvEncLockBitstream");
    int r = av_new_packet(e->pkt, (int)lb.bitstreamSizeInBytes);
    if (r == 0) {
        memcpy(e->pkt->data, lb.bitstreamBufferPtr, lb.bitstreamSizeInBytes);
        e->pkt->pts = (int64_t)lb.outputTimeStamp;
        if (lb.pictureType == NV_ENC_PIC_TYPE_IDR || lb.pictureType == NV_ENC_PIC_TYPE_I)
            e->pkt->flags |= AV_PKT_FLAG_KEY;
    }
    e->fl.nvEncUnlockBitstream(e->enc, sl->bitstream);
    if (sl->mapped) {
        e->fl.nvEncUnmapInputResource(e->enc, sl->mapped);
        sl->mapped = NULL;
    }
    if (r < 0) return ovni_error(OVNI_ENOMEM, "%s: out of memory", e->p.path);
    int64_t dts = e->ts[e->ts_head];
    e->ts_head = (e->ts_head + 1) % NVENC_MAX_SLOTS;
    e->nts--;
    e->pkt->dts = dts - e->reorder * e->p.frame_ticks;
    e->pkt->duration = e->p.frame_ticks;
    return e->p.emit(e->p.emit_ctx, e->pkt);
}

static int encode_slot(nvenc_enc *e, struct nvenc_slot *sl, int64_t pts, int eos)
{
    NV_ENC_PIC_PARAMS pp;
    memset(&pp, 0, sizeof(pp));
    pp.version = NV_ENC_PIC_PARAMS_VER;
    if (eos) {
        pp.encodePicFlags = NV_ENC_PIC_FLAG_EOS;
    } else {
        NV_ENC_MAP_INPUT_RESOURCE m;
        memset(&m, 0, sizeof(m));
        m.version = NV_ENC_MAP_INPUT_RESOURCE_VER;
        m.registeredResource = sl->reg;
        NV_CHECK(e->fl.nvEncMapInputResource(e->enc, &m), "nvEncMapInputResource");
        sl->mapped = m.mappedResource;
        pp.inputWidth = (uint32_t)e->p.s->width;
        pp.inputHeight = (uint32_t)e->p.s->height;
        pp.inputPitch = (uint32_t)sl->surface->pitch[0];
        pp.inputBuffer = sl->mapped;
        pp.outputBitstream = sl->bitstream;
        pp.bufferFmt = m.mappedBufferFmt;
        pp.pictureStruct = NV_ENC_PIC_STRUCT_FRAME;
        pp.inputTimeStamp = (uint64_t)pts;
        pp.inputDuration = (uint64_t)e->p.frame_ticks;
        e->pend[(e->pend_head + e->npend) % NVENC_MAX_SLOTS] = (int)(sl - e->slots);
        e->npend++;
        e->ts[(e->ts_head + e->nts) % NVENC_MAX_SLOTS] = pts;
        e->nts++;
    }
    NVENCSTATUS st = e->fl.nvEncEncodePicture(e->enc, &pp);
    if (st == NV_ENC_ERR_NEED_MORE_INPUT) return 0; /* B-frames: outputs come later */
    if (st != NV_ENC_SUCCESS) return nv_fail(e, st, "nvEncEncodePicture");
    while (e->npend > 0) {
        int r = output_one(e);
        if (r < 0) return r;
    }
    return 0;
}

static int nvenc_flush(encoder *pub)
{
    nvenc_enc *e = (nvenc_enc *)pub;
    int ret = gpu_enter(e->p.dev);
    if (ret < 0) return ret;
    ret = encode_slot(e, NULL, 0, 1);
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
    /* Into the registered surface on the device's stream; NVENC does not
     * follow that stream, so wait for the copy (and the ops before it). */
    ret = ovni_frame_copy(sl->surface, f);
    ovni_frame_unref(&f);
    if (ret == 0) {
        CUresult r = dev->cu->cuStreamSynchronize(dev->stream);
        if (r != CUDA_SUCCESS) ret = gpu_fail(dev, r, "cuStreamSynchronize", "ovni_writer (NVENC input)");
    }
    if (ret == 0) ret = encode_slot(e, sl, pts, 0);
    gpu_leave(dev);
    return ret;
}

const encoder_class encoder_nvenc = {
    .name = "nvenc",
    .open = nvenc_open,
    .send = nvenc_send,
    .flush = nvenc_flush,
    .close = nvenc_close,
};
