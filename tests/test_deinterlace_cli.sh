#!/usr/bin/env bash
# `ovni run --vf deinterlace` end to end (CPU) against FFmpeg's bwdif on the
# same interlaced H.264 files (made here with the ffmpeg program: testsrc2
# panning, woven into fields by FFmpeg's `interlace`, coded interlaced with
# +ildct+ilme, lossless). Grey pictures, so the chain's YUV -> RGB -> YUV
# round trip is exact and what is measured is the deinterlacer alone.
# - Y PSNR against bwdif (tff, bff, auto on tff and on bff clips: the
#   frames' own field order, and after an RGB op) >= 42 dB
#   (measured 44.6-44.7 dB on these pans: the chain has no next frame,
#   docs/ops.md; the woven input scores 24.6 dB), and the wrong parity
#   scores at least 5 dB less;
# - FFmpeg's idet: no progressive frame in, as many out as bwdif's;
# - a still picture stays exact after its first frame (intra, as bwdif);
# - with --fps 50 each source frame shown twice comes out the same twice;
# - keys and usage errors.
# Usage: test_deinterlace_cli.sh OVNI. Without ffmpeg: SKIP (77).
set -u
OVNI=$1
export OVNI_DEVICE=cpu OVNI_LOG_LEVEL=warning
command -v ffmpeg >/dev/null || { echo "deinterlace_cli: SKIP (no ffmpeg program)"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 checks=0
ok() { checks=$((checks + 1)); if ! "$@"; then fails=$((fails + 1)); echo "FAIL: $*" >&2; fi; }
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
MIN_PSNR=42

# interlaced clip: $1 name, $2 tff|bff, $3 motion filters
make_clip() {
    local flag=1 scan=tff
    [ "$2" = bff ] && flag=0 scan=bff
    ff -f lavfi -i testsrc2=s=352x288:r=50 -vf "$3hue=s=0,interlace=scan=$scan:lowpass=off" -frames:v 12 \
        -c:v libx264 -qp 0 -pix_fmt yuv420p -flags +ildct+ilme -x264-params "tff=$flag" "$T/$1.mp4"
}
# Y PSNR of $1 against FFmpeg's filter $3 applied to $2 (the first 12 frames)
psnr_y() {
    ffmpeg -nostdin -hide_banner -i "$1" -i "$2" -lavfi "[1]$3[r];[0][r]psnr=shortest=1" -f null - 2>&1 |
        sed -n 's/.*PSNR y:\([0-9.inf]*\).*/\1/p'
}
at_least() { python3 -c "import sys; v=float(sys.argv[1]); sys.exit(0 if v >= float(sys.argv[2]) else 1)" "$1" "$2" ||
    { echo "  $3: $1 < $2" >&2; return 1; }; }
idet() {
    ffmpeg -nostdin -hide_banner -i "$1" -vf idet -f null - 2>&1 | sed -n 's/.*Multi frame detection: \(.*\)/\1/p'
}
# the md5 of every decoded frame of $1, one a line
md5s() { ffmpeg -nostdin -hide_banner -loglevel error -i "$1" -f framemd5 - | awk '!/^#/ { print $NF }'; }
# frames $3.. of $1 equal those of $2, each of $2's shown $4 times in $1
same_frames() {
    python3 - "$(md5s "$1")" "$(md5s "$2")" "$3" "$4" <<'PY' || { echo "  $1 differs from $2" >&2; return 1; }
import sys
a, b, first, rep = sys.argv[1].split(), sys.argv[2].split(), int(sys.argv[3]), int(sys.argv[4])
ok = len(b) >= 10 and len(a) == rep * len(b) and all(a[i] == b[i // rep] for i in range(first, len(a)))
sys.exit(0 if ok else 1)
PY
}

make_clip pan_tff tff "scroll=h=0.006:v=0.004," || { echo "deinterlace_cli: could not make the clip" >&2; exit 1; }
make_clip pan_bff bff "scroll=h=0.006:v=0.004,"
make_clip still tff "trim=end_frame=1,loop=loop=-1:size=1,"
# the same pan coded interlaced with its frames flagged bottom field first
# (x264-params tff=0 above codes progressive pictures: their flags say so)
ff -f lavfi -i testsrc2=s=352x288:r=50 -vf "scroll=h=0.006:v=0.004,hue=s=0,interlace=scan=bff:lowpass=off" \
    -frames:v 12 -c:v libx264 -qp 0 -pix_fmt yuv420p -flags +ildct+ilme -top 0 "$T/pan_bff_flagged.mp4"

ok "$OVNI" run "$T/pan_tff.mp4" "$T/out_tff.mp4" --crf 0 -q --vf deinterlace=parity=tff
ok "$OVNI" run "$T/pan_tff.mp4" "$T/out_auto.mp4" --crf 0 -q --vf deinterlace
ok "$OVNI" run "$T/pan_bff.mp4" "$T/out_bff.mp4" --crf 0 -q --vf deinterlace=parity=bff
# auto takes the decoded frames' own field order: bottom first here
ok "$OVNI" run "$T/pan_bff_flagged.mp4" "$T/out_auto_bff.mp4" --crf 0 -q --vf deinterlace
# after an RGB op it runs on the chain's RGB frame: the same on grey pictures
ok "$OVNI" run "$T/pan_tff.mp4" "$T/out_rgb.mp4" --crf 0 -q --vf format,deinterlace=parity=tff
p_tff=$(psnr_y "$T/out_tff.mp4" "$T/pan_tff.mp4" bwdif=mode=send_frame:parity=tff)
p_auto=$(psnr_y "$T/out_auto.mp4" "$T/pan_tff.mp4" bwdif=mode=send_frame:parity=tff)
p_bff=$(psnr_y "$T/out_bff.mp4" "$T/pan_bff.mp4" bwdif=mode=send_frame:parity=bff)
p_auto_bff=$(psnr_y "$T/out_auto_bff.mp4" "$T/pan_bff_flagged.mp4" bwdif=mode=send_frame:parity=bff)
p_rgb=$(psnr_y "$T/out_rgb.mp4" "$T/pan_tff.mp4" bwdif=mode=send_frame:parity=tff)
p_yadif=$(psnr_y "$T/out_tff.mp4" "$T/pan_tff.mp4" yadif=parity=tff)
p_weave=$(psnr_y "$T/pan_tff.mp4" "$T/pan_tff.mp4" bwdif=mode=send_frame:parity=tff)
echo "Y PSNR against bwdif: tff $p_tff, auto $p_auto, bff $p_bff, auto on bff $p_auto_bff, after an rgb op $p_rgb dB;" \
    "against yadif $p_yadif dB; the woven input against bwdif $p_weave dB"
ok at_least "${p_tff:-0}" $MIN_PSNR "tff against bwdif"
ok at_least "${p_auto:-0}" $MIN_PSNR "auto against bwdif"
ok at_least "${p_bff:-0}" $MIN_PSNR "bff against bwdif"
ok at_least "${p_auto_bff:-0}" $MIN_PSNR "auto on a bottom-field-first clip, against bwdif parity=bff"
ok at_least "${p_rgb:-0}" $MIN_PSNR "after an rgb op, against bwdif"
# the wrong parity is measurably worse (the test can tell parities apart)
ok "$OVNI" run "$T/pan_bff.mp4" "$T/out_wrong.mp4" --crf 0 -q --vf deinterlace=parity=tff
p_wrong=$(psnr_y "$T/out_wrong.mp4" "$T/pan_bff.mp4" bwdif=mode=send_frame:parity=bff)
ok python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) + 5 < float(sys.argv[2]) else 1)" "${p_wrong:-0}" "${p_bff:-0}"

# idet's multi-frame verdicts (it calls a few of FFmpeg's own bwdif frames
# of this pan interlaced too): no progressive frame in, as many out as
# bwdif's, within one
ff -i "$T/pan_tff.mp4" -vf bwdif=mode=send_frame:parity=tff -c:v libx264 -qp 0 "$T/ffmpeg_bwdif.mp4"
d_in=$(idet "$T/pan_tff.mp4")
d_out=$(idet "$T/out_tff.mp4")
d_ff=$(idet "$T/ffmpeg_bwdif.mp4")
echo "idet: input $d_in; ovni $d_out; FFmpeg's bwdif $d_ff"
progressive() { sed -n 's/.*Progressive: *\([0-9]*\).*/\1/p' <<<"$1"; }
ok grep -q "TFF: *12 BFF: *0 Progressive: *0" <<<"$d_in"
ok test "$(progressive "$d_out")" -ge $(($(progressive "$d_ff") - 1))
ok test "$(progressive "$d_out")" -ge 6

# a still picture: from the second frame on (the first is intra, as in
# bwdif) the same as the chain's round trip without the op
ok "$OVNI" run "$T/still.mp4" "$T/out_still.mp4" --crf 0 -q --vf deinterlace
ok "$OVNI" run "$T/still.mp4" "$T/rt_still.mp4" --crf 0 -q --vf format
ok same_frames "$T/out_still.mp4" "$T/rt_still.mp4" 1 1
# --fps 50 shows each source frame twice: the repeat must not pose as a
# still (it would weave), so both showings equal the 25 fps output's frame
ok "$OVNI" run "$T/pan_tff.mp4" "$T/out_50.mp4" --crf 0 -q --fps 50 --vf deinterlace
ok same_frames "$T/out_50.mp4" "$T/out_tff.mp4" 0 2

expect_usage() {
    checks=$((checks + 1))
    "$OVNI" run "$T/pan_tff.mp4" "$T/bad.mp4" -q --vf "$1" 2>"$T/err"
    local rc=$?
    if [ $rc != 2 ] || ! grep -qF "$2" "$T/err"; then
        fails=$((fails + 1))
        echo "FAIL: --vf $1 gave $rc, wanted 2 naming '$2':" >&2
        cat "$T/err" >&2
    fi
}
expect_usage deinterlace=parity=top "parity"
expect_usage deinterlace=mode=1 "unknown key"

if [ $fails -gt 0 ]; then
    echo "deinterlace_cli: FAIL ($fails of $checks checks)"
    exit 1
fi
echo "deinterlace_cli: PASS ($checks checks)"
