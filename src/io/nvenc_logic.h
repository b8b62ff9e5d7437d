/* Internal: the parts of the NVENC encoder that need no GPU, as pure
 * functions over ffnvcodec's structs, so the CPU tests in CI prove them
 * (tests/test_nvenc_logic.c). encode_nvenc.c calls them; what only a run on
 * an NVENC GPU can prove is listed in docs/writer.md. */
#ifndef OVNI_IO_NVENC_LOGIC_H
#define OVNI_IO_NVENC_LOGIC_H

#include <stddef.h>
#include <stdint.h>

#include <ffnvcodec/nvEncodeAPI.h>

#include "ovni/writer.h"

/* Most input/output slots a session uses (frameIntervalP <= 17, lookahead <= 31). */
#define NVENC_MAX_SLOTS 64

/* The ring of input surfaces and bitstream buffers: frameIntervalP +
 * lookaheadDepth (when lookahead is on) + 3, as NVIDIA's NvEncoder sizes it.
 * NVENC holds up to frameIntervalP + lookaheadDepth inputs before it returns
 * the first output; the other slots keep frames in flight. */
int nvenc_ring_size(const NV_ENC_CONFIG *cfg);

/* Outputs to lock after a submission: all of them at the end of the stream,
 * otherwise the oldest beyond ring - 1 pending (the rest stay in flight). */
int nvenc_outputs_due(int pending, int ring, int eos);

/* Decode timestamps. NVENC returns each packet's pts; the dts of the k-th
 * packet (decode order) is the k-th smallest input pts shifted by the
 * reorder delay: dts[k] = pts[k - reorder] (inputs in presentation order),
 * and pts[0] - (reorder - k) * frame_ticks for the first `reorder` packets.
 * So dts <= pts and dts strictly increase, with constant or variable frame
 * rates, as long as input pts strictly increase (the writer checks). */
#define NVENC_DTS_CAP 128
typedef struct nvenc_dts {
    int64_t pts[NVENC_DTS_CAP];  /* input pts not yet used as a dts, oldest first (ring) */
    int head, n;
    int reorder;
    int64_t frame_ticks;
    int64_t first;               /* first input pts */
    int64_t inputs, outputs;
} nvenc_dts;

void nvenc_dts_init(nvenc_dts *q, int reorder, int64_t frame_ticks);
/* An input pts, in submission order. -1 when the queue is full. */
int nvenc_dts_push(nvenc_dts *q, int64_t pts);
/* The next output packet's dts. -1 when there are more outputs than inputs. */
int nvenc_dts_next(nvenc_dts *q, int64_t *dts);

/* AVPacket flags for an output picture: key only for IDR (a non-IDR I frame
 * is not a random-access point: later pictures may refer across it). */
int nvenc_packet_flags(NV_ENC_PIC_TYPE type);

/* Parameter sets: out of band (extradata) only when the container has a
 * global header (mp4, mov, mkv): then never in the stream (disableSPSPPS,
 * as hvc1's array_completeness = 1 declares); in the stream at every IDR
 * otherwise (mpegts). */
void nvenc_set_param_sets(NV_ENC_CONFIG *cfg, int hevc, int global_header);

/* Rate control fields per mode (ovni_rate_control), over the preset's:
 * CQP: constQP; VBR: average and max bitrate; CBR: average = max; DEFAULT and
 * CRF: VBR at constant quality (targetQuality, no average bitrate, and no VBV
 * buffer, as FFmpeg does), capped by max_bitrate when set. */
void nvenc_set_rate_control(const ovni_writer_settings *s, NV_ENC_RC_PARAMS *rc);

/* What the GPU's NVENC says it can do for one codec (NV_ENC_CAPS_*). */
typedef struct nvenc_caps {
    int width_min, height_min;   /* 0: no minimum reported */
    int width_max, height_max;
    int max_bframes;             /* NV_ENC_CAPS_NUM_MAX_BFRAMES */
    int lookahead;               /* NV_ENC_CAPS_SUPPORT_LOOKAHEAD */
    int ten_bit;                 /* NV_ENC_CAPS_SUPPORT_10BIT_ENCODE */
} nvenc_caps;

/* Fits the preset's config to the settings and the caps: GOP and IDR period,
 * B-frames (settings.bframes, or the preset's clamped to the caps, and never
 * more than the GOP holds), lookahead kept only where supported (depth within
 * 31 - B-frames), rate control, parameter sets, 4:2:0 at bit_depth, and the
 * struct version reset after the preset call. Returns 0, or
 * OVNI_EUNSUPPORTED with `msg` naming the limit hit (size, B-frames, bit
 * depth). */
int nvenc_configure(NV_ENC_CONFIG *cfg, const ovni_writer_settings *s, const nvenc_caps *caps, int bit_depth,
                    int global_header, char *msg, size_t msg_size);

/* The driver's highest API version (NvEncodeAPIGetMaxSupportedVersion:
 * major << 4 | minor) against the headers'. Returns 0, or OVNI_EUNSUPPORTED
 * with `msg` naming both versions. */
int nvenc_check_api_version(uint32_t driver_max, char *msg, size_t msg_size);

/* A status name with a hint where one helps (`call` is the failing call). */
const char *nvenc_status_text(NVENCSTATUS s, const char *call);

#endif
