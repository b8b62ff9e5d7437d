#!/usr/bin/env bash
# Mutation check of the test suite (nightly-style; docs/reliability.md): each
# mutant of tests/mutants.txt is one exact text replacement in one source file.
# It is applied to a private copy of the tree, the copy is rebuilt
# incrementally (CPU-only, its own build dir), the mutant's covering tests are
# run, and the mutant is KILLED when one of them fails, SURVIVED when all pass.
# A mutant whose original text is not found exactly once is STALE (the file
# changed: update the list); one that does not compile is BUILD (not counted).
#
# usage: scripts/mutants.sh [ID ...]        (default: every mutant)
#   MUTANTS_DIR=/tmp/ovni-mutants           where the copy and build live (kept
#                                           between runs: later runs are incremental)
#   MUTANTS_LIST=tests/mutants.txt
# Exit status: 0 when at least 90 % of the counted mutants were killed and none
# is stale, else 1. Prints one line per mutant and a summary.
set -u -o pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
list=${MUTANTS_LIST:-$repo/tests/mutants.txt}
work=${MUTANTS_DIR:-/tmp/ovni-mutants}
src=$work/src
build=$work/build
mkdir -p "$src"
# A fresh copy of the tracked (and new, unignored) files; build outputs kept.
(cd "$repo" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -C "$src" -xf -
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$src" -Dcuda=disabled >"$work/setup.log" 2>&1 || { tail -20 "$work/setup.log"; exit 1; }
fi
t0=$SECONDS
ninja -C "$build" >"$work/build.log" 2>&1 || { echo "mutants: the unmutated tree does not build"; tail -20 "$work/build.log"; exit 1; }
echo "mutants: baseline built in $((SECONDS - t0)) s"

# apply FILE ORIGINAL REPLACEMENT: 0 applied, 3 original not found exactly once
apply() {
    python3 - "$1" "$2" "$3" <<'EOF'
import sys
path, old, new = sys.argv[1:4]
old = old.replace("\\t", "\t"); new = new.replace("\\t", "\t")
s = open(path).read()
if s.count(old) != 1:
    sys.exit(3)
open(path, "w").write(s.replace(old, new))
EOF
}

cp "$list" "$work/list.txt" # read from a copy: the list may be edited during a run
killed=0 survived=0 stale=0 broken=0
survivors="" stales=""
want=" $* "
total_t0=$SECONDS
while IFS=$'\t' read -r id file orig repl tests; do
    case "$id" in ''|'#'*) continue ;; esac
    [ $# -gt 0 ] && [[ "$want" != *" $id "* ]] && continue
    t1=$SECONDS
    cp "$src/$file" "$work/orig.save"
    apply "$src/$file" "$orig" "$repl"
    rc=$?
    if [ $rc = 3 ]; then
        stale=$((stale + 1)); stales="$stales $id"
        printf '%-22s STALE     %s: original text not found exactly once\n' "$id" "$file"
        continue
    elif [ $rc != 0 ]; then
        echo "mutants: cannot apply $id"; exit 1
    fi
    # only what the covering tests run: the command, its frame checker, their programs
    targets="src/cli/ovni tests/cli_frames"
    for t in $tests; do
        ninja -C "$build" -t query "tests/test_$t" >/dev/null 2>&1 </dev/null && targets="$targets tests/test_$t"
    done
    # shellcheck disable=SC2086
    if ! ninja -C "$build" $targets >"$work/mutant-build.log" 2>&1 </dev/null; then
        broken=$((broken + 1))
        printf '%-22s BUILD     %s (does not compile; not counted)\n' "$id" "$file"
    else
        # shellcheck disable=SC2086
        if meson test -C "$build" --no-rebuild --timeout-multiplier 0.5 $tests >"$work/mutant-test.log" 2>&1 </dev/null; then
            survived=$((survived + 1)); survivors="$survivors $id"
            verdict=SURVIVED
        else
            killed=$((killed + 1))
            verdict=KILLED
        fi
        failed=$(grep -E "^ *[0-9]+/[0-9]+ " "$work/mutant-test.log" | grep -vE " (OK|SKIP) " | sed -E 's/.* ([a-z_0-9]+) +(FAIL|TIMEOUT|ERROR).*/\1/' | tr '\n' ' ')
        printf '%-22s %-9s %s [%s] %ds%s\n' "$id" "$verdict" "$file" "$tests" $((SECONDS - t1)) \
            "${failed:+ failed: $failed}"
    fi
    cp "$work/orig.save" "$src/$file" # restored; the next build recompiles it
done <"$work/list.txt"
ninja -C "$build" >/dev/null 2>&1
counted=$((killed + survived))
pct=$((counted ? 100 * killed / counted : 0))
echo "mutants: $killed killed, $survived survived, $stale stale, $broken not compiling; $pct % of $counted killed; $((SECONDS - total_t0)) s"
[ -n "$survivors" ] && echo "survived:$survivors"
[ -n "$stales" ] && echo "stale:$stales"
[ $pct -ge 90 ] && [ $stale = 0 ]
