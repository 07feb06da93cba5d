#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz with clang 14 under ASan + UBSan (in build-clang,
# the build that test.sh's clang stage tests) and runs each for SECONDS (default 60), as many at a
# time as there are cores, from its seed corpus tests/fuzz/corpus/NAME/. Prints each harness's
# exec count; exits 1 if any harness failed (a crash, a sanitizer report, a broken property or a
# hang), after its log. New inputs stay in build-clang/fuzz/corpus/NAME/ for the next run; an
# input that failed is build-clang/fuzz/NAME-crash-* (replay it: build-clang/tests/fuzz/fuzz_NAME
# FILE; keep it small in tests/fuzz/corpus/NAME/ once fixed, and ctest replays it).
#   scripts/fuzz.sh [SECONDS]
#   FUZZ_HARNESSES="csv_trace run"  only these (default: every tests/fuzz/*_fuzz.cpp)
set -euo pipefail
case "${1:-}" in  # --help prints the comment above
  -h | --help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
esac
seconds=${1:-60}
if [ $# -gt 1 ] || ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "$(basename "$0"): takes one argument, SECONDS, a whole number (see --help)" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
scripts/setup.sh

build=build-clang
harnesses=${FUZZ_HARNESSES:-$(cd tests/fuzz && ls -- *_fuzz.cpp | sed 's/_fuzz\.cpp$//')}
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Debug \
  -DTIDEMARK_SANITIZE=ON -DTIDEMARK_FUZZ=ON >/dev/null
# shellcheck disable=SC2046  # one target per harness
cmake --build "$build" -j "$(nproc)" --target $(printf 'fuzz_%s ' $harnesses) >/dev/null

out=$build/fuzz
mkdir -p "$out"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
fuzz_one() {  # leaves the exit status in $out/NAME.status
  local name=$1 status=0
  mkdir -p "$out/corpus/$name"
  # Inputs found go to the first corpus; -timeout makes a hang a failure.
  "$build/tests/fuzz/fuzz_$name" "$out/corpus/$name" "tests/fuzz/corpus/$name" \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$out/$name-" >"$out/$name.log" 2>&1 || status=$?
  echo "$status" >"$out/$name.status"
}
echo "fuzz: $(echo $harnesses | wc -w) harnesses, ${seconds} s each, $(nproc) at a time"
for name in $harnesses; do
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do sleep 1; done
  fuzz_one "$name" &
done
wait
failed=0
for name in $harnesses; do
  status=$(cat "$out/$name.status")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$name.log")
  if [ "$status" = 0 ]; then
    printf 'fuzz: %-14s %9s runs (%s/s), corpus %s inputs\n' "$name" "${runs:-?}" "${rate:-?}" \
      "$(find "$out/corpus/$name" -type f | wc -l)"
  else
    failed=1
    echo "fuzz: $name FAILED (exit $status) after ${runs:-?} runs; the end of $out/$name.log:"
    tail -n 40 "$out/$name.log"
  fi
done
exit "$failed"
