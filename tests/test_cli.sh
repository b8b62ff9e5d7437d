#!/usr/bin/env bash
# The ovni command end to end on generated inputs (CPU): every subcommand,
# outputs checked with `ovni info --json` and frame by frame with the reader
# API (cli_frames), and the exit status and message of usage and input
# errors. Usage: test_cli.sh OVNI CLI_FRAMES
set -u
OVNI=$1
FRAMES=$2
export OVNI_DEVICE=cpu OVNI_LOG_LEVEL=warning
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 checks=0

ok() { checks=$((checks + 1)); if ! "$@"; then fails=$((fails + 1)); echo "FAIL: $*" >&2; fi; }
# expect CODE WORD -- command...: exit status CODE and WORD in stderr
expect() {
    local code=$1 word=$2; shift 3
    checks=$((checks + 1))
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" != "$code" ] || ! grep -qF -- "$word" "$T/err"; then
        fails=$((fails + 1))
        echo "FAIL: $* gave $rc, wanted $code naming '$word'; stderr:" >&2
        cat "$T/err" >&2
    fi
}
json() { "$OVNI" info --json "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$2"; }
eq() { [ "$1" = "$2" ] || { echo "  got '$1', wanted '$2'" >&2; return 1; }; }

# a generated input, then info on it
ok "$OVNI" run 'color:#336699:320x240' "$T/in.mp4" --frames 30 --fps 30 -q
ok eq "$(json "$T/in.mp4" "d['video']['frames'], d['video']['width'], d['video']['height'], d['video']['fps']")" "(30, 320, 240, 30)"
ok eq "$(json "$T/in.mp4" "len(d['audio'])")" 0
ok "$OVNI" info "$T/in.mp4" >/dev/null
ok "$OVNI" info --help >/dev/null

# transcode, with frame selection and a rate change
ok "$OVNI" transcode "$T/in.mp4" "$T/tc.mkv" --codec h264 --preset p1 --crf 30 --gop 10 -q
ok eq "$(json "$T/tc.mkv" "d['video']['width'], d['video']['height'], d['video']['codec']")" "(320, 240, 'h264')"
ok "$OVNI" transcode "$T/in.mp4" "$T/cut.mp4" --start-frame 10 --frames 15 -q
ok eq "$(json "$T/cut.mp4" "d['video']['frames']")" 15
ok "$OVNI" transcode "$T/in.mp4" "$T/fps.mp4" --fps 15 -q
ok eq "$(json "$T/fps.mp4" "d['video']['frames'], d['video']['fps']")" "(15, 15)"
ok "$OVNI" transcode "$T/in.mp4" "$T/loop.mp4" --loop --frames 75 --bitrate 500k -q
ok eq "$(json "$T/loop.mp4" "d['video']['frames']")" 75

# run: geometry changes the size; an animated fade checked frame by frame
ok "$OVNI" run "$T/in.mp4" "$T/geo.mp4" -q --vf "crop=left=10:top=20:right=310:bottom=220,resize=width=150:height=100,rotate=degrees='t*90',vignette"
ok eq "$(json "$T/geo.mp4" "d['video']['frames'], d['video']['width'], d['video']['height']")" "(30, 150, 100)"
ok "$OVNI" run 'color:white:64x48' "$T/fade.mp4" --frames 30 --fps 30 -q --vf "fade=t='n/29':color=black"
# limited-range luma: white 235, black 16
ok "$FRAMES" "$T/fade.mp4" 0:235 10:159.5 20:84 29:16
ok "$OVNI" run 'color:black:64x48' "$T/move.mp4" --frames 30 -q --vf "fill_rect=x='-64+n*64/29':y=0:width=64:height=48:color=white"
ok "$FRAMES" "$T/move.mp4" 0:16 29:235

# the demo's assets feed overlay, blend, warp, crossfade and captions
ok "$OVNI" demo "$T/demo" --seconds 1 --size 320x180 -q
ok eq "$(json "$T/demo/demo.mp4" "d['video']['frames'], d['video']['width'], d['video']['height']")" "(30, 320, 180)"
ok eq "$(json "$T/demo/readback.mp4" "d['video']['frames'], d['video']['width']")" "(30, 160)"
A=$T/demo/assets
ok "$OVNI" run "$T/in.mp4" "$T/comp.mp4" -q --vf "overlay=file=$A/photo.png:x='W-w*0.2-n':y=10:s=0.2:alpha=0.8,blend=file=$A/shadow.png:s=0.1,warp=file=$T/in.mp4:x1=100:y1=10:x2=90:y2=90:x3=5:y3=80,crossfade=file=$A/background.png:t=0.5,ass=file=$A/captions.ass"
ok eq "$(json "$T/comp.mp4" "d['video']['frames']")" 30
ok "$OVNI" run "$A/background.png" "$T/still.mp4" --frames 12 --fps 24 -q --vf "chroma_key=key=black,round_corners=radius=20,format=format=rgb24,flip=1:1,adjust=saturation=0,make_shadow=x=10:y=10:width=30:height=20"
ok eq "$(json "$T/still.mp4" "d['video']['frames'], d['video']['fps']")" "(12, 24)"
ok "$OVNI" demo --png "$T/png" >/dev/null

# usage errors: exit 2 naming the culprit
expect 2 "usage: ovni run" -- "$OVNI" run
expect 2 'unknown op "blurr"' -- "$OVNI" run "$T/in.mp4" "$T/x.mp4" --vf "blurr=sigma=2"
expect 2 'unknown key "sigmaa"' -- "$OVNI" run "$T/in.mp4" "$T/x.mp4" --vf "gaussian_blur=sigmaa=2"
expect 2 "sigma='2*x'" -- "$OVNI" run "$T/in.mp4" "$T/x.mp4" --vf "gaussian_blur=sigma='2*x'"
expect 2 "vignette): strength = 3 is out of range 0 .. 1" -- "$OVNI" run "$T/in.mp4" "$T/x.mp4" --vf "vignette=strength=3"
expect 2 "not closed" -- "$OVNI" run "$T/in.mp4" "$T/x.mp4" --vf "vignette=strength='3"
expect 2 'key "sigma" is required' -- "$OVNI" run "$T/in.mp4" "$T/x.mp4" --vf "gaussian_blur"
expect 2 "is not a colour" -- "$OVNI" run "$T/in.mp4" "$T/x.mp4" --vf "fade=t=1:color=nocolour"
expect 2 "--crf 99" -- "$OVNI" transcode "$T/in.mp4" "$T/x.mp4" --crf 99
expect 2 "unknown option --bogus" -- "$OVNI" transcode "$T/in.mp4" "$T/x.mp4" --bogus
expect 2 "unknown command" -- "$OVNI" frobnicate
# input and processing errors: exit 1 naming the file, op or frame
expect 1 "missing.mp4" -- "$OVNI" transcode "$T/missing.mp4" "$T/x.mp4"
expect 1 "nofile.png" -- "$OVNI" run "$T/in.mp4" "$T/x.mp4" --vf "overlay=file=$T/nofile.png"
expect 1 "at frame 11" -- "$OVNI" run "$T/in.mp4" "$T/x.mp4" --vf "vignette=strength='n/10'"
expect 1 "missing.mp4" -- "$OVNI" info "$T/missing.mp4"
# no partial output on failure
ok test ! -e "$T/x.mp4"

# Ctrl-C: the job stops, exit 130, nothing left in the output's directory
# (neither the target nor a temporary file, whatever its name: ls -A). The
# job runs with job control on (set -m), so its SIGINT does not start
# ignored as a plain background job's would, and the signal is sent once the
# job is writing (a file appeared in its directory), so it cannot come before
# the handler. A watchdog kills a job that does not stop within 30 s.
S=$T/sig
mkdir -p "$S"
set -m
"$OVNI" run 'color:red:640x480' "$S/int.mp4" --frames 100000 -q --vf "gaussian_blur=sigma=3" 2>"$T/err" &
pid=$!
set +m
for _ in $(seq 1 300); do
    [ -n "$(ls -A "$S")" ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
done
started=$(ls -A "$S")
kill -INT $pid
( sleep 30; kill -KILL $pid 2>/dev/null ) &
watchdog=$!
wait $pid
rc=$?
kill $watchdog 2>/dev/null
wait $watchdog 2>/dev/null
checks=$((checks + 1))
if [ -z "$started" ] || [ $rc != 130 ] || [ -n "$(ls -A "$S")" ]; then
    fails=$((fails + 1))
    echo "FAIL: SIGINT: exit $rc (wanted 130); writing before the signal: '$started'; left: '$(ls -A "$S")'" >&2
    cat "$T/err" >&2
fi

if [ $fails != 0 ]; then echo "test_cli: FAIL ($fails of $checks checks)"; exit 1; fi
echo "test_cli: PASS ($checks checks)"
