#!/usr/bin/env bash
# Installs what is missing, builds tidemark (Release) and runs the main job: generate the default
# `mixed` workload, compare drop / wait / grace at a few delays against the oracle (the complete
# answer from true_time), print the table, and plot completeness against emission latency.
#   TIDEMARK_DEMO_OUT=DIR  where the trace, results and plot go (default out/demo)
set -euo pipefail
case "${1:-}" in  # no arguments: --help prints the comment above
  "") ;;
  -h | --help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
  *) echo "$(basename "$0"): unknown argument \"$1\" (it takes none; see --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
scripts/setup.sh python3-matplotlib
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target tidemark >/dev/null
tidemark=build/bench/cli/tidemark
python=/usr/bin/python3  # Debian's, which has python3-matplotlib
out=${TIDEMARK_DEMO_OUT:-out/demo}
mkdir -p "$out"

# The grid (scripts/grids/mixed.json): mixed workload, 200k events, seed 1; tumbling 10 s windows;
# drop, wait and grace at several delays; watermark delays 0, 2 s, 5 s; idle timeout 10 s. The
# sweep generates the trace once and skips the points already in $out/sweep on a rerun.
"$python" scripts/sweep.py scripts/grids/mixed.json --results "$out/sweep" --tidemark "$tidemark" >/dev/null
trace=$out/sweep/traces/mixed-n200000-s1.csv
plots=$("$python" scripts/plot.py "$out/sweep" -o "$out")

"$tidemark" compare "$trace" --window tumbling:10s \
  --policies drop,wait:5s,wait:30s,grace:5s,grace:30s,grace:2m --watermarks bounded:0,bounded:5s \
  --idle-timeout 10s --csv "$out/compare.csv" --json "$out/compare.json"
echo
echo "complete = share of (event, true window) contributions in the window's final result;"
echo "exact = share of true windows whose last result equals the oracle; latencies are processing"
echo "time from the window's end (docs/metrics.md defines every column)."
echo "Every metric as CSV/JSON: $out/compare.csv, $out/compare.json"
echo "Plot (completeness vs emission latency per policy):"
echo "$plots" | grep tradeoff
echo "Plot (peak state vs grace):"
echo "$plots" | grep state
