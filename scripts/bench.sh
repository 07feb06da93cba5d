#!/usr/bin/env bash
# Builds Release, runs the Google Benchmark suite pinned to one core with 5 repetitions, keeps the
# JSON under results/bench/<commit>/, and prints the targets table (Markdown) with ratios to the
# in-process baseline; also writes bench-summary.json there.
#   BENCH_FILTER=regex   run only matching cases (default: all)
#   BENCH_REPETITIONS=N  repetitions (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh util-linux time
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target tidemark_micro tidemark >/dev/null
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git status --porcelain 2>/dev/null)" ] && commit="$commit-dirty"
out=results/bench/$commit
mkdir -p "$out"
cpu=$(( $(nproc) > 1 ? 1 : 0 ))
echo "bench: pinned to CPU $cpu, results in $out/" >&2
taskset -c "$cpu" build/bench/micro/tidemark_micro \
  --benchmark_filter="${BENCH_FILTER:-.}" \
  --benchmark_repetitions="${BENCH_REPETITIONS:-5}" \
  --benchmark_min_time=0.2 \
  --benchmark_out="$out/micro.json" --benchmark_out_format=json >"$out/micro.txt"
{
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), commit $commit"
  echo
  python3 scripts/bench_report.py scripts/bench_targets.json "$out/micro.json" "$out/commands.json"
} | tee "$out/table.md"
