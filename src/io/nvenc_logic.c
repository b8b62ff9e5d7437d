/* NVENC decisions that need no GPU (nvenc_logic.h). */
#include <stdio.h>
#include <string.h>

#include <libavcodec/packet.h>

#include "ovni/error.h"
#include "encode.h"
#include "nvenc_logic.h"

int nvenc_ring_size(const NV_ENC_CONFIG *cfg)
{
    int fip = cfg->frameIntervalP > 0 ? (int)cfg->frameIntervalP : 1;
    int la = cfg->rcParams.enableLookahead ? cfg->rcParams.lookaheadDepth : 0;
    int n = fip + la + 3;
    return n > NVENC_MAX_SLOTS ? NVENC_MAX_SLOTS : n;
}

int nvenc_outputs_due(int pending, int ring, int eos)
{
    if (eos) return pending;
    int due = pending - (ring - 1);
    return due > 0 ? due : 0;
}

void nvenc_dts_init(nvenc_dts *q, int reorder, int64_t frame_ticks)
{
    memset(q, 0, sizeof(*q));
    q->reorder = reorder > 0 ? reorder : 0;
    q->frame_ticks = frame_ticks > 0 ? frame_ticks : 1;
}

int nvenc_dts_push(nvenc_dts *q, int64_t pts)
{
    if (q->n >= NVENC_DTS_CAP) return -1;
    if (q->inputs == 0) q->first = pts;
    q->pts[(q->head + q->n) % NVENC_DTS_CAP] = pts;
    q->n++;
    q->inputs++;
    return 0;
}

int nvenc_dts_next(nvenc_dts *q, int64_t *dts)
{
    if (q->outputs >= q->inputs) return -1;
    if (q->outputs < q->reorder) {
        *dts = q->first - (q->reorder - q->outputs) * q->frame_ticks;
    } else {
        *dts = q->pts[q->head];
        q->head = (q->head + 1) % NVENC_DTS_CAP;
        q->n--;
    }
    q->outputs++;
    return 0;
}

int nvenc_packet_flags(NV_ENC_PIC_TYPE type)
{
    return type == NV_ENC_PIC_TYPE_IDR ? AV_PKT_FLAG_KEY : 0;
}

void nvenc_set_param_sets(NV_ENC_CONFIG *cfg, int hevc, int global_header)
{
    if (hevc) {
        cfg->encodeCodecConfig.hevcConfig.repeatSPSPPS = !global_header;
        cfg->encodeCodecConfig.hevcConfig.disableSPSPPS = !!global_header;
    } else {
        cfg->encodeCodecConfig.h264Config.repeatSPSPPS = !global_header;
        cfg->encodeCodecConfig.h264Config.disableSPSPPS = !!global_header;
    }
}

void nvenc_set_rate_control(const ovni_writer_settings *s, NV_ENC_RC_PARAMS *rc)
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
        rc->vbvBufferSize = 0;
        rc->vbvInitialDelay = 0;
        rc->maxBitRate = (uint32_t)s->max_bitrate;
        rc->targetQuality = (uint8_t)(s->quality ? s->quality : 1); /* 0 would mean "automatic" */
        rc->targetQualityLSB = 0;
        break;
    }
}

int nvenc_configure(NV_ENC_CONFIG *cfg, const ovni_writer_settings *s, const nvenc_caps *caps, int bit_depth,
                    int global_header, char *msg, size_t msg_size)
{
    int hevc = s->codec == OVNI_CODEC_HEVC;
    const char *codec = hevc ? "HEVC" : "H.264";
    msg[0] = 0;
    /* The preset call may leave its own version in the struct. */
    cfg->version = NV_ENC_CONFIG_VER;
    if (s->width > caps->width_max || s->height > caps->height_max) {
        snprintf(msg, msg_size, "size %dx%d exceeds this GPU's NVENC %s limit of %dx%d", s->width, s->height, codec,
                 caps->width_max, caps->height_max);
        return OVNI_EUNSUPPORTED;
    }
    if (s->width < caps->width_min || s->height < caps->height_min) {
        snprintf(msg, msg_size, "size %dx%d is below this GPU's NVENC %s minimum of %dx%d", s->width, s->height,
                 codec, caps->width_min, caps->height_min);
        return OVNI_EUNSUPPORTED;
    }
    if (bit_depth > 8 && !caps->ten_bit) {
        snprintf(msg, msg_size, "this GPU's NVENC cannot encode %d-bit %s", bit_depth, codec);
        return OVNI_EUNSUPPORTED;
    }
    int max_b = caps->max_bframes > 0 ? caps->max_bframes : 0;
    if (s->bframes > max_b) {
        snprintf(msg, msg_size, "bframes=%d exceeds this GPU's NVENC %s limit of %d B-frames", s->bframes, codec,
                 max_b);
        return OVNI_EUNSUPPORTED;
    }

    int gop = encode_gop_length(s);
    cfg->gopLength = (uint32_t)gop;
    int fip = s->bframes >= 0 ? s->bframes + 1 : (int)cfg->frameIntervalP;
    if (fip < 1) fip = 1;
    if (fip > max_b + 1) fip = max_b + 1;
    if (fip > gop) fip = gop; /* no B-frame run longer than the GOP; all intra: none */
    cfg->frameIntervalP = fip;

    NV_ENC_RC_PARAMS *rc = &cfg->rcParams;
    if (!caps->lookahead) {
        rc->enableLookahead = 0;
        rc->lookaheadDepth = 0;
    } else if (rc->enableLookahead && rc->lookaheadDepth > 31 - (fip - 1)) {
        rc->lookaheadDepth = (uint16_t)(31 - (fip - 1));
    }
    nvenc_set_rate_control(s, rc);
    nvenc_set_param_sets(cfg, hevc, global_header);
    if (hevc) {
        NV_ENC_CONFIG_HEVC *h = &cfg->encodeCodecConfig.hevcConfig;
        h->idrPeriod = (uint32_t)gop;
        h->chromaFormatIDC = 1;
        h->pixelBitDepthMinus8 = (uint32_t)(bit_depth > 8 ? bit_depth - 8 : 0);
    } else {
        NV_ENC_CONFIG_H264 *h = &cfg->encodeCodecConfig.h264Config;
        h->idrPeriod = (uint32_t)gop;
        h->chromaFormatIDC = 1;
    }
    return 0;
}

int nvenc_check_api_version(uint32_t driver_max, char *msg, size_t msg_size)
{
    uint32_t need = (NVENCAPI_MAJOR_VERSION << 4) | NVENCAPI_MINOR_VERSION;
    msg[0] = 0;
    if (driver_max >= need) return 0;
    snprintf(msg, msg_size, "the driver offers NVENC API %u.%u, ovni needs %u.%u: update the NVIDIA driver",
             driver_max >> 4, driver_max & 15, need >> 4, need & 15);
    return OVNI_EUNSUPPORTED;
}

const char *nvenc_status_text(NVENCSTATUS s, const char *call)
{
    int open = call && !strcmp(call, "nvEncOpenEncodeSessionEx");
    switch (s) {
    case NV_ENC_ERR_NO_ENCODE_DEVICE: return "NV_ENC_ERR_NO_ENCODE_DEVICE (this GPU has no NVENC)";
    case NV_ENC_ERR_UNSUPPORTED_DEVICE: return "NV_ENC_ERR_UNSUPPORTED_DEVICE (this GPU has no NVENC)";
    case NV_ENC_ERR_INVALID_VERSION: return "NV_ENC_ERR_INVALID_VERSION (driver older than the headers)";
    case NV_ENC_ERR_OUT_OF_MEMORY:
        return open ? "NV_ENC_ERR_OUT_OF_MEMORY (on GeForce cards: the limit of concurrent NVENC sessions; "
                      "close other encoders or use fewer segments)"
                    : "NV_ENC_ERR_OUT_OF_MEMORY";
    case NV_ENC_ERR_INVALID_PARAM: return "NV_ENC_ERR_INVALID_PARAM";
    case NV_ENC_ERR_UNSUPPORTED_PARAM: return "NV_ENC_ERR_UNSUPPORTED_PARAM";
    case NV_ENC_ERR_INVALID_DEVICE: return "NV_ENC_ERR_INVALID_DEVICE";
    case NV_ENC_ERR_ENCODER_BUSY: return "NV_ENC_ERR_ENCODER_BUSY";
    case NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY: return "NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY";
    case NV_ENC_ERR_RESOURCE_REGISTER_FAILED: return "NV_ENC_ERR_RESOURCE_REGISTER_FAILED";
    case NV_ENC_ERR_MAP_FAILED: return "NV_ENC_ERR_MAP_FAILED";
    case NV_ENC_ERR_NEED_MORE_INPUT: return "NV_ENC_ERR_NEED_MORE_INPUT";
    case NV_ENC_ERR_GENERIC: return "NV_ENC_ERR_GENERIC";
    default: return "NVENC error";
    }
}
