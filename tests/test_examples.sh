#!/usr/bin/env bash
# Runs one example program (examples/) on the CPU into a temporary directory
# and checks its mp4 with `ovni info --json`: the file exists and has the
# examples' frame count and size (examples/common.h: 60 frames, 640x360, 30 fps).
# Usage: test_examples.sh OVNI EXAMPLE
set -u
OVNI=$1
EXAMPLE=$2
name=$(basename "$EXAMPLE")
export OVNI_LOG_LEVEL=warning
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$EXAMPLE" "$T/$name.mp4" --cpu
rc=$?
if [ $rc != 0 ]; then
    echo "FAIL: $name exited with $rc" >&2; exit 1
fi
if [ ! -s "$T/$name.mp4" ]; then
    echo "FAIL: $name wrote no $T/$name.mp4" >&2; exit 1
fi
got=$("$OVNI" info --json "$T/$name.mp4" |
      python3 -c "import json,sys; v=json.load(sys.stdin)['video']; print(v['frames'], v['width'], v['height'], v['fps'])")
if [ "$got" != "60 640 360 30" ]; then
    echo "FAIL: $name.mp4: frames, width, height, fps = '$got', wanted '60 640 360 30'" >&2; exit 1
fi
# no temporary file left beside the output
if [ "$(ls -A "$T")" != "$name.mp4" ]; then
    echo "FAIL: $name left files: $(ls -A "$T")" >&2; exit 1
fi
echo "$name: PASS ($got)"
