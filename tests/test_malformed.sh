#!/usr/bin/env bash
# Malformed inputs through the ovni command (CPU): a corpus written by
# malformed_gen (broken media, PNGs, ASS) plus bad chains and option values.
# Each run must end within 10 s with exit 1 or 2 and an error that names the
# file, op or option, and leave no output and no temporary file -- or, for a
# damaged file that still has decodable frames, exit 0 with a valid output.
# Never a crash: sanitizer reports exit 99 here, signals >128, hangs 124.
# Usage: test_malformed.sh OVNI MALFORMED_GEN
set -u
OVNI=$1
GEN=$2
export OVNI_DEVICE=cpu OVNI_LOG_LEVEL=warning
# a sanitizer's report must not pass for an ordinary "exit 1"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:exitcode=99
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}:halt_on_error=1:exitcode=99
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
M=$T/in
OUT=$T/out
mkdir -p "$M" "$OUT"
if ! "$GEN" "$M"; then echo "test_malformed: FAIL: the generator failed"; exit 1; fi
fails=0 checks=0 worst=0

# check CODES WORD -- command...   (CODES: allowed exit statuses, e.g. "1 2";
# a 0 among them: the output $OUT/x.mp4 must then exist and be readable)
check() {
    local codes=$1 word=$2; shift 3
    checks=$((checks + 1))
    rm -rf "$OUT" && mkdir -p "$OUT"
    local t0=$SECONDS
    timeout -k 2 10 "$@" >"$T/stdout" 2>"$T/err"
    local rc=$? why=""
    [ $((SECONDS - t0)) -gt "$worst" ] && worst=$((SECONDS - t0))
    [ -n "${MALFORMED_TIMES:-}" ] && echo "$((SECONDS - t0))s: ${*:0:200}" >&2
    case " $codes " in *" $rc "*) ;; *) why="exit $rc (wanted one of: $codes)" ;; esac
    if [ -z "$why" ] && [ "$rc" != 0 ]; then
        # WORD may be several words joined by '&': the message must name each
        local w rest=$word
        while [ -n "$rest" ]; do
            w=${rest%%&*}
            [ "$w" = "$rest" ] && rest="" || rest=${rest#*&}
            grep -qF -- "$w" "$T/err" || why="the message does not name '$w'"
        done
        [ -z "$(ls -A "$OUT")" ] || why="left files behind: $(ls -A "$OUT")"
    fi
    if [ -z "$why" ] && [ "$rc" = 0 ] && [ -e "$OUT/x.mp4" ]; then
        "$OVNI" info "$OUT/x.mp4" >/dev/null 2>&1 || why="exit 0 but the output is not readable"
        [ -z "$(ls -A "$OUT" | grep -v '^x.mp4$')" ] || why="left a temporary file: $(ls -A "$OUT")"
    fi
    if [ -n "$why" ]; then
        fails=$((fails + 1))
        echo "FAIL: $*: $why; stderr:" >&2
        tail -5 "$T/err" >&2
    fi
}
tc() { check "$1" "$2" -- "$OVNI" transcode "$3" "$OUT/x.mp4" --preset p1 -q; }

# -- media: files that cannot be read at all: exit 1 naming the file
for f in empty.mp4 random.mp4 random.bin text.mp4 trunc-8.mp4 trunc-100.mp4 trunc-50pct.mp4 \
         moov-notrak.mp4 moov-cut.mp4 audio-only.m4a audio-only.mka \
         huge-sps.h264 random.png trunc.png huge.png; do
    tc "1" "$f" "$M/$f"
done
# ovni info names the file too (a few kinds; each run costs a second under ASan)
for f in empty.mp4 random.bin moov-notrak.mp4 audio-only.m4a huge-sps.h264 huge.png; do
    check "1" "$f" -- "$OVNI" info "$M/$f"
done
# damaged but partly decodable: frames out (exit 0, a valid file) or a named error
for f in trunc-99pct.mp4 trunc-10pct.mkv trunc-60pct.mkv moov-size.mp4 trunc-30pct.ts trunc-40pct.h264 zeroed-mid.mkv random-mid.ts \
         bitrot.h264 bitrot.mkv nal-corrupt.mp4 moov-tables.mp4 huge-header.mp4 bad-crc.png video.png; do
    tc "0 1" "$f" "$M/$f"
done
# the corrupted mid-stream NAL units are counted and reported
check "0 1" "damaged packet" -- "$OVNI" transcode "$M/random-mid.ts" "$OUT/x.mp4" --preset p1 -q
grep -q "damaged packet" "$T/err" || { fails=$((fails + 1)); echo "FAIL: random-mid.ts: no count of damaged packets" >&2; }
checks=$((checks + 1))

# -- files named by ops: overlay images, captions
V=$M/good.mp4
run() { check "$1" "$2" -- "$OVNI" run "$V" "$OUT/x.mp4" --preset p1 -q --vf "$3"; }
for f in random.png trunc.png huge.png empty.mp4 audio-only.m4a missing.png; do
    run "1" "$f" "overlay=file=$M/$f"
done
# a video named .ass is still a video (overlays take videos); a PNG whose CRC is wrong
run "0 1" "video.ass" "overlay=file=$M/video.ass:s=0.5"
run "0 1" "bad-crc.png" "overlay=file=$M/bad-crc.png:x=10:y=10"
for f in empty.ass nul.ass video.ass random.bin; do
    run "1" "$f" "ass=file=$M/$f"
done
for f in garbage.ass fontsize.ass long-line.ass; do
    run "0 1" "$f" "ass=file=$M/$f"
done

# -- chains: bad syntax and absurd values, exit 2 naming the op and the key
# (or the place in the chain): "CHAIN|WORDS" pairs, WORDS joined by '&'
while IFS='|' read -r vf words; do
    run "2" "$words" "$vf"
done <<'CHAINS'
crop=left=|crop&left
=|op name
,,,|op name
resize=width=:height=|resize&width
vignette=strength='(((1'|vignette&strength
fade=t=1:color=|fade&color
gaussian_blur=sigma=nan|gaussian_blur&sigma
gaussian_blur=sigma=1e308|gaussian_blur&sigma
resize=width=1e309:height=10|resize&width
resize=width=100000:height=100000|resize&width
rotate=degrees=inf|rotate&degrees
fade=t='1/0'|fade&t =
vignette=strength=-nan|vignette&strength
crop=left=10:left=20|crop&left
flip=1:1:1:1:1|flip&too many
overlay|overlay&file
fill_rect=x=0:y=0:width=10:height=10:color=#zzzzzz|fill_rect&#zzzzzz
scale_translate=s='pow(10,400)'|scale_translate&s =
'unterminated|quote
a\|backslash
CHAINS
# an 18 KB chain: the unknown op at its end is named
long=$(printf 'vignette,%.0s' $(seq 1 2000))
run "2" "nosuchop&2001" "${long}nosuchop"
# values that go bad only at some frame: exit 1 naming the frame
run "1" "at frame" "gaussian_blur=sigma='if(gt(n,5),1/0,1)'"
run "1" "at frame" "crop=left='n*1e308':top=0:right=100:bottom=50"
run "1" "at frame" "resize=width='if(gt(n,3),nan,64)':height=32"

# -- options and inputs with absurd numbers: exit 2 (usage) or 1 (input), never a crash
for opts in "--frames -5" "--fps 0" "--fps nan" "--fps 1e9" "--fps -30" "--crf nan" "--crf 1e308" \
            "--bitrate 99999999999999999999" "--bitrate -1" "--start-frame 1e30" "--start-frame -1" "--gop -3" \
            "--preset p99" "--codec vp12"; do
    # shellcheck disable=SC2086
    check "1 2" "${opts%% *}" -- "$OVNI" transcode "$V" "$OUT/x.mp4" -q $opts
done
for spec in "color:red:100000x100000" "color:red:0x0" "color:red:-5x10" "color:nosuch:64x64" "color:red:64x"; do
    check "1 2" "$spec" -- "$OVNI" run "$spec" "$OUT/x.mp4" --frames 3 -q
done
# an output the writer cannot make: exit 1 or 2 naming it, nothing left behind
check "1 2" "x.avi" -- "$OVNI" transcode "$V" "$OUT/x.avi" -q
check "1 2" "x.webm" -- "$OVNI" transcode "$V" "$OUT/x.webm" -q

if [ $fails != 0 ]; then echo "test_malformed: FAIL ($fails of $checks checks)"; exit 1; fi
echo "test_malformed: PASS ($checks checks; the slowest took ${worst}s of 10)"
