#!/usr/bin/env bash
# 10-bit sources with no chain (issue 14), end to end against FFmpeg: HEVC
# (libx265) and VP9 (libvpx) 4:2:0 10-bit clips made here, untagged, BT.709,
# BT.2020 PQ and BT.2020 HLG full range, and an odd size, go through
# `ovni transcode` and `ovni run` (no chain: the decoded P010 frames reach
# the writer) at --crf 0. Each must exit 0, write 8-bit 4:2:0 with the
# source's tags (ffprobe), say so in one info line, and give the frames of
# FFmpeg's `-pix_fmt yuv420p` conversion of the same source (the range
# kept), PSNR >= 45 dB per plane over all frames (the writer reduces depth
# as libswscale does, so it measures inf). With a GPU, the same transcodes
# on the GPU device (NVDEC's P010 frames, the depth kernel, x264) must give
# the CPU's frames byte for byte.
# Usage: test_depth_cli.sh OVNI
set -u
OVNI=$1
export OVNI_DEVICE=cpu OVNI_LOG_LEVEL=warning
source "$(dirname "$0")/lib.sh"
need_ffmpeg
made=0
# the video stream's fields, comma-separated, in ffprobe's order (width,
# height, pix_fmt, color_range, color_space, color_transfer, color_primaries,
# chroma_location)
probe() { ffprobe -v error -select_streams v:0 -show_entries "stream=$2" -of csv=p=0 "$1" | head -1; }
at_least() {
    awk -v g="$1" -v w="$2" 'BEGIN { exit !(g == "inf" || (g ~ /^[0-9.]+$/ && g + 0 >= w + 0)) }' ||
        { echo "  $3: $1 < $2 dB" >&2; return 1; }
}
# planes_psnr A B W H [AW AH]: "y u v" PSNR (dB) of two files' decoded
# frames, all of them, raw in their own 8-bit 4:2:0 layout (B may be such a
# raw file, .yuv), over B's W x H (A may be larger, AW x AH: its top-left
# part); "0 0 0" if the counts differ
planes_psnr() {
    local b="$2"
    ff -i "$1" -f rawvideo "$T/a.yuv" || { echo "0 0 0"; return; }
    if [ "${b%.yuv}" = "$b" ]; then ff -i "$b" -f rawvideo "$T/b.yuv" || { echo "0 0 0"; return; }; b="$T/b.yuv"; fi
    python3 - "$T/a.yuv" "$b" "$3" "$4" "${5:-$3}" "${6:-$4}" <<'PY'
import math, sys
a = open(sys.argv[1], 'rb').read(); b = open(sys.argv[2], 'rb').read()
w, h, aw, ah = (int(v) for v in sys.argv[3:7])
def planes(w, h):
    cw, ch = (w + 1) // 2, (h + 1) // 2
    return ((0, w, h), (w * h, cw, ch), (w * h + cw * ch, cw, ch)), w * h + 2 * cw * ch
pb, sb = planes(w, h); pa, sa = planes(aw, ah)
if not a or len(a) % sa or len(b) % sb or len(a) // sa != len(b) // sb: print('0 0 0'); sys.exit()
se = [0, 0, 0]; n = [0, 0, 0]
for f in range(len(b) // sb):
    for p in range(3):
        (oa, wa, _), (ob, wb, hb) = pa[p], pb[p]
        for y in range(hb):
            ra = a[f * sa + oa + y * wa:f * sa + oa + y * wa + wb]
            rb = b[f * sb + ob + y * wb:f * sb + ob + y * wb + wb]
            se[p] += sum((i - j) ** 2 for i, j in zip(ra, rb)); n[p] += wb
print(' '.join('inf' if e == 0 else '%.2f' % (10 * math.log10(255 * 255 * c / e)) for e, c in zip(se, n)))
PY
}
has_encoder() { ffmpeg -hide_banner -encoders 2>/dev/null | grep -q " $1 "; }

pic="testsrc2=size=320x240:rate=30,gblur=sigma=1.5"
gpu=0
OVNI_DEVICE=auto "$OVNI" info --gpu 2>/dev/null | grep -q "^compute:" && gpu=1
[ $gpu = 1 ] || echo "SKIP: depth_cli: no GPU device: the GPU transcodes (NVDEC P010, the depth kernel) are not checked"

# name|encoder|extension|size|ffmpeg's tag options (input side)|range (tv, pc)
while IFS='|' read -r name enc ext size tags range; do
    [ -n "$name" ] || continue
    if ! has_encoder "$enc"; then
        echo "SKIP: depth_cli: no $enc encoder here: $name not made"
        continue
    fi
    src="$T/$name.$ext"
    eopts=(-c:v "$enc" -pix_fmt yuv420p10le)
    [ "$enc" = libx265 ] && eopts+=(-x265-params log-level=error -crf 18)
    [ "$enc" = libvpx-vp9 ] && eopts+=(-crf 20 -b:v 0 -cpu-used 8 -row-mt 1)
    # shellcheck disable=SC2086
    ff -f lavfi -i "$pic,scale=$size" -frames:v 10 "${eopts[@]}" $tags -color_range "$range" "$src" ||
        { fail "ffmpeg could not make $name"; continue; }
    made=$((made + 1))
    ok eq "$(probe "$src" pix_fmt)" yuv420p10le
    w=${size%x*} h=${size#*x}
    cw=$(( (w + 1) / 2 * 2 )) chh=$(( (h + 1) / 2 * 2 ))
    # FFmpeg's 8-bit conversion of the same decode, the range kept
    ff -i "$src" -vf "scale=out_range=$range,format=yuv420p" -f rawvideo "$T/$name-ff.yuv" ||
        { fail "ffmpeg could not convert $name"; continue; }
    want_fmt=yuv420p
    [ "$range" = pc ] && want_fmt=yuvj420p # FFmpeg's name for full-range yuv420p
    for cmd in transcode run; do
        out="$T/$name-$cmd.mkv"
        checks=$((checks + 1))
        if ! OVNI_LOG_LEVEL=info "$OVNI" "$cmd" "$src" "$out" --crf 0 --progress none 2>"$T/log"; then
            fail "ovni $cmd $name: $(tail -1 "$T/log")"
            continue
        fi
        ok eq "$(grep -c "the frames are 10-bit (p010) and libx264 codes 8 bits: written 8-bit" "$T/log")" 1
        ok eq "$(probe "$out" width,height,pix_fmt)" "$cw,$chh,$want_fmt"
        # every tag the source carries
        local_tags=$(probe "$src" color_range,color_space,color_transfer,color_primaries,chroma_location)
        out_tags=$(probe "$out" color_range,color_space,color_transfer,color_primaries,chroma_location)
        IFS=, read -r -a st <<<"$local_tags"
        IFS=, read -r -a ot <<<"$out_tags"
        for i in 0 1 2 3 4; do
            case ${st[$i]:-unknown} in unknown | unspecified) continue ;; esac
            ok eq "${ot[$i]:-}" "${st[$i]}"
        done
        # the pixels (an odd size: the padded output's top-left part) against FFmpeg's
        read -r y u v <<<"$(planes_psnr "$out" "$T/$name-ff.yuv" "$w" "$h" "$cw" "$chh")"
        echo "depth $name ($cmd): 8-bit output against FFmpeg's -pix_fmt yuv420p: Y $y U $u V $v dB; tags $out_tags"
        for p in "$y" "$u" "$v"; do ok at_least "$p" 45 "$name $cmd"; done
    done
    # through an RGB op (every chain converts to RGB: docs/cli.md): the tags stay too
    if [ "$name" = hevc_pq_bt2020 ]; then
        ok "$OVNI" run "$src" "$T/$name-rgb.mkv" --crf 0 -q --vf adjust=saturation=1
        ok eq "$(probe "$T/$name-rgb.mkv" color_range,color_space,color_transfer,color_primaries)" \
            "tv,bt2020nc,smpte2084,bt2020"
        read -r y u v <<<"$(planes_psnr "$T/$name-rgb.mkv" "$T/$name-ff.yuv" "$w" "$h")"
        echo "depth $name (run --vf adjust, through 8-bit RGB): against FFmpeg's -pix_fmt yuv420p: Y $y U $u V $v dB"
    fi
    if [ $gpu = 1 ]; then
        out="$T/$name-gpu.mkv"
        checks=$((checks + 1))
        if OVNI_DEVICE=gpu OVNI_LOG_LEVEL=info "$OVNI" transcode "$src" "$out" --crf 0 --encoder x264 --progress none \
            2>"$T/log"; then
            ok eq "$(grep -c "decoding on the CPU" "$T/log")" 0
            ok eq "$(probe "$out" color_range,color_space,color_transfer,color_primaries,chroma_location)" \
                "$(probe "$T/$name-transcode.mkv" color_range,color_space,color_transfer,color_primaries,chroma_location)"
            read -r y u v <<<"$(planes_psnr "$out" "$T/$name-transcode.mkv" "$cw" "$chh")"
            echo "depth $name (GPU transcode, NVDEC + depth kernel): against the CPU's: Y $y U $u V $v dB"
            for p in "$y" "$u" "$v"; do ok eq "$p" inf; done
        else
            fail "ovni transcode $name on the GPU: $(tail -1 "$T/log")"
        fi
    fi
done <<'EOF'
hevc_untagged|libx265|mp4|320x240||tv
hevc_bt709|libx265|mkv|320x240|-colorspace bt709 -color_primaries bt709 -color_trc bt709|tv
hevc_pq_bt2020|libx265|mp4|320x240|-colorspace bt2020nc -color_primaries bt2020 -color_trc smpte2084|tv
vp9_bt709|libvpx-vp9|webm|320x240|-colorspace bt709 -color_primaries bt709 -color_trc bt709|tv
vp9_hlg_bt2020_full|libvpx-vp9|mkv|320x240|-colorspace bt2020nc -color_primaries bt2020 -color_trc arib-std-b67|pc
vp9_odd|libvpx-vp9|webm|321x241|-colorspace bt709 -color_primaries bt709 -color_trc bt709|tv
EOF

[ $made -gt 0 ] || { echo "depth_cli: SKIP (no 10-bit source could be made: no libx265, no libvpx-vp9)"; exit 77; }
finish "depth_cli ($made sources)"
