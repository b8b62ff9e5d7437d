#!/usr/bin/env bash
# Configures (once) and builds ovni into build/. CUDA kernels are compiled
# when nvcc is on PATH or in /usr/local/cuda/bin (OVNI_CUDA=enabled makes a
# missing nvcc an error, =disabled skips the kernels).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" -Dcuda="${OVNI_CUDA:-auto}" "$@"
fi
ninja -C "$dir"
