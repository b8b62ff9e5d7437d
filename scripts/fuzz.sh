#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, -Dfuzzers=true) in
# build-fuzz and runs each for a bounded time from its corpus.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    (default 20 s; reader ass chain ops image h264)
# New inputs that reach new code go to build-fuzz/corpus/<target> (not
# committed); a crash leaves crash-* in build-fuzz/artifacts/<target> and
# fails the script: fix it, then keep the input in tests/fuzz/corpus/<target>/
# as a regression (every build runs that directory: meson test --suite fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(reader ass chain ops image h264)
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dcuda=disabled -Dfuzzers=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C build-fuzz $(printf 'tests/fuzz/fuzz_%s ' "${targets[@]}") >/dev/null
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
export OVNI_DEVICE=cpu
fail=0
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/artifacts/$t"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  # the chain target prints every usage error: silence its stderr (libFuzzer
  # keeps its own and the sanitizers' reports)
  [ "$t" = chain ] && dict+=(-close_fd_mask=2)
  # -timeout: one input may not take longer (a hang counts as a crash);
  # -rss_limit_mb: a few bytes claiming a giant picture must not OOM the box.
  if ! "build-fuzz/tests/fuzz/fuzz_$t" "${dict[@]}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2560 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t/" \
      "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" >"build-fuzz/fuzz_$t.log" 2>&1; then
    echo "fuzz.sh: $t FAILED; see build-fuzz/fuzz_$t.log and build-fuzz/artifacts/$t/" >&2
    grep -E "ERROR|SUMMARY|==[0-9]+==" "build-fuzz/fuzz_$t.log" | head -20 >&2 || true
    fail=1
  else
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "build-fuzz/fuzz_$t.log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz.sh: $t: $runs inputs in ${secs}s, no crash"
  fi
done
exit $fail
