#!/usr/bin/env bash
# Geometry metadata (issue 14 item 3) end to end on the CPU, against FFmpeg
# on inputs made here with the ffmpeg program:
# - display matrix: rotate=90/180/270 tags and the four mirrored matrices
#   (2, 4, 5, 7; the tkhd patched by orient_tag.py): `transcode` writes the
#   frames upright, equal byte for byte to FFmpeg's autorotated decode (x264
#   lossless), the upright size, no matrix; --no-autorotate keeps the stored
#   pixels and writes the matrix, so FFmpeg's autorotated decode of the
#   output equals that of the input; `info` gives the orientation; on a
#   GPU (where there is one) the same turns through NVDEC and the kernel;
# - EXIF orientations 1..8 on a JPEG: the output's size is FFmpeg's
#   autorotated one, its luma equals the upright (orientation 1) output
#   turned by FFmpeg exactly and FFmpeg's autorotated picture at >= 40 dB;
#   --no-autorotate writes the display matrix instead (same luma once FFmpeg
#   turns it);
# - SAR 16:15 (mp4) and 4:3 (mkv): kept and written (ffprobe's SAR and DAR),
#   frames unchanged; --square-pixels: 192x144 / 320x180 at 1:1, each plane
#   >= 40 dB against FFmpeg's scale=iw*sar:ih,setsar=1;
# - interlaced tt and bb: the output keeps the field order (Matroska's
#   field_order, each frame's interlaced and top_field_first flags), the
#   frames within 40 dB (x264 lossless is exact for tff, 80+ dB for bff in
#   FFmpeg too), one warning; after --vf deinterlace: progressive;
# - `info`: colour names, SAR and shown size, field order, rotation.
# Usage: test_geometry_meta.sh OVNI. Without ffmpeg/ffprobe: SKIP (77).
set -u
OVNI=$1
HERE=$(cd "$(dirname "$0")" && pwd)
export OVNI_DEVICE=cpu OVNI_LOG_LEVEL=warning
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null ||
    { echo "geometry_meta: SKIP (no ffmpeg/ffprobe program)"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 checks=0
ok() { checks=$((checks + 1)); if ! "$@"; then fails=$((fails + 1)); echo "FAIL: $*" >&2; fi; }
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
probe() { ffprobe -v error -select_streams v:0 -show_entries "$2" -of csv=p=0 "$1" | head -1 | sed 's/,*$//'; }
# the distinct values of per-frame fields $2, one string
frame_flags() { ffprobe -v error -show_entries "frame=$2" -of csv=p=0 "$1" | sed 's/,*$//' | grep . | sort -u | tr '\n' ' '; }
# the md5 of every decoded frame (FFmpeg autorotates: its default), one a line; $2: extra filter
frames() { ffmpeg -nostdin -v error -i "$1" ${2:+-vf "$2"} -f framemd5 - | awk '!/^#/ { print $NF }'; }
eq() { [ "$1" = "$2" ] || { echo "  expected [$2], got [$1]" >&2; return 1; }; }
same() { [ -n "$1" ] && [ "$1" = "$2" ] || { echo "  frames differ ($3)" >&2; return 1; }; }
# lowest per-plane PSNR of $1 against $2 through filter $3 on $2 (and $4 on $1); 0 if none
psnr_min() {
    ffmpeg -nostdin -hide_banner -i "$1" -i "$2" -lavfi "[0]${4:-null}[a];[1]$3[r];[a][r]psnr=shortest=1" -f null - 2>&1 |
        awk '/PSNR/ { for (i = 1; i <= NF; i++) if ($i ~ /^[yuv]:/) { v = substr($i, 3); v = v == "inf" ? 999 : v + 0;
                      if (m == "" || v < m) m = v } } END { print m == "" ? 0 : m }'
}
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }' || { echo "  $3: $1 < $2 dB" >&2; return 1; }; }
json() { "$OVNI" info --json "$1" | python3 -c "import json,sys; d=json.load(sys.stdin)['video']; print(eval(sys.argv[1]))" "$2"; }

# ---- display matrix ----
ff -f lavfi -i testsrc2=s=160x96:r=10 -frames:v 3 -c:v libx264 -qp 0 -pix_fmt yuv420p \
    -colorspace bt709 -color_primaries bt709 -color_trc bt709 "$T/base.mp4" ||
    { echo "geometry_meta: could not make the clips" >&2; exit 1; }
for r in 90 180 270; do ff -i "$T/base.mp4" -c copy -metadata:s:v rotate=$r "$T/rot$r.mp4"; done
for n in 2 4 5 7; do python3 "$HERE/orient_tag.py" mp4 "$T/base.mp4" $n "$T/mat$n.mp4"; done
# file, its orientation (the matrix's: rotate=90 in FFmpeg 5.1 is a counter-clockwise turn), its turn clockwise
for c in "rot90 8 270" "rot180 3 180" "rot270 6 90" "mat2 2 180" "mat4 4 0" "mat5 5 90" "mat7 7 270"; do
    set -- $c
    name=$1 orient=$2 cw=$3 in="$T/$1.mp4" wh=160,96
    [ "$orient" -ge 5 ] && wh=96,160
    ok eq "$(json "$in" "d['orientation'], d['rotation'], d['display_width'], d['display_height']")" \
        "($orient, $cw, ${wh%,*}, ${wh#*,})"
    ok "$OVNI" transcode "$in" "$T/up_$name.mp4" --crf 0 -q
    ok eq "$(probe "$T/up_$name.mp4" stream=width,height)" "$wh"
    ok eq "$(probe "$T/up_$name.mp4" stream_side_data=rotation)" ""
    ok same "$(frames "$T/up_$name.mp4")" "$(frames "$in")" "$name upright against FFmpeg's autorotation"
    ok "$OVNI" transcode "$in" "$T/keep_$name.mp4" --crf 0 -q --no-autorotate
    ok eq "$(probe "$T/keep_$name.mp4" stream=width,height)" "160,96"
    ok eq "$(json "$T/keep_$name.mp4" "d['orientation']")" "$orient"
    ok same "$(frames "$T/keep_$name.mp4")" "$(frames "$in")" "$name kept with its matrix, as FFmpeg shows it"
done
# the same turns on a GPU where there is one (scripts/gpu-check.sh runs this
# test there). The clips above are lossless H.264 (High 4:4:4 Predictive),
# which NVDEC cannot decode: the GPU reader takes them on the CPU and the
# orient kernel turns the uploaded frames. The same turns of a High-profile
# clip check NVDEC's device frames turned by the orient kernel.
if OVNI_DEVICE=auto "$OVNI" info --gpu 2>/dev/null | grep -q "^compute:"; then
    ff -f lavfi -i testsrc2=s=160x96:r=10 -frames:v 3 -c:v libx264 -qp 10 -profile:v high -pix_fmt yuv420p \
        "$T/hp.mp4" || { echo "geometry_meta: could not make the High-profile clip" >&2; exit 1; }
    for r in 90 180 270; do ff -i "$T/hp.mp4" -c copy -metadata:s:v rotate=$r "$T/hp_rot$r.mp4"; done
    for n in 2 4 5 7; do python3 "$HERE/orient_tag.py" mp4 "$T/hp.mp4" $n "$T/hp_mat$n.mp4"; done
    for name in rot90 rot180 rot270 mat2 mat4 mat5 mat7 hp_rot90 hp_rot180 hp_rot270 hp_mat2 hp_mat4 hp_mat5 hp_mat7; do
        ok env OVNI_DEVICE=gpu "$OVNI" transcode "$T/$name.mp4" "$T/gpu_$name.mp4" --crf 0 -q
        ok same "$(frames "$T/gpu_$name.mp4")" "$(frames "$T/$name.mp4")" "$name upright on the GPU"
    done
    # Interlaced High-profile H.264 (MBAFF, which NVDEC decodes; the lossless
    # clips below go to the CPU), top and bottom field first: NVDEC's frames
    # carry the CPU decoder's field order, so the GPU's transcode (x264, which
    # codes each frame's own order) has the CPU's stream tag, frame flags
    # and pictures.
    for fo in tt bb; do
        top=1 scan=tff
        [ $fo = bb ] && top=0 scan=bff
        ff -f lavfi -i testsrc2=s=320x240:r=50 -vf "interlace=scan=$scan:lowpass=off" -frames:v 8 -c:v libx264 \
            -qp 10 -profile:v high -pix_fmt yuv420p -flags +ildct+ilme -x264opts $scan=1 -top $top "$T/hpi_$fo.mp4" ||
            { echo "geometry_meta: could not make the interlaced High-profile clip" >&2; exit 1; }
        ok "$OVNI" transcode "$T/hpi_$fo.mp4" "$T/cpu_hpi_$fo.mkv" --crf 0 -q --encoder x264
        OVNI_DEVICE=gpu OVNI_LOG_LEVEL=info "$OVNI" transcode "$T/hpi_$fo.mp4" "$T/gpu_hpi_$fo.mkv" --crf 0 \
            --encoder x264 --progress none 2>"$T/log_gpu_$fo"
        ok eq $? 0
        ok eq "$(grep -c "decoding on the CPU" "$T/log_gpu_$fo")" 0 # NVDEC read it
        ok eq "$(probe "$T/gpu_hpi_$fo.mkv" stream=field_order)" $fo
        ok eq "$(probe "$T/gpu_hpi_$fo.mkv" stream=field_order)" "$(probe "$T/cpu_hpi_$fo.mkv" stream=field_order)"
        ok eq "$(frame_flags "$T/gpu_hpi_$fo.mkv" interlaced_frame,top_field_first)" "1,$top "
        ok eq "$(frame_flags "$T/gpu_hpi_$fo.mkv" interlaced_frame,top_field_first)" \
            "$(frame_flags "$T/cpu_hpi_$fo.mkv" interlaced_frame,top_field_first)"
        ok same "$(frames "$T/gpu_hpi_$fo.mkv")" "$(frames "$T/cpu_hpi_$fo.mkv")" "interlaced $fo through NVDEC"
        echo "geometry_meta: interlaced $fo on the GPU: field_order $(probe "$T/gpu_hpi_$fo.mkv" stream=field_order)" \
            "(CPU $(probe "$T/cpu_hpi_$fo.mkv" stream=field_order)), frame flags" \
            "$(frame_flags "$T/gpu_hpi_$fo.mkv" interlaced_frame,top_field_first)"
    done
else
    echo "SKIP: geometry_meta: no GPU here: the GPU turns (NVDEC frames, the orient kernel) and NVDEC's field order are not checked"
fi
# the upright frames are what a player shows: not the stored ones
ok eval '[ "$(frames "$T/up_rot180.mp4")" != "$(frames "$T/base.mp4")" ]'
# info names the turn and its sign convention
ok eval '"$OVNI" info "$T/rot270.mp4" | grep -q "rotation:   90 degrees clockwise .*counter-clockwise: -90), turned 90 degrees clockwise"'
ok eval '"$OVNI" info "$T/base.mp4" | grep -q "colour:     matrix bt709, primaries bt709, transfer bt709, range tv (limited)"'

# ---- EXIF orientation on a JPEG (FFmpeg 5.1 autorotates it too) ----
ff -f lavfi -i testsrc2=s=192x128 -vf gblur=sigma=2 -frames:v 1 -q:v 2 "$T/photo.jpg"
turn=(x null hflip hflip,vflip vflip transpose=cclock_flip transpose=clock transpose=clock_flip transpose=cclock)
for n in 1 2 3 4 5 6 7 8; do
    python3 "$HERE/orient_tag.py" exif "$T/photo.jpg" $n "$T/exif$n.jpg"
    ok "$OVNI" run "$T/exif$n.jpg" "$T/exif$n.mp4" --frames 1 --crf 0 -q
    wh=192,128
    [ $n -ge 5 ] && wh=128,192
    ok eq "$(probe "$T/exif$n.mp4" stream=width,height)" "$wh"
    p=$(psnr_min "$T/exif$n.mp4" "$T/exif$n.jpg" \
        "scale=in_color_matrix=bt601:out_color_matrix=bt709:in_range=pc:out_range=tv,format=yuv420p,extractplanes=y" \
        extractplanes=y)
    ok at_least "$p" 40 "EXIF $n luma against FFmpeg's autorotated picture"
    ok same "$(frames "$T/exif$n.mp4" extractplanes=y)" "$(frames "$T/exif1.mp4" "${turn[$n]},extractplanes=y")" \
        "EXIF $n luma: the upright picture turned exactly"
    ok "$OVNI" run "$T/exif$n.jpg" "$T/exif_keep$n.mp4" --frames 1 --crf 0 -q --no-autorotate
    ok eq "$(probe "$T/exif_keep$n.mp4" stream=width,height)" "192,128"
    ok same "$(frames "$T/exif_keep$n.mp4" extractplanes=y)" "$(frames "$T/exif$n.mp4" extractplanes=y)" \
        "EXIF $n kept with a display matrix, as FFmpeg shows it"
done

# ---- SAR ----
ff -f lavfi -i testsrc2=s=180x144:r=10 -frames:v 3 -vf gblur=sigma=1,setsar=16/15 -c:v libx264 -qp 0 \
    -pix_fmt yuv420p "$T/pal.mp4"
ff -f lavfi -i testsrc2=s=240x180:r=10 -frames:v 3 -vf gblur=sigma=1,setsar=4/3 -c:v libx264 -qp 0 \
    -pix_fmt yuv420p "$T/anamorphic.mkv"
for c in "pal.mp4 16:15 4:3 192" "anamorphic.mkv 4:3 16:9 320"; do
    set -- $c
    in="$T/$1" out="$T/sar_$1"
    ok "$OVNI" transcode "$in" "$out" --crf 0 -q
    ok eq "$(probe "$out" stream=sample_aspect_ratio,display_aspect_ratio)" "$2,$3"
    ok same "$(frames "$out")" "$(frames "$in")" "$1 pixels kept"
    ok "$OVNI" transcode "$in" "$T/sq_$1" --crf 0 -q --square-pixels
    h=$(probe "$in" stream=height)
    ok eq "$(probe "$T/sq_$1" stream=width,height,sample_aspect_ratio)" "$4,$h,1:1"
    p=$(psnr_min "$T/sq_$1" "$in" "scale=iw*sar:ih,setsar=1")
    ok at_least "$p" 40 "$1 --square-pixels against FFmpeg's scale=iw*sar:ih"
done
ok eq "$(json "$T/pal.mp4" "d['sar_num'], d['sar_den'], d['display_width'], d['display_height']")" "(16, 15, 192, 144)"
ok eval '"$OVNI" info "$T/pal.mp4" | grep -q "pixels:     SAR 16:15, shown 192x144"'

# ---- interlaced ----
for fo in tt bb; do
    top=1 scan=tff
    [ $fo = bb ] && top=0 scan=bff
    ff -f lavfi -i testsrc2=s=160x96:r=50 -vf "interlace=scan=$scan:lowpass=off" -frames:v 8 -c:v libx264 -qp 0 \
        -pix_fmt yuv420p -flags +ildct+ilme -top $top "$T/i_$fo.mp4"
    "$OVNI" transcode "$T/i_$fo.mp4" "$T/o_$fo.mkv" --crf 0 2>"$T/log_$fo"
    ok eq $? 0
    ok eq "$(grep -c "is interlaced" "$T/log_$fo")" 1
    ok eq "$(probe "$T/o_$fo.mkv" stream=field_order)" $fo
    ok eq "$(frame_flags "$T/o_$fo.mkv" interlaced_frame,top_field_first)" "1,$top "
    p=$(psnr_min "$T/o_$fo.mkv" "$T/i_$fo.mp4" null)
    ok at_least "$p" 40 "$fo frames"
    ok "$OVNI" run "$T/i_$fo.mp4" "$T/d_$fo.mkv" --crf 0 -q --vf deinterlace
    ok eq "$(probe "$T/d_$fo.mkv" stream=field_order)" progressive
    ok eq "$(frame_flags "$T/d_$fo.mkv" interlaced_frame)" "0 "
done
ok eval '"$OVNI" info "$T/o_bb.mkv" | grep -q "fields:     interlaced, bottom field first"'
ok eq "$(json "$T/o_tt.mkv" "d['field_order']")" tt

echo "geometry_meta: $checks checks, $fails failed"
[ $fails -eq 0 ]
