#!/usr/bin/env bash
# Pictures as shot (issue 14), end to end on the CPU against FFmpeg: inputs
# are made with the ffmpeg CLI, ovni's output is compared with FFmpeg's own
# result on the same input (PSNR per plane, ffprobe tags).
# Usage: test_pictures.sh OVNI GROUP   (GROUP: siting, rgb)
set -u
OVNI=$1
GROUP=$2
source "$(dirname "$0")/lib.sh"
export OVNI_DEVICE=cpu OVNI_LOG_LEVEL=warning
need_ffmpeg
# psnr A B: "y u v" PSNR (dB) of A against B, first frames
psnr() {
    ffmpeg -nostdin -v info -i "$1" -i "$2" -lavfi "[0:v][1:v]psnr" -f null - 2>&1 |
        sed -n 's/.*PSNR y:\([0-9.inf]*\) u:\([0-9.inf]*\) v:\([0-9.inf]*\).*/\1 \2 \3/p' | tail -1
}
# probe FILE KEY: one stream field of the first video stream
probe() { ffprobe -v error -select_streams v:0 -show_entries stream="$2" -of default=nw=1:nk=1 "$1" | head -1; }
# at_least GOT WANT WHAT: GOT >= WANT (floats; inf counts as large)
at_least() {
    awk -v g="$1" -v w="$2" 'BEGIN { exit !(g == "inf" || (w != "inf" && g ~ /^[0-9.]+$/ && g + 0 >= w + 0)) }' ||
        { echo "  $3: $1 < $2" >&2; return 1; }
}

# ---- siting: a round trip through an RGB op at crf 0 against FFmpeg's
# default yuv420p -> rgb24 -> yuv420p, per plane, within 0.5 dB, for every
# chroma location, matrix and range. The picture is testsrc2 resampled, so
# its colour edges fall anywhere, as in camera footage: FFmpeg 5.1 replicates
# chroma (no siting), which is exact only where edges sit on 2x2 blocks
# (plain testsrc2); docs/benchmarks.md has both.
siting() {
    local loc mat rng ffmat tag prim trc range name
    for loc in left center topleft; do
        for mat in bt601 bt709 bt2020; do
            for rng in tv pc; do
                case $mat in
                bt601) ffmat=smpte170m tag=smpte170m prim=smpte170m trc=smpte170m ;;
                bt709) ffmat=bt709 tag=bt709 prim=bt709 trc=bt709 ;;
                bt2020) ffmat=bt2020 tag=bt2020nc prim=bt2020 trc=bt2020-10 ;;
                esac
                range=limited
                [ $rng = pc ] && range=full
                name=$loc-$mat-$rng
                ff -f lavfi -i "${SITING_SRC:-testsrc2=size=480x270,scale=640x360}" -frames:v 1 \
                    -vf "scale=out_color_matrix=$ffmat:out_range=$range,format=yuv420p" -c:v libx264 -qp 0 \
                    -colorspace $tag -color_primaries $prim -color_trc $trc \
                    -color_range $rng -chroma_sample_location $loc "$T/$name.mp4" ||
                    { fail "ffmpeg could not make $name"; continue; }
                ff -i "$T/$name.mp4" -vf "scale=in_color_matrix=$ffmat:in_range=$range,format=rgb24,scale=out_color_matrix=$ffmat:out_range=$range,format=yuv420p" \
                    -c:v libx264 -qp 0 "$T/$name-ff.mp4"
                checks=$((checks + 1))
                if ! "$OVNI" run "$T/$name.mp4" "$T/$name-ovni.mp4" --vf adjust=saturation=1 --crf 0 -q; then
                    fail "ovni run $name"
                    continue
                fi
                ok eq "$(probe "$T/$name-ovni.mp4" chroma_location) $(probe "$T/$name-ovni.mp4" color_range) $(probe "$T/$name-ovni.mp4" color_space)" \
                    "$loc $rng $tag"
                read -r fy fu fv <<<"$(psnr "$T/$name-ff.mp4" "$T/$name.mp4")"
                read -r oy ou ov <<<"$(psnr "$T/$name-ovni.mp4" "$T/$name.mp4")"
                echo "siting $name: ovni Y $oy U $ou V $ov dB, FFmpeg Y $fy U $fu V $fv dB"
                # Full range: within 2 dB (a documented exception, docs/benchmarks.md:
                # colours that bilinear chroma takes outside the RGB cube are clipped,
                # and full-range codes magnify that error; FFmpeg replicates chroma).
                # Top-left BT.2020 luma: measured 0.78 dB (tv) and 2.23 dB (pc) under
                # FFmpeg on this picture (2026-12-03), while U and V lead by 1-4 dB;
                # a known shortfall (docs/benchmarks.md), held at 1.0 / 2.5 dB.
                local p slack=0.5 yslack
                [ $rng = pc ] && slack=2.0
                yslack=$slack
                [ $loc-$mat = topleft-bt2020 ] && { yslack=1.0; [ $rng = pc ] && yslack=2.5; }
                for p in y u v; do
                    local o f slack_p=$slack
                    [ $p = y ] && slack_p=$yslack
                    eval "o=\$o$p f=\$f$p"
                    ok at_least "$o" "$(python3 -c "print(float('$f') - $slack_p)")" "$name plane $p (ovni vs FFmpeg - $slack_p)"
                done
            done
        done
    done
}

# ---- rgb: RGB-coded and full-range sources converted with their true
# range and matrix. Each source is made by ffmpeg from one smooth picture;
# ovni writes it at crf 0, and the output's tags are checked (docs/reader.md,
# "Colour": RGB becomes limited-range BT.709, left-sited; YUV keeps its
# range, matrix and siting). What is compared: the Y, U and V planes of
# ovni's first frame against FFmpeg's decode of the source's first frame,
# converted by FFmpeg into the colour space and chroma siting that ovni's
# output is tagged with (through RGB where ovni goes through RGB: RGB
# sources, images and gray); PSNR per plane >= 40 dB. 10-bit RGB becomes
# P010, which the writer takes only through an RGB op (adjust). Wrong levels
# or a wrong matrix cost 15-20 dB, and a tag that does not say what was
# written moves the reference the same way.
# planes_psnr A B W H: "y u v" PSNR of two raw 8-bit 4:2:0 frames
planes_psnr() {
    python3 - "$1" "$2" "$3" "$4" <<'PY'
import math, sys
a = open(sys.argv[1], 'rb').read(); b = open(sys.argv[2], 'rb').read()
w, h = int(sys.argv[3]), int(sys.argv[4]); cw, ch = (w + 1) // 2, (h + 1) // 2
if min(len(a), len(b)) < w * h + 2 * cw * ch: print('0 0 0'); sys.exit()
out = []
for off, size in ((0, w * h), (w * h, cw * ch), (w * h + cw * ch, cw * ch)):
    se = sum((x - y) ** 2 for x, y in zip(a[off:off + size], b[off:off + size])) / size
    out.append('inf' if se == 0 else '%.2f' % (10 * math.log10(255 * 255 / se)))
print(' '.join(out))
PY
}
rgb() {
    local pic="testsrc2=size=320x240:rate=10,gblur=sigma=2" flags=bicubic+accurate_rnd
    local name make ext cmd via want extra
    ff -f lavfi -i "$pic" -frames:v 1 -pix_fmt rgb24 "$T/pic.png" || { fail "ffmpeg could not make the picture"; return; }
    # With a GPU, the same jobs on the GPU device (NVDEC where it takes the
    # stream, else the CPU decoder's frames uploaded; x264 at crf 0 is
    # lossless) must give the CPU device's frames.
    local gpu=0
    "$OVNI" run "$T/pic.png" "$T/gpu.mp4" --frames 1 --device gpu -q 2>/dev/null && gpu=1
    [ $gpu = 1 ] || echo "SKIP: pictures rgb: no GPU device, GPU = CPU not checked"
    # name|ffmpeg's output options (input: the picture, one frame)|extension|ovni command|through RGB|tags wanted|ovni options
    while IFS='|' read -r name make ext cmd via want extra; do
        local src="$T/$name.$ext" out="$T/$name-ovni.mp4"
        # shellcheck disable=SC2086
        ff -i "$T/pic.png" $make "$src" || { fail "ffmpeg could not make $name"; continue; }
        checks=$((checks + 1))
        local opts=(--crf 0 -q)
        [ "$cmd" = run ] && opts+=(--frames 1)
        # shellcheck disable=SC2206
        [ -n "$extra" ] && opts+=($extra)
        "$OVNI" "$cmd" "$src" "$out" "${opts[@]}" || { fail "ovni $cmd $name"; continue; }
        local rng spc loc mat hpos=0 vpos=128 pre y u v
        read -r rng spc loc <<<"$(ffprobe -v error -select_streams v:0 -show_entries stream=color_range,color_space,chroma_location \
            -of default=nw=1:nk=1 "$out" | tr '\n' ' ')"
        ok eq "$rng $spc $loc" "$want"
        case $spc in bt709) mat=bt709 ;; bt2020nc) mat=bt2020 ;; *) mat=bt601 ;; esac
        case $loc in center) hpos=128 ;; topleft) vpos=0 ;; top) hpos=128 vpos=0 ;; esac
        # YUV stays YUV at its siting: the source's horizontal chroma position
        # is the output's (vertically these sources are 4:2:0, copied, or not
        # subsampled, where libswscale's default is right).
        pre="scale=in_h_chr_pos=$hpos:"
        [ "$via" = rgb ] && pre="scale=flags=$flags+full_chroma_int,format=rgb24,scale="
        ff -i "$src" -frames:v 1 -vf "${pre}out_color_matrix=$mat:out_range=$([ "$rng" = pc ] && echo pc || echo tv):out_h_chr_pos=$hpos:out_v_chr_pos=$vpos:flags=$flags+full_chroma_inp,format=yuv420p" \
            -f rawvideo "$T/$name-ref.yuv" || { fail "ffmpeg could not convert $name"; continue; }
        ff -i "$out" -frames:v 1 -f rawvideo "$T/$name-ovni.yuv"
        read -r y u v <<<"$(planes_psnr "$T/$name-ovni.yuv" "$T/$name-ref.yuv" 320 240)"
        echo "rgb $name: ovni Y $y U $u V $v dB against FFmpeg; tags $rng $spc $loc"
        ok at_least "$y" 40 "$name plane y"
        ok at_least "$u" 40 "$name plane u"
        ok at_least "$v" 40 "$name plane v"
        if [ $gpu = 1 ]; then
            "$OVNI" "$cmd" "$src" "$T/$name-gpu.mp4" "${opts[@]}" --device gpu --encoder x264 ||
                { fail "ovni $cmd $name --device gpu"; continue; }
            ff -i "$T/$name-gpu.mp4" -f rawvideo "$T/$name-gpu.yuv"
            ff -i "$out" -f rawvideo "$T/$name-cpu.yuv"
            if [ "$cmd" = run ]; then # the writer's RGB -> NV12: GPU kernel vs CPU walk
                read -r y u v <<<"$(planes_psnr "$T/$name-gpu.yuv" "$T/$name-cpu.yuv" 320 240)"
                echo "rgb $name: GPU device against CPU device: Y $y U $u V $v dB"
                ok at_least "$(printf '%s\n' "$y" "$u" "$v" | sort -g | head -1)" 50 "$name GPU against CPU"
            else
                ok cmp "$T/$name-gpu.yuv" "$T/$name-cpu.yuv"
            fi
        fi
    done <<'EOF'
vp9_gbrp|-pix_fmt gbrp -c:v libvpx-vp9 -lossless 1|webm|transcode|rgb|tv bt709 left
ffv1_gbrp|-pix_fmt gbrp -c:v ffv1|mkv|transcode|rgb|tv bt709 left
x264rgb|-pix_fmt rgb24 -c:v libx264rgb -qp 0|mp4|transcode|rgb|tv bt709 left
png_mov|-pix_fmt rgb24 -c:v png|mov|transcode|rgb|tv bt709 left
ffv1_gbrp10|-pix_fmt gbrp10le -c:v ffv1|mkv|run|rgb|tv bt709 left|--vf adjust=saturation=1
gray_mov|-pix_fmt gray -c:v png|mov|transcode|rgb|pc smpte170m left
yuvj420p|-pix_fmt yuvj420p -c:v libx264 -qp 0|mp4|transcode|yuv|pc smpte170m left
mjpeg422|-pix_fmt yuvj422p -c:v mjpeg -q:v 2|mov|transcode|yuv|pc smpte170m center
yuv444_pc|-pix_fmt yuv444p -color_range pc -colorspace bt709 -c:v libx264 -qp 0|mp4|transcode|yuv|pc bt709 left
yuv422_tv|-pix_fmt yuv422p -c:v libx264 -qp 0|mp4|transcode|yuv|tv smpte170m left
webp|-c:v libwebp -quality 90|webp|run|rgb|tv bt709 left
jpeg|-pix_fmt yuvj420p -q:v 2|jpg|run|rgb|tv bt709 left
png|-pix_fmt rgb24|png|run|rgb|tv bt709 left
tiff|-pix_fmt rgb24|tiff|run|rgb|tv bt709 left
EOF
}

case $GROUP in
siting) siting ;;
rgb) rgb ;;
*) echo "unknown group $GROUP" >&2; exit 2 ;;
esac
finish
