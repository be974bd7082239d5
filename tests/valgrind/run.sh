#!/usr/bin/env bash
# run.sh - the unit tests and a served session under valgrind (memcheck).
#
#   tests/valgrind/run.sh [BUILD_DIR]     (default: build)
#
# Every tests/unit/test_* binary of BUILD_DIR runs under valgrind; then
# tests/valgrind/session.py ingests the sample corpus and serves it under
# valgrind, makes requests to every endpoint (errors and writes included)
# and stops it with SIGTERM. Any memory error or definite leak fails.
# BUILD_DIR must be a build without sanitizers. Output is TAP; exits 77
# when valgrind is missing or the build uses ASan.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
[[ $build == /* ]] || build=$root/$build
dossier=$build/server/dossier

skip() {
    echo "1..0 # SKIP $*"
    echo "valgrind test skipped: $*" >&2
    exit 77
}
command -v valgrind >/dev/null || skip "valgrind is not installed (apt-get install valgrind)"
[[ -x $dossier ]] || skip "no $dossier (build it first)"
if grep -q __asan_init "$dossier" 2>/dev/null; then
    skip "$build is built with AddressSanitizer; valgrind needs a plain build"
fi

valgrind=(valgrind --quiet --leak-check=full --show-leak-kinds=definite
          --errors-for-leak-kinds=definite --error-exitcode=1
          --num-callers=30)
tmp=$(mktemp -d /tmp/dossier-valgrind.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
for exe in "$build"/tests/unit/test_*; do
    [[ -x $exe && -f $exe ]] || continue
    name=${exe##*/}
    n=$((n + 1))
    (cd "$build" && "${valgrind[@]}" --log-file="$tmp/$name.vg" "$exe") \
        >"$tmp/$name.out" 2>&1
    status=$?
    # --quiet: a clean run leaves valgrind's log empty. A failing test
    # point is the unit suite's business; here only memory errors count.
    if [[ ! -s $tmp/$name.vg ]]; then
        fails=$(grep -c '^not ok' "$tmp/$name.out")
        echo "ok $n - $name: no memory errors or definite leaks$(
            ((status != 0)) && echo " (its own test points fail: $fails)")"
    else
        failed=$((failed + 1))
        echo "not ok $n - $name: valgrind reports (exit $status)"
        grep -E '^==' "$tmp/$name.vg" | head -n 80 | sed 's/^/# /'
    fi
done

if ((n == 0)); then
    n=1
    echo "ok 1 - unit tests under valgrind # SKIP none built in $build (ninja -C $build)"
fi

# The session numbers its points after the unit tests.
python3 "$root/tests/valgrind/session.py" "$dossier" "${valgrind[@]}" \
    >"$tmp/session.tap"
status=$?
while IFS= read -r line; do
    if [[ $line =~ ^(not\ )?ok\ [0-9]+(.*)$ ]]; then
        n=$((n + 1))
        [[ -n ${BASH_REMATCH[1]} ]] && failed=$((failed + 1))
        echo "${BASH_REMATCH[1]}ok $n${BASH_REMATCH[2]}"
    elif [[ $line == \#* ]]; then
        echo "$line"
    fi
done <"$tmp/session.tap"
if ((status != 0 && failed == 0)); then
    n=$((n + 1))
    failed=1
    echo "not ok $n - session.py exited $status"
fi
echo "1..$n"
exit $((failed > 0))
