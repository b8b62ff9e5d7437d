# Sourced by the shell tests that compare ovni with the ffmpeg program
# (test_even_alpha.sh, test_pictures.sh, test_audio_inputs.sh,
# test_timeline.sh, test_depth_cli.sh), after their `set -u`: $HERE (tests/), a scratch
# directory $T removed at exit (a test's background jobs killed first), the
# check counters and helpers, ffmpeg as the tests call it, and the end line.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT
fails=0 checks=0
# fail WHAT: a failed check (counted by the caller, or by ok)
fail() { fails=$((fails + 1)); echo "FAIL: $*" >&2; }
# ok COMMAND...: one check, failed when COMMAND fails
ok() { checks=$((checks + 1)); if ! "$@"; then fail "$*"; fi; }
# eq GOT WANT
eq() { [ "$1" = "$2" ] || { echo "  got '$1', wanted '$2'" >&2; return 1; }; }
FF="ffmpeg -v error -nostdin -y"
ff() { $FF "$@"; }
# mk COMMAND...: makes an input; the test stops (fails) if it cannot
mk() { "$@" || { echo "FAIL: could not make an input: $*" >&2; exit 1; }; }
# need_ffmpeg: SKIP (exit 77) without the ffmpeg and ffprobe programs
need_ffmpeg() {
    command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || { echo "SKIP: no ffmpeg/ffprobe"; exit 77; }
}
# finish [NAME]: the count line; its status is 0 only when no check failed
finish() {
    echo "${1:+$1: }$checks checks, $fails failed"
    [ "$fails" -eq 0 ]
}
