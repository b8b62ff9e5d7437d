#!/usr/bin/env bash
# README's first command: install packages, build, run the main job on the
# built-in sample.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
./build/src/cli/ovni demo "${1:-ovni-demo}"
