#!/usr/bin/env bash
# run.sh - run every libFuzzer target of a fuzz build for a bounded time.
#
#   tests/fuzz/run.sh SECONDS [BUILD_DIR] [NAME...]
#
# BUILD_DIR (default build-fuzz) must be configured for libFuzzer:
#   CC=clang-14 meson setup build-fuzz -Dfuzz=true \
#       -Db_sanitize=address,undefined -Db_lundef=false
#   ninja -C build-fuzz
# Each target fuzz_NAME starts from its seed folder tests/fuzz/NAME/ (new
# inputs go to a temporary corpus, the seeds are not touched) and runs
# SECONDS seconds. A crash, leak, sanitizer report or timeout leaves its
# input as tests/fuzz/NAME/crash-* (git-ignored: rename it to keep it as a
# seed once fixed). Output is TAP, one point per target.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-}
build=${2:-build-fuzz}
shift $(($# > 2 ? 2 : $#))
if [[ ! $seconds =~ ^[0-9]+$ ]]; then
    echo "usage: $0 SECONDS [BUILD_DIR] [NAME...]" >&2
    exit 2
fi
[[ $build == /* ]] || build=$root/$build

targets=()
if (($#)); then
    for name in "$@"; do targets+=("$build/tests/fuzz/fuzz_$name"); done
else
    for exe in "$build"/tests/fuzz/fuzz_*; do
        [[ -x $exe && -f $exe ]] && targets+=("$exe")
    done
fi
# A replay build (without -Dfuzz) has the same names: recognise libFuzzer.
fuzzers=()
for exe in "${targets[@]}"; do
    if [[ -x $exe ]] && grep -q LLVMFuzzerRunDriver "$exe" 2>/dev/null; then
        fuzzers+=("$exe")
    fi
done
if ((${#fuzzers[@]} == 0)); then
    echo "1..0 # SKIP no libFuzzer targets in $build (configure it with -Dfuzz=true)"
    exit 77
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
tmp=$(mktemp -d /tmp/dossier-fuzz.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
echo "1..${#fuzzers[@]}"
for exe in "${fuzzers[@]}"; do
    name=${exe##*/fuzz_}
    seeds=$root/tests/fuzz/$name
    corpus=$tmp/$name
    mkdir -p "$corpus" "$seeds"
    n=$((n + 1))
    "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$seeds/crash-" \
        "$corpus" "$seeds" >"$tmp/$name.log" 2>&1
    rc=$?
    stats=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/$name.log")
    cov=$(grep -o 'cov: [0-9]*' "$tmp/$name.log" | tail -n 1)
    if ((rc == 0)); then
        echo "ok $n - fuzz_$name: ${stats:-?} runs in ${seconds} s, $cov"
    else
        failed=$((failed + 1))
        echo "not ok $n - fuzz_$name (exit $rc)"
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written|^    #[0-9]' \
            "$tmp/$name.log" | head -n 30 | sed 's/^/# /'
    fi
done
exit $((failed > 0))
