#!/usr/bin/env bash
# Odd sizes and alpha (issue 14, items 4 and 5), end to end on the CPU:
# - a chain that makes an odd size is encoded (exit 0) at the even size
#   --even asks for, its pixels FFmpeg's crop of the same source, the padded
#   column/row a copy of the last one;
# - a final frame with alpha (round_corners, chroma_key) and an image input
#   with transparent pixels show --background (default black) there.
# Inputs are made with the ffmpeg CLI; outputs read back with ffmpeg/ffprobe.
# Usage: test_even_alpha.sh OVNI
set -u
OVNI=$1
source "$(dirname "$0")/lib.sh"
export OVNI_DEVICE=cpu OVNI_LOG_LEVEL=warning
need_ffmpeg
size() { ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x "$1"; }
# psnr A B FILTER_A FILTER_B: "y u v" PSNR of A's frames against B's, paired
# by index, after each side's filter (in yuv444p, so any crop is exact;
# PSNR_FMT=yuv420p compares the coded planes themselves)
psnr() {
    local fmt=${PSNR_FMT:-yuv444p}
    ffmpeg -nostdin -v info -i "$1" -i "$2" -lavfi \
        "[0:v]settb=1/30,setpts=N,format=$fmt,$3[a];[1:v]settb=1/30,setpts=N,format=$fmt,$4[b];[a][b]psnr" \
        -f null - 2>&1 | sed -n 's/.*PSNR y:\([0-9.inf]*\) u:\([0-9.inf]*\) v:\([0-9.inf]*\).*/\1 \2 \3/p' | tail -1
}
# at_least "Y U V" WANT WHAT: every plane's PSNR >= WANT (inf counts as large)
at_least() {
    python3 -c "import sys; sys.exit(0 if sys.argv[1].split() and all(float(v) >= float(sys.argv[2]) for v in sys.argv[1].split()) else 1)" "$1" "$2" ||
        { echo "  $3: '$1' below $2 dB" >&2; return 1; }
}
below() {
    python3 -c "import sys; sys.exit(0 if sys.argv[1].split() and float(sys.argv[1].split()[0]) < float(sys.argv[2]) else 1)" "$1" "$2" ||
        { echo "  $3: Y '$1' not below $2 dB" >&2; return 1; }
}
# pixel FILE X Y: "R G B" of the first frame's pixel (x, y), as FFmpeg converts it
pixel() {
    local wh w
    wh=$(size "$1")
    w=${wh%x*}
    ff -i "$1" -frames:v 1 -f rawvideo -pix_fmt rgb24 "$T/px.rgb" &&
        python3 -c "import sys; d=open(sys.argv[1],'rb').read(); w,x,y=map(int,sys.argv[2:5]); o=3*(y*w+x); print(*d[o:o+3])" \
            "$T/px.rgb" "$w" "$2" "$3"
}
# near "R G B" "R G B": each channel within 10 codes (limited-range 4:2:0 round trip)
near() {
    python3 -c "import sys; a=sys.argv[1].split(); b=sys.argv[2].split(); sys.exit(0 if len(a) == 3 and all(abs(int(p)-int(q)) <= 10 for p, q in zip(a, b)) else 1)" "$1" "$2" ||
        { echo "  pixel '$1', wanted about '$2'" >&2; return 1; }
}

# A smooth picture (so a pixel off shows: 41 dB at one pixel off, 55 dB in place), lossless, BT.709 tagged.
ff -f lavfi -i testsrc2=size=1366x768:rate=30,gblur=sigma=4 -frames:v 3 \
    -vf scale=out_color_matrix=bt709:out_range=tv,format=yuv420p -c:v libx264 -qp 0 \
    -colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv "$T/src.mp4" ||
    { echo "FAIL: ffmpeg could not make the source"; exit 1; }

# ---- odd sizes from crop: 1093x614 out of 1366x768 at (137, 77) ----
crop='crop=left=137:top=77:right=1230:bottom=691'
checks=$((checks + 1))
if OVNI_LOG_LEVEL=info "$OVNI" run "$T/src.mp4" "$T/pad.mp4" --crf 0 --vf "$crop" --progress none 2>"$T/pad.log"; then
    ok eq "$(size "$T/pad.mp4")" 1094x614
    ok grep -q "1093x614 has an odd side.*written as 1094x614, the last column repeated" "$T/pad.log"
    ok at_least "$(psnr "$T/pad.mp4" "$T/src.mp4" crop=1093:614:0:0 crop=1093:614:137:77)" 50 "pad: FFmpeg's crop"
    ok below "$(psnr "$T/pad.mp4" "$T/src.mp4" crop=1093:614:0:0 crop=1093:614:138:77)" 45 "pad: one pixel off"
    # the added column repeats the last one (luma exactly: the same RGB converts to the same Y)
    ok at_least "$(psnr "$T/pad.mp4" "$T/pad.mp4" crop=1:614:1093:0 crop=1:614:1092:0 | cut -d' ' -f1)" 99 "pad column"
else
    fail "ovni run crop to 1093x614 (--even pad): exit $?"; cat "$T/pad.log" >&2
fi
checks=$((checks + 1))
if "$OVNI" run "$T/src.mp4" "$T/crop.mp4" --crf 0 --even crop --vf "$crop" -q; then
    ok eq "$(size "$T/crop.mp4")" 1092x614
    ok at_least "$(psnr "$T/crop.mp4" "$T/src.mp4" null crop=1092:614:137:77)" 50 "crop: FFmpeg's crop"
else
    fail "ovni run crop to 1093x614 --even crop: exit $?"
fi
# odd on both sides, in the middle of the frame
checks=$((checks + 1))
if "$OVNI" run "$T/src.mp4" "$T/both.mp4" --crf 0 --vf 'crop=left=300:top=201:right=701:bottom=500' -q; then
    ok eq "$(size "$T/both.mp4")" 402x300
    ok at_least "$(psnr "$T/both.mp4" "$T/src.mp4" crop=401:299:0:0 crop=401:299:300:201)" 50 "both: FFmpeg's crop"
    ok at_least "$(psnr "$T/both.mp4" "$T/both.mp4" crop=402:1:0:299 crop=402:1:0:298 | cut -d' ' -f1)" 99 "pad row"
else
    fail "ovni run crop to 401x299: exit $?"
fi

# ---- odd sizes from rotate with expand: 320x240 turned 20 degrees is 383x335 ----
ff -f lavfi -i testsrc2=size=320x240:rate=30,gblur=sigma=2 -frames:v 3 -vf format=yuv420p -c:v libx264 -qp 0 \
    "$T/small.mp4"
checks=$((checks + 1))
if "$OVNI" run "$T/small.mp4" "$T/rot.mp4" --crf 0 --vf 'rotate=degrees=20:expand=1' -q &&
    "$OVNI" run "$T/small.mp4" "$T/rotc.mp4" --crf 0 --even crop --vf 'rotate=degrees=20:expand=1' -q; then
    ok eq "$(size "$T/rot.mp4")" 384x336
    ok eq "$(size "$T/rotc.mp4")" 382x334
    # the same picture either way, up to the edge's chroma filter
    ok at_least "$(psnr "$T/rot.mp4" "$T/rotc.mp4" crop=380:332:0:0 crop=380:332:0:0)" 50 "rotate: pad vs crop"
    ok at_least "$(psnr "$T/rot.mp4" "$T/rot.mp4" crop=1:336:383:0 crop=1:336:382:0 | cut -d' ' -f1)" 99 "rotate: pad column"
else
    fail "ovni run rotate=20:expand (383x335): exit $?"
fi

# ---- an odd input with no chain: decoded frames (NV12) padded or cropped plane by plane ----
ff -f lavfi -i testsrc2=size=322x242:rate=30,gblur=sigma=2 -frames:v 3 -vf crop=321:241:0:0:exact=1,format=yuv420p \
    -c:v ffv1 "$T/odd.mkv"
checks=$((checks + 1))
if "$OVNI" transcode "$T/odd.mkv" "$T/oddt.mp4" --crf 0 -q && "$OVNI" transcode "$T/odd.mkv" "$T/oddc.mp4" --crf 0 --even crop -q; then
    ok eq "$(size "$T/oddt.mp4")" 322x242
    ok eq "$(size "$T/oddc.mp4")" 320x240
    # no RGB on the way: lossless, so exactly the source
    ok at_least "$(PSNR_FMT=yuv420p psnr "$T/oddt.mp4" "$T/odd.mkv" crop=321:241:0:0:exact=1 null)" 99 "transcode pad"
    ok at_least "$(PSNR_FMT=yuv420p psnr "$T/oddc.mp4" "$T/odd.mkv" null crop=320:240:0:0)" 99 "transcode crop"
    ok at_least "$(psnr "$T/oddt.mp4" "$T/oddt.mp4" crop=1:242:321:0 crop=1:242:320:0 | cut -d' ' -f1)" 99 "transcode pad column"
else
    fail "ovni transcode of a 321x241 input: exit $?"
fi

# ---- alpha: the last op's transparent pixels show the background ----
checks=$((checks + 1))
if OVNI_LOG_LEVEL=info "$OVNI" run color:#3366CC:320x240 "$T/rc.mp4" --frames 2 --vf 'round_corners=radius=60' \
    --progress none 2>"$T/rc.log"; then
    ok near "$(pixel "$T/rc.mp4" 0 0)" "0 0 0"
    ok near "$(pixel "$T/rc.mp4" 319 239)" "0 0 0"
    ok near "$(pixel "$T/rc.mp4" 160 120)" "51 102 204"
    ok grep -q "the frames have alpha and the file has none: composited over #000000" "$T/rc.log"
else
    fail "ovni run round_corners: exit $?"
fi
checks=$((checks + 1))
if "$OVNI" run color:#3366CC:320x240 "$T/rcw.mp4" --frames 2 --vf 'round_corners=radius=60' --background white -q; then
    ok near "$(pixel "$T/rcw.mp4" 0 0)" "255 255 255"
    ok near "$(pixel "$T/rcw.mp4" 319 0)" "255 255 255"
    ok near "$(pixel "$T/rcw.mp4" 160 120)" "51 102 204"
else
    fail "ovni run round_corners --background white: exit $?"
fi
# chroma_key last: a green screen with a red box; the green goes, the box stays
ff -f lavfi -i color=c=0x00FF00:size=320x240:rate=30 -frames:v 2 \
    -vf "drawbox=x=100:y=80:w=120:h=80:color=0xFF0000:t=fill,format=yuv420p" -c:v libx264 -qp 0 "$T/green.mp4"
checks=$((checks + 1))
if "$OVNI" run "$T/green.mp4" "$T/ck.mp4" --vf 'chroma_key=key=0x00FF00' -q; then
    ok near "$(pixel "$T/ck.mp4" 10 10)" "0 0 0"
    ok near "$(pixel "$T/ck.mp4" 160 120)" "255 0 0"
else
    fail "ovni run chroma_key: exit $?"
fi
checks=$((checks + 1))
if "$OVNI" run "$T/green.mp4" "$T/ckb.mp4" --vf 'chroma_key=key=0x00FF00' --background '#FF8000' -q; then
    ok near "$(pixel "$T/ckb.mp4" 10 10)" "255 128 0"
    ok near "$(pixel "$T/ckb.mp4" 300 220)" "255 128 0"
    ok near "$(pixel "$T/ckb.mp4" 160 120)" "255 0 0"
else
    fail "ovni run chroma_key --background: exit $?"
fi
# alpha and an odd size together: round_corners after a crop to 201x151
checks=$((checks + 1))
if "$OVNI" run color:#3366CC:320x240 "$T/rco.mp4" --frames 2 --vf 'crop=right=201:bottom=151,round_corners=radius=40' \
    --background white -q; then
    ok eq "$(size "$T/rco.mp4")" 202x152
    ok near "$(pixel "$T/rco.mp4" 201 151)" "255 255 255"
    ok near "$(pixel "$T/rco.mp4" 201 75)" "51 102 204"
else
    fail "ovni run crop + round_corners: exit $?"
fi

# ---- an image input with alpha: its transparent half (stored red) shows the background ----
ff -f lavfi -i color=c=red:size=64x48 -frames:v 1 \
    -vf "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(X,32),0,255)'" "$T/alpha.png"
checks=$((checks + 1))
if "$OVNI" run "$T/alpha.png" "$T/png.mp4" --frames 2 -q; then
    ok near "$(pixel "$T/png.mp4" 8 24)" "0 0 0"
    ok near "$(pixel "$T/png.mp4" 56 24)" "255 0 0"
else
    fail "ovni run a PNG with alpha: exit $?"
fi
checks=$((checks + 1))
if "$OVNI" run "$T/alpha.png" "$T/pngb.mp4" --frames 2 --background 0x0000FF -q &&
    "$OVNI" run "$T/alpha.png" "$T/pngc.mp4" --frames 2 --background white --vf 'adjust=contrast=1' -q; then
    ok near "$(pixel "$T/pngb.mp4" 8 24)" "0 0 255"
    ok near "$(pixel "$T/pngb.mp4" 56 24)" "255 0 0"
    ok near "$(pixel "$T/pngc.mp4" 8 24)" "255 255 255"
else
    fail "ovni run a PNG with alpha, --background: exit $?"
fi

# ---- usage errors ----
checks=$((checks + 1))
"$OVNI" run "$T/alpha.png" "$T/x.mp4" --even half -q 2>/dev/null
ok eq $? 2
"$OVNI" run "$T/alpha.png" "$T/x.mp4" --background nocolour -q 2>/dev/null
ok eq $? 2

finish
