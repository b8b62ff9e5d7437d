#!/usr/bin/env bash
# The input's audio in awkward places (issues 13 and 15).
# Inputs read once: stdin (-) and a FIFO fed
# by ffmpeg give their audio from the same demuxer as the video (the
# reader's audio feed; a second open of a pipe would find it drained). Each
# output must have an audio stream, its flash and beep where the same job on
# the regular file puts them (that placement is checked against FFmpeg by
# test_timeline.sh), within a millisecond, and audio as long as from the
# file. Clips: MPEG-TS with audio starting 0.1 s after the video (AAC,
# copied) and Matroska with Opus (re-encoded to AAC for .mp4); with
# --frames, --start-frame, --start and --audio-codec aac.
# MPEG-TS timestamp jumps joined, the audio with the video.
# --audio-codec copy into a container that cannot hold the codec: the message
# names the option given (not the library's audio_mode).
# Usage: test_audio_inputs.sh OVNI
set -u
OVNI=$1
source "$(dirname "$0")/lib.sh"
SYNC="python3 $HERE/av_sync.py"
export OVNI_LOG_LEVEL=${OVNI_LOG_LEVEL:-warning}
S=160x90
mk $FF -f lavfi -i "color=black:s=$S:r=30:d=4,drawbox=c=white:t=fill:enable='between(t,2,2+0.5/30)'" \
    -itsoffset 0.1 -f lavfi -i "sine=f=1000:r=48000:d=3.9,volume=enable='not(between(t,1.9,2.0))':volume=0" \
    -c:v libx264 -preset ultrafast -g 30 -pix_fmt yuv420p -c:a aac "$T/fb.ts"
mk $FF -i "$T/fb.ts" -c:v copy -c:a libopus "$T/fb.mkv"
get() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
adur() { ffprobe -v error -select_streams a -show_entries stream=duration -of csv=p=0 "$1" | head -1; }

# how CLIP ARGS... comes out of stdin and of a FIFO, against the same job on
# the file (stdin: the clip itself; the FIFO: ffmpeg's remux of it, made
# through a pipe as into the FIFO, since a non-seekable Matroska muxer
# writes other timestamps)
for spec in "fb.ts" "fb.ts --frames 75" "fb.ts --start-frame 45" "fb.ts --audio-codec aac" "fb.mkv"; do
    set -- $spec
    clip=$1
    shift
    fmt=$([ "${clip##*.}" = ts ] && echo mpegts || echo matroska)
    $FF -i "$T/$clip" -c copy -f $fmt - >"$T/remux.${clip##*.}" || { fail "$spec: remux"; continue; }
    for how in stdin fifo; do
        checks=$((checks + 1))
        o="$T/$how.mp4"
        rm -f "$o" "$T/ff"
        src="$T/$clip"
        [ $how = fifo ] && src="$T/remux.${clip##*.}"
        "$OVNI" transcode "$src" "$T/file.mp4" -q "$@" 2>"$T/err" || { fail "$spec: from $src"; cat "$T/err" >&2; continue; }
        ref=$($SYNC "$T/file.mp4")
        rdur=$(adur "$T/file.mp4")
        if [ $how = stdin ]; then
            "$OVNI" transcode - "$o" -q "$@" <"$T/$clip" 2>"$T/err"
        else
            mkfifo "$T/ff"
            $FF -i "$T/$clip" -c copy -f $fmt "$T/ff" &
            "$OVNI" transcode "$T/ff" "$o" -q "$@" 2>"$T/err"
        fi
        rc=$?
        wait
        [ $rc = 0 ] || { fail "$spec from $how: exit $rc"; cat "$T/err" >&2; continue; }
        [ -s "$T/err" ] && { fail "$spec from $how: says $(cat "$T/err")"; continue; }
        got=$($SYNC "$o")
        gdur=$(adur "$o")
        printf 'pipe %-24s %-5s flash %s beep %s audio %s s | file: flash %s beep %s audio %s s\n' "$spec" $how \
            "$(get flash "$got")" "$(get beep "$got")" "$gdur" "$(get flash "$ref")" "$(get beep "$ref")" "$rdur"
        python3 - "$(get flash "$got")" "$(get beep "$got")" "$gdur" "$(get flash "$ref")" "$(get beep "$ref")" \
            "$rdur" <<'PY' || fail "$spec from $how: [$got] audio $gdur s; from the file [$ref] audio $rdur s"
import sys
f, b, d, rf, rb, rd = sys.argv[1:]
assert d not in ("", "N/A"), "no audio stream"
assert "none" not in (f, b), "no flash or no beep"
assert abs(float(f) - float(rf)) <= 0.001 and abs(float(b) - float(rb)) <= 0.001, "placed elsewhere"
assert abs(float(f) - float(b)) <= 1 / 30 + 0.015, "flash and beep apart"
assert abs(float(d) - float(rd)) <= 0.025, "audio length differs"
PY
    done
done
# --loop on a pipe: the audio cannot be read again, said once
checks=$((checks + 1))
"$OVNI" transcode - "$T/loop.mp4" --loop --frames 10 <"$T/fb.ts" 2>"$T/err"
grep -q "with --loop its audio is not copied" "$T/err" || fail "--loop from stdin: $(cat "$T/err")"
# MPEG-TS whose timestamps jump (two recordings joined with cat): 3 s of
# black and silence, then a clip with a flash and a beep 1 s in, its
# timestamps starting again (back 3 s), or 100 s later (read as a jump
# forward past the 33-bit wrap). Both streams are joined where the last part
# ended: flash and beep at 4.0 s, the audio as long as the video, a warning
# that names the jump. Was: exit 1 "writing an audio packet failed: Invalid
# argument" (back), or half the audio dropped without a word (forward).
# The first part's audio is stereo, the second's mono: re-encoding sets the
# resampler up again (it crashed, reading a second plane of a mono frame).
mk $FF -f lavfi -i "color=black:s=$S:r=30:d=3" -f lavfi -i "anullsrc=r=48000:cl=stereo" -t 3 \
    -c:v libx264 -preset ultrafast -g 30 -pix_fmt yuv420p -c:a aac "$T/partA.ts"
for off in 0 100; do
    mk $FF -f lavfi -i "color=black:s=$S:r=30:d=3,drawbox=c=white:t=fill:enable='between(t,1,1+0.5/30)'" \
        -f lavfi -i "sine=f=1000:r=48000:d=3,volume=enable='not(between(t,1,1.1))':volume=0" \
        -c:v libx264 -preset ultrafast -g 30 -pix_fmt yuv420p -c:a aac -output_ts_offset $off "$T/partB.ts"
    cat "$T/partA.ts" "$T/partB.ts" >"$T/joined.ts"
    for ac in copy aac; do
        checks=$((checks + 1))
        "$OVNI" transcode "$T/joined.ts" "$T/j.mp4" --audio-codec $ac 2>"$T/err" >/dev/null
        rc=$?
        [ $rc = 0 ] || { fail "TS jump (offset $off, $ac): exit $rc: $(grep -v '^ovni: info' "$T/err")"; continue; }
        got=$($SYNC "$T/j.mp4")
        gdur=$(adur "$T/j.mp4")
        vdur=$(ffprobe -v error -select_streams v -show_entries stream=duration -of csv=p=0 "$T/j.mp4" | head -1)
        printf 'TS jump (offset %3s, %-4s): flash %s beep %s, video %s s audio %s s\n' $off $ac "$(get flash "$got")" \
            "$(get beep "$got")" "$vdur" "$gdur"
        grep -q "timestamps jump 1 time" "$T/err" || fail "TS jump (offset $off, $ac): no warning: $(cat "$T/err")"
        python3 - "$(get flash "$got")" "$(get beep "$got")" "$gdur" "$vdur" <<'PY' || fail "TS jump (offset $off, $ac): [$got] video $vdur s audio $gdur s"
import sys
f, b, a, v = sys.argv[1:]
assert "none" not in (f, b) and a not in ("", "N/A"), "no flash, beep or audio"
assert abs(float(f) - 4.0) <= 1 / 30 + 1e-6, "flash not at 4.0 s"
assert abs(float(f) - float(b)) <= 1 / 30 + 0.015, "flash and beep apart"
assert abs(float(v) - 6.0) <= 1 / 30 + 1e-6 and abs(float(a) - float(v)) <= 0.05, "lengths"
PY
    done
done

# --audio-codec copy refused: named as the option
checks=$((checks + 1))
"$OVNI" transcode "$T/fb.mkv" "$T/x.mp4" --audio-codec copy -q 2>"$T/err"
rc=$?
[ $rc = 1 ] && grep -q -- "--audio-codec copy: a .mp4 file cannot hold opus audio" "$T/err" &&
    grep -q -- "--audio-codec aac or opus" "$T/err" && ! grep -q audio_mode "$T/err" ||
    fail "--audio-codec copy of Opus into .mp4: exit $rc: $(cat "$T/err")"
finish audio_inputs
