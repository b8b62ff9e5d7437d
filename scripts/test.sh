#!/usr/bin/env bash
# README's second command (and CI's): install packages, build, run every test;
# then again under AddressSanitizer + UndefinedBehaviorSanitizer.
# GPU tests report SKIP on machines without a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The main build compiles the CUDA kernels when nvcc is there (CI has it):
# a kernel that does not compile fails here.
if command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ]; then
  OVNI_CUDA=enabled bash scripts/build.sh build
else
  bash scripts/build.sh build
fi
meson test -C build --print-errorlogs --num-processes 2
# Sanitizers: the same tests, CPU backend (kernels are checked above).
if [ ! -f build-asan/build.ninja ]; then
  meson setup build-asan -Dcuda=disabled -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
fi
ninja -C build-asan
meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 4
# libFuzzer targets (reader, ASS, chain, ops, image, h264) from their corpus; a
# crash fails CI (docs/reliability.md says how to keep it as a regression).
bash scripts/fuzz.sh 14  # six targets: 84 s in all (five at 16 s were 80 s)
echo "test.sh: all tests passed (normal and ASan+UBSan builds, fuzzers)"
