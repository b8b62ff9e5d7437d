#!/usr/bin/env bash
# The GPU check, for the GPU machine (see docs/gpu.md): unpack the bundle of
# libraries it lacks, build ovni there, run the whole test suite with the GPU
# tests live, then checkops with timings, and print a table last.
# usage: scripts/gpu-check.sh [BUNDLE]   (default .gpu/ovni-gpu-bundle.tar.xz)
# GPU_SOAK_FRAMES=N also runs the memory soak on the GPU alone, N frames at
# 1920x1080 (100000 takes about 3 minutes on an H100), before the table.
# Exit status: 0 only when the build, every meson test, the soak (if asked)
# and checkops all passed; the table is printed either way. Tests that need a
# GPU exit 77 (SKIP) without one, and the SKIP lines are counted below, so a
# machine whose GPU was not seen cannot pass for a GPU check.
set -u -o pipefail
cd "$(dirname "$0")/.."
bundle=${1:-.gpu/ovni-gpu-bundle.tar.xz}
out=${OUT:-/tmp/ovni-out}
mkdir -p "$out" /tmp/gpu
[ -f /tmp/gpu/env.sh ] || tar -C /tmp/gpu -xJf "$bundle" || { echo "cannot unpack $bundle"; exit 1; }
source /tmp/gpu/env.sh
export PATH=$PATH:/usr/local/cuda/bin
nvidia-smi -L 2>/dev/null | head -2
b=/tmp/ovni-build
if [ ! -f $b/build.ninja ]; then
  meson setup $b -Dcuda=enabled -Dbuildtype=release >$out/setup.log 2>&1 || { tail -30 $out/setup.log; exit 1; }
fi
ninja -C $b >$out/build.log 2>&1 || { grep -E "error|FAILED" $out/build.log | head -30; exit 1; }
$b/src/cli/ovni info --gpu
status=0
meson test -C $b --no-rebuild --print-errorlogs --num-processes 8 >$out/tests.log 2>&1 || status=1
grep -E "^ *[0-9]+/[0-9]+ " $out/tests.log | grep -v " OK " | head -40
grep -E "^(Ok|Fail|Skipped|Timeout):" $out/tests.log
# parts skipped inside tests that passed (no 10-bit encoder, no font, no GPU)
skips=$(grep -c "^SKIP" $b/meson-logs/testlog.txt 2>/dev/null)
echo "SKIP lines inside tests: ${skips:-0}"
grep -h "^SKIP" $b/meson-logs/testlog.txt 2>/dev/null | sort | uniq -c | head -20
# the GPU tests must have run here, not skipped
for t in reader_gpu writer_gpu ass_gpu; do
  if grep -qE "^ *[0-9]+/[0-9]+ .*[ /]$t +SKIP" $out/tests.log; then echo "FAIL: $t skipped on the GPU machine"; status=1; fi
done
if [ -n "${GPU_SOAK_FRAMES:-}" ]; then
  echo "== memory soak: $GPU_SOAK_FRAMES frames at 1920x1080 on the GPU"
  t0=$(date +%s)
  OVNI_SOAK_GPU_ONLY=1 $b/tests/test_soak "$GPU_SOAK_FRAMES" 1920x1080 2>&1 | tail -4
  rc=$?
  [ $rc = 0 ] || { echo "FAIL: soak exit $rc"; status=1; }
  echo "soak: $(( $(date +%s) - t0 )) s wall"
fi
if [ -n "${GPU_EXTRA:-}" ]; then eval "$GPU_EXTRA" || { echo "FAIL: GPU_EXTRA exit $?"; status=1; }; fi
echo "== checkops (GPU vs CPU, 1080p timings)"
CHECKOPS_REQUIRE_GPU=1 CHECKOPS_TIMING=1 $b/tests/checkops > $out/checkops.txt 2>&1
rc=$?
tail -60 $out/checkops.txt
[ $rc = 0 ] || { echo "FAIL: checkops exit $rc (77: the GPU was not used)"; status=1; }
# its golden hashes (tests/checkops_golden.txt, compiled in) must have been read
grep -q "^checkops: golden hashes: [0-9]* cases checked" $out/checkops.txt ||
  { echo "FAIL: checkops did not check its golden hashes"; status=1; }
[ $status = 0 ] && echo "gpu-check: PASS" || echo "gpu-check: FAIL"
exit $status
