/* The GPU video decoder: NVDEC through the cuvid parser.
 *
 * Packets (converted to Annex-B where the container stores H.264/HEVC as
 * length-prefixed NAL units) go to cuvidParseVideoData on the reader's
 * thread; the parser calls back on the same thread:
 * - sequence: (re)creates the decoder for the stream's format and returns
 *   how many decode surfaces the parser may cycle through;
 * - decode: cuvidDecodePicture;
 * - display (presentation order): the surface is mapped, both planes are
 *   copied into a pooled NV12/P010 frame on the decoder's own stream, that
 *   stream is synchronised and the surface unmapped at once, so no mapped
 *   surface is ever held while the frame waits in the reader's queue, and a
 *   device frame is complete when it reaches the caller.
 *
 * Why a stream per decoder: synchronising the device's stream would also
 * wait for the caller's kernels, and several decoders (parallel segments,
 * src/io/segments.c) would wait for each other's copies. The one ordering
 * still needed is for recycled pool buffers, whose last readers were queued
 * on the device's stream: an event recorded there is waited for on the GPU
 * (cuStreamWaitEvent) before the copy overwrites the buffer.
 * Timestamps ride through the parser in its 10 MHz clock. */
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavutil/pixdesc.h>

#include "decode.h"
#include "field_witness.h"

#define NV_CLOCK ((AVRational){1, 10000000})
#define NV_DISPLAY_DELAY 4 /* pictures the parser may hold before display: decode overlaps the copies */

typedef struct nv_decoder {
    decoder pub;
    decode_params p;
    ovni_device *dev;
    CuvidFunctions *cv;
    cudaVideoCodec codec;
    CUvideoctxlock lock;
    CUvideoparser parser;
    CUvideodecoder dec;
    CUstream stream;           /* this decoder's copies (non-blocking) */
    CUevent fence;             /* recorded on the device's stream before a copy into a pooled buffer */
    CUVIDDECODECREATEINFO ci;  /* the decoder's current configuration */
    unsigned surfaces;
    int width, height;         /* frame size (the display area) */
    ovni_format format;
    AVBSFContext *bsf;
    AVPacket *tmp;
    CUVIDEOFORMATEX ext;       /* sequence header from the container */
    int have_ext;
    int have_pts;              /* some packet carried a pts */
    int err;                   /* first error met in a callback */
    int stopped;               /* emit wants no more frames */
    int discard;               /* flushing: displayed pictures are dropped */
    /* Timestamps (NV_CLOCK) of packets the demuxer marked AV_PKT_FLAG_DISCARD
     * (before an MP4 edit list's start): decoded as references, never shown,
     * as libavcodec does. Pending until their picture is displayed: the
     * decoder's reorder depth at most, so a small ring suffices. */
    int64_t dropped[64];
    int ndropped;
    field_witness *fields;     /* H.264 that may hold fields: each picture's field order as libavcodec reads it */
} nv_decoder;

/* 1 if `ts` was a discarded packet's timestamp (and forgets it). */
static int take_dropped(nv_decoder *nv, int64_t ts)
{
    for (int i = 0; i < nv->ndropped; i++)
        if (nv->dropped[i] == ts) {
            nv->dropped[i] = nv->dropped[--nv->ndropped];
            return 1;
        }
    return 0;
}

static void remember_dropped(nv_decoder *nv, int64_t ts)
{
    const int cap = (int)(sizeof(nv->dropped) / sizeof(nv->dropped[0]));
    if (nv->ndropped == cap) { /* the oldest cannot be pending any more */
        memmove(nv->dropped, nv->dropped + 1, (size_t)(cap - 1) * sizeof(nv->dropped[0]));
        nv->ndropped--;
    }
    nv->dropped[nv->ndropped++] = ts;
}

static cudaVideoCodec nv_codec(enum AVCodecID id)
{
    switch (id) {
    case AV_CODEC_ID_H264: return cudaVideoCodec_H264;
    case AV_CODEC_ID_HEVC: return cudaVideoCodec_HEVC;
    case AV_CODEC_ID_VP9: return cudaVideoCodec_VP9;
    case AV_CODEC_ID_AV1: return cudaVideoCodec_AV1;
    default: return cudaVideoCodec_NumCodecs;
    }
}

/* Asks the driver whether it decodes this codec, depth and size. */
static int check_caps(nv_decoder *nv, int depth, int w, int h)
{
    const char *path = nv->p.path, *name = avcodec_get_name(nv->p.st->codecpar->codec_id);
    if (!nv->cv->cuvidGetDecoderCaps)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: this driver's NVDEC has no capability query", path);
    CUVIDDECODECAPS caps;
    memset(&caps, 0, sizeof(caps));
    caps.eCodecType = nv->codec;
    caps.eChromaFormat = cudaVideoChromaFormat_420;
    caps.nBitDepthMinus8 = (unsigned)(depth - 8);
    int ret = gpu_enter(nv->dev);
    if (ret < 0) return ret;
    CUresult r = nv->cv->cuvidGetDecoderCaps(&caps);
    gpu_leave(nv->dev);
    if (r != CUDA_SUCCESS) return gpu_fail(nv->dev, r, "cuvidGetDecoderCaps", path);
    if (!caps.bIsSupported)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: this GPU's NVDEC does not decode %s at %d-bit 4:2:0", path, name,
                          depth);
    if (w < caps.nMinWidth || h < caps.nMinHeight || (unsigned)w > caps.nMaxWidth || (unsigned)h > caps.nMaxHeight ||
        (uint64_t)((w + 15) / 16) * (uint64_t)((h + 15) / 16) > caps.nMaxMBCount)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: %s %dx%d is outside what this GPU's NVDEC decodes (%ux%u..%ux%u)",
                          path, name, w, h, caps.nMinWidth, caps.nMinHeight, caps.nMaxWidth, caps.nMaxHeight);
    unsigned want = depth > 8 ? cudaVideoSurfaceFormat_P016 : cudaVideoSurfaceFormat_NV12;
    if (!(caps.nOutputFormatMask & (1u << want)))
        return ovni_error(OVNI_EUNSUPPORTED, "%s: this GPU's NVDEC cannot output %s for %s", path,
                          depth > 8 ? "P016" : "NV12", name);
    return 0;
}

static int CUDAAPI on_sequence(void *opaque, CUVIDEOFORMAT *f)
{
    nv_decoder *nv = opaque;
    if (nv->err) return 0;
    int depth = f->bit_depth_luma_minus8 + 8;
    if (f->chroma_format != cudaVideoChromaFormat_420 || depth > 10) {
        nv->err = ovni_error(OVNI_EUNSUPPORTED, "%s: the stream changed to a format NVDEC output cannot take "
                             "(chroma format %d, %d-bit)", nv->p.path, (int)f->chroma_format, depth);
        return 0;
    }
    int left = f->display_area.left, top = f->display_area.top;
    int right = f->display_area.right, bottom = f->display_area.bottom;
    if (left < 0 || top < 0 || right <= left || bottom <= top || right > (int)f->coded_width ||
        bottom > (int)f->coded_height) { /* a nonsensical crop: show the coded picture */
        left = top = 0;
        right = (int)f->coded_width;
        bottom = (int)f->coded_height;
    }
    int w = right - left, h = bottom - top;
    if (w < 1 || h < 1 || w > OVNI_MAX_DIM || h > OVNI_MAX_DIM) {
        nv->err = ovni_error(OVNI_EFORMAT, "%s: the stream declares a %dx%d picture", nv->p.path, w, h);
        return 0;
    }
    /* The DPB the stream needs, plus the display delay, plus slack so the
     * decoder never waits for a surface being copied out. */
    unsigned surfaces = f->min_num_decode_surfaces + NV_DISPLAY_DELAY + 2;
    if (surfaces < 8) surfaces = 8;
    if (surfaces > 32) surfaces = 32;

    CUVIDDECODECREATEINFO ci;
    memset(&ci, 0, sizeof(ci));
    ci.ulWidth = f->coded_width;
    ci.ulHeight = f->coded_height;
    ci.ulMaxWidth = f->coded_width;
    ci.ulMaxHeight = f->coded_height;
    ci.ulNumDecodeSurfaces = surfaces;
    ci.CodecType = f->codec;
    ci.ChromaFormat = f->chroma_format;
    ci.ulCreationFlags = cudaVideoCreate_PreferCUVID;
    ci.bitDepthMinus8 = f->bit_depth_luma_minus8;
    ci.display_area.left = (short)left;
    ci.display_area.top = (short)top;
    ci.display_area.right = (short)right;
    ci.display_area.bottom = (short)bottom;
    ci.OutputFormat = depth > 8 ? cudaVideoSurfaceFormat_P016 : cudaVideoSurfaceFormat_NV12;
    ci.DeinterlaceMode = cudaVideoDeinterlaceMode_Weave; /* pictures as coded, as libavcodec gives them */
    ci.ulTargetWidth = (unsigned)(w + 1) & ~1u;           /* NVDEC wants even output sizes */
    ci.ulTargetHeight = (unsigned)(h + 1) & ~1u;
    ci.ulNumOutputSurfaces = 2;
    ci.vidLock = nv->lock;

    if (nv->dec) {
        ci.ulNumDecodeSurfaces = nv->ci.ulNumDecodeSurfaces > surfaces ? nv->ci.ulNumDecodeSurfaces : surfaces;
        if (!memcmp(&ci, &nv->ci, sizeof(ci))) return (int)nv->surfaces; /* same stream after a seek */
        /* A new format mid-stream: every earlier picture has been displayed
         * (the parser flushes before a new sequence), so start afresh. */
        nv->cv->cuvidDestroyDecoder(nv->dec);
        nv->dec = NULL;
    }
    CUresult r = nv->cv->cuvidCreateDecoder(&nv->dec, &ci);
    if (r != CUDA_SUCCESS) {
        nv->dec = NULL;
        nv->err = gpu_fail(nv->dev, r, "cuvidCreateDecoder", nv->p.path);
        return 0;
    }
    nv->ci = ci;
    nv->surfaces = (unsigned)ci.ulNumDecodeSurfaces;
    nv->width = w;
    nv->height = h;
    nv->format = depth > 8 ? OVNI_FORMAT_P010 : OVNI_FORMAT_NV12;
    return (int)nv->surfaces;
}

static int CUDAAPI on_decode(void *opaque, CUVIDPICPARAMS *pic)
{
    nv_decoder *nv = opaque;
    if (nv->err || !nv->dec) return 0;
    if (nv->cv->cuvidDecodePicture(nv->dec, pic) != CUDA_SUCCESS) nv->pub.corrupt++; /* skipped, decoding goes on */
    return 1;
}

/* Copies a mapped surface into f: luma rows, then the chroma plane that
 * follows the (even) target height in the surface. */
static int copy_surface(nv_decoder *nv, ovni_frame *f, unsigned long long src, unsigned pitch)
{
    size_t bpp = f->format == OVNI_FORMAT_P010 ? 2 : 1;
    size_t rows[2] = {(size_t)f->height, (size_t)(f->height + 1) / 2};
    size_t bytes[2] = {(size_t)f->width * bpp, (size_t)((f->width + 1) / 2) * 2 * bpp};
    unsigned long long plane[2] = {src, src + (unsigned long long)pitch * nv->ci.ulTargetHeight};
    for (int i = 0; i < 2; i++) {
        CUDA_MEMCPY2D c;
        memset(&c, 0, sizeof(c));
        c.srcMemoryType = CU_MEMORYTYPE_DEVICE;
        c.srcDevice = (CUdeviceptr)plane[i];
        c.srcPitch = pitch;
        if (f->memory == OVNI_MEMORY_DEVICE) {
            c.dstMemoryType = CU_MEMORYTYPE_DEVICE;
            c.dstDevice = (CUdeviceptr)(uintptr_t)f->data[i];
        } else {
            c.dstMemoryType = CU_MEMORYTYPE_HOST;
            c.dstHost = f->data[i];
        }
        c.dstPitch = f->pitch[i];
        c.WidthInBytes = bytes[i];
        c.Height = rows[i];
        CU_CHECK(nv->dev, cuMemcpy2DAsync(&c, nv->stream), nv->p.path);
    }
    /* The surface is unmapped right after: the copies must be done. */
    CU_CHECK(nv->dev, cuStreamSynchronize(nv->stream), nv->p.path);
    return 0;
}

static int CUDAAPI on_display(void *opaque, CUVIDPARSERDISPINFO *di)
{
    nv_decoder *nv = opaque;
    if (!di || nv->err || nv->stopped || nv->discard || !nv->dec) return 1;
    if (nv->ndropped && nv->have_pts && take_dropped(nv, di->timestamp)) return 1;
    if (nv->cv->cuvidGetDecodeStatus) {
        CUVIDGETDECODESTATUS st;
        memset(&st, 0, sizeof(st));
        if (nv->cv->cuvidGetDecodeStatus(nv->dec, di->picture_index, &st) == CUDA_SUCCESS &&
            (st.decodeStatus == cuvidDecodeStatus_Error || st.decodeStatus == cuvidDecodeStatus_Error_Concealed))
            nv->pub.corrupt++;
    }
    ovni_frame *f = NULL;
    int ret = ovni_frame_new(nv->dev, nv->format, nv->width, nv->height, nv->p.memory, &f);
    if (ret == 0) ret = frame_host_sync(f); /* a recycled host buffer may still be read by a download */
    if (ret < 0) {
        ovni_frame_unref(&f);
        nv->err = ret;
        return 1;
    }
    CUVIDPROCPARAMS pp;
    memset(&pp, 0, sizeof(pp));
    pp.progressive_frame = di->progressive_frame;
    pp.top_field_first = di->top_field_first;
    pp.unpaired_field = di->repeat_first_field < 0;
    pp.output_stream = nv->stream;
    unsigned long long src = 0;
    unsigned pitch = 0;
    CUresult r = CUDA_SUCCESS;
    if (f->memory == OVNI_MEMORY_DEVICE) {
        /* A recycled device buffer may still be read by work the caller
         * queued on the device's stream: the copy waits for it on the GPU. */
        r = nv->dev->cu->cuEventRecord(nv->fence, nv->dev->stream);
        if (r == CUDA_SUCCESS) r = nv->dev->x.cuStreamWaitEvent(nv->stream, nv->fence, 0);
        if (r != CUDA_SUCCESS) {
            ovni_frame_unref(&f);
            nv->err = gpu_fail(nv->dev, r, "cuStreamWaitEvent", nv->p.path);
            return 1;
        }
    }
    r = nv->cv->cuvidMapVideoFrame(nv->dec, di->picture_index, &src, &pitch, &pp);
    if (r != CUDA_SUCCESS) {
        ovni_frame_unref(&f);
        nv->err = gpu_fail(nv->dev, r, "cuvidMapVideoFrame", nv->p.path);
        return 1;
    }
    ret = copy_surface(nv, f, src, pitch);
    r = nv->cv->cuvidUnmapVideoFrame(nv->dec, src);
    if (ret == 0 && r != CUDA_SUCCESS) ret = gpu_fail(nv->dev, r, "cuvidUnmapVideoFrame", nv->p.path);
    if (ret < 0) {
        ovni_frame_unref(&f);
        nv->err = ret;
        return 1;
    }
    f->pts = nv->have_pts ? av_rescale_q(di->timestamp, NV_CLOCK, nv->p.st->time_base) : AV_NOPTS_VALUE;
    f->time_base = (ovni_rational){nv->p.st->time_base.num, nv->p.st->time_base.den};
    f->matrix = nv->p.matrix;
    f->range = nv->p.range;
    f->chroma_loc = nv->p.chroma_loc;
    /* NVDEC's top_field_first only where the witness names no order
     * (field_witness.h says why) */
    const ovni_field_order witnessed = nv->have_pts ? field_witness_take(nv->fields, di->timestamp)
                                                    : OVNI_FIELD_PROGRESSIVE;
    f->field_order = di->progressive_frame                    ? OVNI_FIELD_PROGRESSIVE
                     : witnessed != OVNI_FIELD_PROGRESSIVE ? witnessed
                     : di->top_field_first                 ? OVNI_FIELD_TT
                                                           : OVNI_FIELD_BB;
    /* emit may block on the reader's queue: nothing is mapped now. */
    ret = nv->p.emit(nv->p.emit_ctx, f);
    if (ret == DECODE_STOP) nv->stopped = 1;
    else if (ret < 0) nv->err = ret;
    return 1;
}

/* One buffer into the parser, with the context current. */
static int parse(nv_decoder *nv, const uint8_t *data, int size, int64_t pts, unsigned flags)
{
    CUVIDSOURCEDATAPACKET cp;
    memset(&cp, 0, sizeof(cp));
    cp.payload = data;
    cp.payload_size = (tcu_ulong)(size > 0 ? size : 0);
    cp.flags = flags;
    if (pts != AV_NOPTS_VALUE) {
        cp.flags |= CUVID_PKT_TIMESTAMP;
        cp.timestamp = av_rescale_q(pts, nv->p.st->time_base, NV_CLOCK);
        nv->have_pts = 1;
    }
    int ret = gpu_enter(nv->dev);
    if (ret < 0) return ret;
    CUresult r = nv->cv->cuvidParseVideoData(nv->parser, &cp);
    gpu_leave(nv->dev);
    if (nv->err) return nv->err;
    if (nv->stopped) return DECODE_STOP;
    if (r != CUDA_SUCCESS) nv->pub.corrupt++; /* a packet the parser rejected */
    return 0;
}

static int nv_decode(decoder *d, const AVPacket *pkt)
{
    nv_decoder *nv = (nv_decoder *)d;
    if (nv->err) return nv->err;
    if (!pkt) return parse(nv, NULL, 0, AV_NOPTS_VALUE, CUVID_PKT_ENDOFSTREAM);
    if ((pkt->flags & AV_PKT_FLAG_DISCARD) && pkt->pts != AV_NOPTS_VALUE)
        remember_dropped(nv, av_rescale_q(pkt->pts, nv->p.st->time_base, NV_CLOCK));
    if (nv->fields && pkt->pts != AV_NOPTS_VALUE)
        field_witness_packet(nv->fields, pkt, av_rescale_q(pkt->pts, nv->p.st->time_base, NV_CLOCK));
    if (!nv->bsf) return parse(nv, pkt->data, pkt->size, pkt->pts, 0);
    int r = av_packet_ref(nv->tmp, pkt);
    if (r < 0) return ovni_error(OVNI_ENOMEM, "%s: out of memory", nv->p.path);
    if ((r = av_bsf_send_packet(nv->bsf, nv->tmp)) < 0) {
        av_packet_unref(nv->tmp);
        nv->pub.corrupt++;
        return 0;
    }
    while ((r = av_bsf_receive_packet(nv->bsf, nv->tmp)) == 0) {
        int ret = parse(nv, nv->tmp->data, nv->tmp->size, nv->tmp->pts, 0);
        av_packet_unref(nv->tmp);
        if (ret < 0) return ret;
    }
    if (r != AVERROR(EAGAIN) && r != AVERROR_EOF) nv->pub.corrupt++;
    return 0;
}

static void destroy_parser(nv_decoder *nv)
{
    if (!nv->parser) return;
    nv->discard = 1; /* pictures still queued in the parser are not wanted */
    nv->cv->cuvidDestroyVideoParser(nv->parser);
    nv->parser = NULL;
    nv->discard = 0;
}

static int create_parser(nv_decoder *nv)
{
    CUVIDPARSERPARAMS pp;
    memset(&pp, 0, sizeof(pp));
    pp.CodecType = nv->codec;
    pp.ulMaxNumDecodeSurfaces = 1; /* the sequence callback's return value sets it */
    pp.ulClockRate = (unsigned)NV_CLOCK.den;
    pp.ulMaxDisplayDelay = NV_DISPLAY_DELAY;
    pp.pUserData = nv;
    pp.pfnSequenceCallback = on_sequence;
    pp.pfnDecodePicture = on_decode;
    pp.pfnDisplayPicture = on_display;
    pp.pExtVideoInfo = nv->have_ext ? &nv->ext : NULL;
    CUresult r = nv->cv->cuvidCreateVideoParser(&nv->parser, &pp);
    if (r != CUDA_SUCCESS) {
        nv->parser = NULL;
        return gpu_fail(nv->dev, r, "cuvidCreateVideoParser", nv->p.path);
    }
    /* The container's sequence header first, as FFmpeg's cuviddec does. */
    if (nv->have_ext) return parse(nv, nv->ext.raw_seqhdr_data, (int)nv->ext.format.seqhdr_data_length,
                                   AV_NOPTS_VALUE, 0);
    return 0;
}

static int nv_flush(decoder *d)
{
    nv_decoder *nv = (nv_decoder *)d;
    int ret = gpu_enter(nv->dev);
    if (ret < 0) return ret;
    destroy_parser(nv);
    gpu_leave(nv->dev);
    if (nv->bsf) av_bsf_flush(nv->bsf);
    nv->err = 0;
    nv->stopped = 0;
    nv->ndropped = 0;
    field_witness_reset(nv->fields);
    return create_parser(nv);
}

static void nv_close(decoder *d)
{
    nv_decoder *nv = (nv_decoder *)d;
    if (!nv) return;
    if (gpu_enter(nv->dev) == 0) {
        destroy_parser(nv);
        if (nv->dec) nv->cv->cuvidDestroyDecoder(nv->dec);
        if (nv->lock) nv->cv->cuvidCtxLockDestroy(nv->lock);
        if (nv->fence) nv->dev->cu->cuEventDestroy(nv->fence);
        if (nv->stream) nv->dev->cu->cuStreamDestroy(nv->stream);
        gpu_leave(nv->dev);
    }
    av_bsf_free(&nv->bsf);
    av_packet_free(&nv->tmp);
    field_witness_close(&nv->fields);
    free(nv);
}

/* H.264/HEVC in MP4/MKV are length-prefixed (avcC/hvcC extradata, whose
 * first byte is 1); the parser wants Annex-B start codes. */
static int open_bsf(nv_decoder *nv)
{
    const AVCodecParameters *par = nv->p.st->codecpar;
    const char *name = par->codec_id == AV_CODEC_ID_H264   ? "h264_mp4toannexb"
                       : par->codec_id == AV_CODEC_ID_HEVC ? "hevc_mp4toannexb"
                                                           : NULL;
    if (!name || par->extradata_size < 7 || par->extradata[0] != 1) return 0;
    const AVBitStreamFilter *f = av_bsf_get_by_name(name);
    if (!f) return ovni_error(OVNI_EUNSUPPORTED, "%s: this FFmpeg lacks the %s bitstream filter", nv->p.path, name);
    int r = av_bsf_alloc(f, &nv->bsf);
    if (r >= 0) r = avcodec_parameters_copy(nv->bsf->par_in, par);
    if (r >= 0) {
        nv->bsf->time_base_in = nv->p.st->time_base;
        r = av_bsf_init(nv->bsf);
    }
    if (r < 0) return ovni_error(OVNI_EFORMAT, "%s: %s refused the stream's headers", nv->p.path, name);
    return 0;
}

/* The sequence header the parser gets before the first packet. VP9's
 * extradata (vpcC) is not bitstream, so it is left out. */
static void set_ext(nv_decoder *nv)
{
    const AVCodecParameters *par = nv->bsf ? nv->bsf->par_out : nv->p.st->codecpar;
    const uint8_t *x = par->extradata;
    int n = par->extradata_size;
    if (nv->codec == cudaVideoCodec_VP9 || !x || n <= 0) return;
    if (nv->codec == cudaVideoCodec_AV1 && n > 4 && (x[0] & 0x80)) { /* av1C: 4-byte header, then OBUs */
        x += 4;
        n -= 4;
    }
    if ((size_t)n > sizeof(nv->ext.raw_seqhdr_data)) return;
    memcpy(nv->ext.raw_seqhdr_data, x, (size_t)n);
    nv->ext.format.seqhdr_data_length = (unsigned)n;
    nv->have_ext = 1;
}

int decoder_nvdec_open(decoder **out, const decode_params *p)
{
    *out = NULL;
    const AVCodecParameters *par = p->st->codecpar;
    ovni_device *dev = p->dev;
    if (!dev->is_gpu || !dev->cuvid)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: no NVDEC on this device (libnvcuvid.so.1 not loaded)", p->path);
    cudaVideoCodec codec = nv_codec(par->codec_id);
    if (codec == cudaVideoCodec_NumCodecs)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: ovni decodes %s on the CPU (NVDEC: h264, hevc, vp9, av1)", p->path,
                          avcodec_get_name(par->codec_id));
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get((enum AVPixelFormat)par->format);
    int depth = decode_stream_bit_depth(par);
    if (desc && (desc->log2_chroma_w != 1 || desc->log2_chroma_h != 1 || (desc->flags & AV_PIX_FMT_FLAG_RGB)))
        return ovni_error(OVNI_EUNSUPPORTED, "%s: %s is not 4:2:0 (%s): NVDEC output is 4:2:0 only", p->path,
                          avcodec_get_name(par->codec_id), desc->name);
    if (depth > 10)
        return ovni_error(OVNI_EUNSUPPORTED, "%s: %d-bit video: ovni's NVDEC path takes 8 and 10 bits", p->path, depth);
    /* NVDEC's H.264 profiles are Baseline, Main and High (High 10 where its
     * caps say so). High 4:4:4 Predictive (x264's lossless, even in 4:2:0)
     * passes the chroma and depth checks above, and NVDEC does not decode its
     * transform-bypass blocks as the standard says: such streams go to the
     * CPU decoder. */
    int h264_profile = par->profile & 0xff; /* without the constraint flags */
    if (par->codec_id == AV_CODEC_ID_H264 && par->profile != FF_PROFILE_UNKNOWN &&
        h264_profile != FF_PROFILE_H264_BASELINE && h264_profile != FF_PROFILE_H264_MAIN &&
        h264_profile != FF_PROFILE_H264_EXTENDED && h264_profile != FF_PROFILE_H264_HIGH &&
        h264_profile != FF_PROFILE_H264_HIGH_10) { /* High 10: the caps check below decides */
        const char *pname = avcodec_profile_name(par->codec_id, par->profile);
        return ovni_error(OVNI_EUNSUPPORTED, "%s: H.264 profile %s (%d): NVDEC decodes Baseline, Main and High",
                          p->path, pname ? pname : "?", par->profile);
    }
    nv_decoder *nv = ovni_calloc(1, sizeof(*nv));
    if (!nv) return ovni_error(OVNI_ENOMEM, "%s: out of memory", p->path);
    nv->p = *p;
    nv->dev = dev;
    nv->cv = dev->cuvid;
    nv->codec = codec;
    nv->pub.name = "nvdec";
    nv->pub.decode = nv_decode;
    nv->pub.flush = nv_flush;
    nv->pub.close = nv_close;
    int ret = check_caps(nv, depth, par->width, par->height);
    if (ret == 0 && !(nv->tmp = av_packet_alloc())) ret = ovni_error(OVNI_ENOMEM, "%s: out of memory", p->path);
    if (ret == 0) ret = open_bsf(nv);
    if (ret == 0) ret = field_witness_open(&nv->fields, p->st);
    if (ret == 0) {
        set_ext(nv);
        if ((ret = gpu_enter(dev)) == 0) {
            CUresult r = nv->cv->cuvidCtxLockCreate(&nv->lock, dev->ctx);
            if (r != CUDA_SUCCESS) {
                nv->lock = NULL;
                ret = gpu_fail(dev, r, "cuvidCtxLockCreate", p->path);
            } else if ((r = dev->cu->cuStreamCreate(&nv->stream, CU_STREAM_NON_BLOCKING)) != CUDA_SUCCESS) {
                nv->stream = NULL;
                ret = gpu_fail(dev, r, "cuStreamCreate", p->path);
            } else if ((r = dev->cu->cuEventCreate(&nv->fence, CU_EVENT_DISABLE_TIMING | CU_EVENT_BLOCKING_SYNC)) != CUDA_SUCCESS) {
                nv->fence = NULL;
                ret = gpu_fail(dev, r, "cuEventCreate", p->path);
            }
            gpu_leave(dev);
        }
    }
    if (ret == 0) ret = create_parser(nv);
    if (ret < 0) {
        nv_close(&nv->pub);
        return ret;
    }
    *out = &nv->pub;
    return 0;
}
