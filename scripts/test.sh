#!/usr/bin/env bash
# Installs what is missing, checks that every C++ file matches .clang-format (clang-format 14;
# scripts/format.sh fixes them), builds, and runs every test through ctest: once in a Release build
# (with a smoke run of each benchmark), once under AddressSanitizer + UndefinedBehaviorSanitizer,
# and once built by clang 14 under both sanitizers, where each libFuzzer harness then runs for
# TIDEMARK_FUZZ_SECONDS (default 30; 0 skips the fuzzing).
set -euo pipefail
case "${1:-}" in  # no arguments: --help prints the comment above
  "") ;;
  -h | --help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
  *) echo "$(basename "$0"): unknown argument \"$1\" (it takes none; see --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
scripts/setup.sh python3-matplotlib  # the plot test needs it
jobs=$(nproc)

echo "== Formatting"
scripts/format.sh --check

echo "== Release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"
scripts/check_test_names.py build  # a test case ctest cannot name would never run
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== ASan + UBSan build and tests"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTIDEMARK_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs"
scripts/check_test_names.py build-asan
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE benchmark

echo "== clang 14 build (ASan + UBSan, libFuzzer coverage), tests and fuzzing"
# The build scripts/fuzz.sh makes: everything, plus the harnesses of tests/fuzz. Debug (-O0): it
# compiles in less than half the CPU time of -O2, more than its tests and fuzzing lose by it.
cmake -S . -B build-clang -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Debug \
  -DTIDEMARK_SANITIZE=ON -DTIDEMARK_FUZZ=ON >/dev/null
cmake --build build-clang -j "$jobs"
scripts/check_test_names.py build-clang
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-clang --output-on-failure -j "$jobs" -LE benchmark
fuzz_seconds=${TIDEMARK_FUZZ_SECONDS:-30}
[ "$fuzz_seconds" = 0 ] || scripts/fuzz.sh "$fuzz_seconds"
