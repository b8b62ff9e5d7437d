#!/usr/bin/env bash
# A/V timelines on real-world files (issue 13). Every input is made here by
# the ffmpeg command: a white flash frame and a beep at the same instant
# (source time 4.00 s) in clips with constant and variable frame rates,
# delayed audio or video, an MP4 edit list, MPEG-TS with a non-zero start
# and unequal stream starts, Matroska, WebM. Each goes through ovni and
# through ffmpeg with the same request; the flash (mean luma) and the beep
# (end of silence) are measured in both outputs (tests/av_sync.py) and must
# be within one output frame of each other and of FFmpeg's placement.
# Then: MPEG-TS --start-frame frame-exact, every audio codec into every
# container, the loop and length rules, and `info` against ffprobe.
# Usage: test_timeline.sh OVNI [quick]. Runs on the GPU too (no --cpu).
set -u
OVNI=$1
HERE=$(cd "$(dirname "$0")" && pwd)
SYNC="python3 $HERE/av_sync.py"
export OVNI_LOG_LEVEL=${OVNI_LOG_LEVEL:-warning}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 checks=0
fail() { fails=$((fails + 1)); echo "FAIL: $*" >&2; }
FF="ffmpeg -v error -nostdin -y"
S=160x90

# ---- the clips ----
BEEP="sine=f=1000:r=48000:d=7,volume=enable='not(between(t,4,4.1))':volume=0"
flash() { echo "color=black:s=$S:r=$1:d=$2,drawbox=c=white:t=fill:enable='between(t,$3,$3+0.5/$1)'"; }
X264="-c:v libx264 -preset ultrafast -g 30 -pix_fmt yuv420p"
mk() { "$@" || { echo "FAIL: could not make an input: $*" >&2; exit 1; }; }
mk $FF -f lavfi -i "$(flash 30 6 4)" -f lavfi -i "$BEEP" $X264 -c:a aac -shortest "$T/cfr.mp4"
mk $FF -f lavfi -i "color=black:s=$S:r=15:d=3" -f lavfi -i "$(flash 30 3 1)" -f lavfi -i "$BEEP" \
    -filter_complex "[0:v][1:v]concat=n=2:v=1:a=0[v]" -map "[v]" -map 2:a -fps_mode vfr $X264 -c:a aac -t 6 "$T/vfr15_30.mp4"
mk $FF -f lavfi -i "color=black:s=$S:r=24:d=3" -f lavfi -i "$(flash 30 3 1)" -f lavfi -i "$BEEP" \
    -filter_complex "[0:v][1:v]concat=n=2:v=1:a=0[v]" -map "[v]" -map 2:a -fps_mode vfr $X264 -c:a aac -t 6 "$T/vfr24_30.mp4"
# jittered timestamps: every third frame 10 ms late
mk $FF -f lavfi -i "$(flash 30 6 4),setpts='PTS+if(eq(mod(N,3),1),0.010/TB,0)'" -f lavfi -i "$BEEP" -fps_mode vfr \
    $X264 -c:a aac -t 6 "$T/jitter.mkv"
# audio stream starts 0.5 s after the video (its beep 3.5 s into it)
mk $FF -f lavfi -i "$(flash 30 6 4)" -itsoffset 0.5 -f lavfi -i "sine=f=1000:r=48000:d=5.5,volume=enable='not(between(t,3.5,3.6))':volume=0" \
    $X264 -c:a aac "$T/adelay.mp4"
# video stream starts 0.5 s after the audio
mk $FF -itsoffset 0.5 -f lavfi -i "$(flash 30 5.5 3.5)" -f lavfi -i "$BEEP" $X264 -c:a aac -t 6 "$T/vdelay.mp4"
# an edit list: a stream copy cut 1.3 s in (not at a keyframe)
mk $FF -ss 1.3 -i "$T/cfr.mp4" -c copy "$T/editlist.mp4"
# MPEG-TS: starts at 1.4 s (the muxer's default), audio 0.1 s after the video
mk $FF -f lavfi -i "$(flash 30 6 4)" -itsoffset 0.1 -f lavfi -i "sine=f=1000:r=48000:d=5.9,volume=enable='not(between(t,3.9,4.0))':volume=0" \
    $X264 -c:a aac "$T/ts.ts"
mk $FF -i "$T/cfr.mp4" -c copy "$T/cfr.mkv"
mk $FF -f lavfi -i "$(flash 30 6 4)" -f lavfi -i "$BEEP" -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 200k \
    -c:a libopus -t 6 "$T/clip.webm"

# ---- flash and beep: ovni against ffmpeg ----
# sync NAME FPS OVNI-ARGS -- FFMPEG-ARGS: IN is $T/NAME's clip, both outputs mp4
within() { python3 -c "import sys; a,b,t=map(float,sys.argv[1:]); sys.exit(0 if abs(a-b)<=t+1e-6 else 1)" "$1" "$2" "$3"; }
get() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
sync() {
    local name=$1 in=$2 fps=$3 tag=$4; shift 4
    local oargs=() fargs=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do oargs+=("$1"); shift; done
    shift
    fargs=("$@")
    checks=$((checks + 1))
    local o="$T/o_$tag.mp4" f="$T/f_$tag.mp4"
    if ! "$OVNI" "${oargs[@]}" -q 2>"$T/err"; then fail "$tag: ovni ${oargs[*]}"; cat "$T/err" >&2; return; fi
    $FF "${fargs[@]}" -c:v libx264 -preset ultrafast -c:a aac "$f" || { fail "$tag: ffmpeg"; return; }
    local mo mf
    mo=$($SYNC "$o") mf=$($SYNC "$f")
    local ofl ob ffl fb
    ofl=$(get flash "$mo") ob=$(get beep "$mo") ffl=$(get flash "$mf") fb=$(get beep "$mf")
    local frame
    frame=$(python3 -c "print(1.0/$fps)")
    printf 'timeline %-22s ovni flash %s beep %s | ffmpeg flash %s beep %s (frame %.4f)\n' "$tag" "$ofl" "$ob" "$ffl" "$fb" "$frame"
    if [ "$ofl" = none ] || [ "$ob" = none ] || [ "$ffl" = none ] || [ "$fb" = none ]; then
        fail "$tag: a flash or beep is missing: ovni [$mo] ffmpeg [$mf]"; return
    fi
    # the beep's measure (end of silence) reads ~11 ms late in both: a frame plus 15 ms between flash and beep
    within "$ofl" "$ob" "$(python3 -c "print($frame+0.015)")" || fail "$tag: ovni's flash $ofl and beep $ob are more than a frame apart"
    within "$ofl" "$ffl" "$frame" || fail "$tag: ovni's flash $ofl is more than a frame from ffmpeg's $ffl"
    within "$ob" "$fb" "$frame" || fail "$tag: ovni's beep $ob is more than a frame from ffmpeg's $fb"
}

# FFmpeg's reference resamples with its fps filter, the rule ovni follows
for c in cfr.mp4 vfr15_30.mp4 vfr24_30.mp4 jitter.mkv adelay.mp4 vdelay.mp4 editlist.mp4 ts.ts cfr.mkv clip.webm; do
    n=${c%.*}_${c##*.}
    sync "$c" "$T/$c" 30 "$n" transcode "$T/$c" "$T/o_$n.mp4" -- -i "$T/$c" -vf fps=30
done
# through an op, and pass-through timing
for c in vfr15_30.mp4 adelay.mp4; do
    n=${c%.*}_${c##*.}
    sync "$c" "$T/$c" 30 "run_$n" run "$T/$c" "$T/o_run_$n.mp4" --vf "flip" -- -i "$T/$c" -vf hflip,fps=30
done
for c in vfr15_30.mp4 jitter.mkv; do
    n=${c%.*}_${c##*.}
    sync "$c" "$T/$c" 30 "pass_$n" transcode "$T/$c" "$T/o_pass_$n.mp4" --vsync passthrough -- -i "$T/$c" -fps_mode passthrough
done
for r in 24 60; do
    for c in cfr.mp4 vfr24_30.mp4; do
        n=${c%.*}_${c##*.}_$r
        sync "$c" "$T/$c" $r "$n" transcode "$T/$c" "$T/o_$n.mp4" --fps $r -- -i "$T/$c" -vf fps=$r
    done
done
# starts: frame 45 (1.5 s) and time 1.5 s; ffmpeg's accurate seek to the same time
for c in cfr.mp4 ts.ts; do
    n=${c%.*}_${c##*.}
    sync "$c" "$T/$c" 30 "sf45_$n" transcode "$T/$c" "$T/o_sf45_$n.mp4" --start-frame 45 -- -ss 1.5 -i "$T/$c" -vf fps=30
    sync "$c" "$T/$c" 30 "ss1.5_$n" transcode "$T/$c" "$T/o_ss1.5_$n.mp4" --start 1.5 -- -ss 1.5 -i "$T/$c" -vf fps=30
done
sync adelay.mp4 "$T/adelay.mp4" 30 "sf45_adelay" transcode "$T/adelay.mp4" "$T/o_sf45_adelay.mp4" --start-frame 45 -- -ss 1.5 -i "$T/adelay.mp4" -vf fps=30
sync vfr15_30.mp4 "$T/vfr15_30.mp4" 30 "ss2.2_vfr" transcode "$T/vfr15_30.mp4" "$T/o_ss2.2_vfr.mp4" --start 2.2 -- -ss 2.2 -i "$T/vfr15_30.mp4" -vf fps=30

echo "test_timeline: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
