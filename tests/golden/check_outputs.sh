#!/usr/bin/env bash
# Replays every window kind x late-event policy x clock on every generator preset and on
# data/demo.csv, and compares a SHA-256 of each run's results, late events and summary counts
# with the digests recorded from an earlier build. A refactor must leave every line unchanged.
#
#   check_outputs.sh TIDEMARK SOURCE_DIR WORK_DIR            compare with tests/golden/digests.txt
#   check_outputs.sh TIDEMARK SOURCE_DIR WORK_DIR --record   rewrite digests.txt with TIDEMARK's
#
# The summary's wall time, events/s and trace path vary from run to run and are left out.
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0" >&2
  exit 2
fi
tidemark=$(realpath "$1") source_dir=$(realpath "$2") work=$3 mode=${4:-check}
digests="$source_dir/tests/golden/digests.txt"
mkdir -p "$work"
cd "$work"

# Small traces keep the matrix fast under the sanitizers; their disorder is the presets' own.
traces=(demo)
cp "$source_dir/data/demo.csv" demo.csv
for preset in out-of-order offline-device clock-skew producer-outage mixed; do
  "$tidemark" generate --workload "$preset" --events 6000 --rate 20 --seed 7 --values uniform:-50,50 \
    -o "$preset.csv" >/dev/null 2>&1
  traces+=("$preset")
done
# The presets carry no punctuations: demo.csv with a kind=W row every 500 lines, at that
# line's partition and event time.
awk -F, 'NR == 1 { print $0 ",kind"; next }
         { print $0 ",E" }
         NR % 500 == 0 { print $1 "," $2 "," $3 "," $4 "," $5 "," $6 ",W" }' \
  demo.csv >punctuated.csv

windows=(tumbling:10s tumbling:3s@1s hopping:10s/2s hopping:10s/3s hopping:1s/250ms
  sliding:4s session:1500ms)
policies=(drop wait:3s grace:5s)
clocks=("--watermark bounded:0" "--watermark bounded:2s --idle-timeout 5s" "--clock stream-time")

run() {  # name, then replay's options
  local name=$1
  shift
  if ! "$tidemark" replay "$@" -o results.jsonl --late-output late.jsonl \
    --summary summary.json >/dev/null 2>stderr.txt; then
    echo "replay failed: $name: $(cat stderr.txt)" >&2
    exit 1
  fi
  local sum
  sum=$({ cat results.jsonl late.jsonl
          grep -v -E '"(wall_seconds|events_per_second|trace|schema_version)"' summary.json; } | sha256sum)
  echo "${sum%% *} $name"
}

{
  for trace in "${traces[@]}"; do
    for window in "${windows[@]}"; do
      for policy in "${policies[@]}"; do
        for clock in "${clocks[@]}"; do
          # shellcheck disable=SC2086  # $clock holds several options
          run "$trace $window $policy ${clock// /=}" "$trace.csv" --window "$window" \
            --lateness "$policy" $clock
        done
      done
    done
  done
  for window in "${windows[@]}"; do
    run "punctuated $window grace:5s punctuated" punctuated.csv --window "$window" \
      --lateness grace:5s --watermark punctuated
    run "mixed $window wait:1s corrected+event-time+keep" mixed.csv --window "$window" \
      --lateness wait:1s --timestamp corrected --schedule event-time --end keep
    run "clock-skew $window drop receive+partitions" clock-skew.csv --window "$window" \
      --timestamp receive --partitions 6 --idle-timeout 1s
  done
} >digests.now

if [ "$mode" = --record ]; then
  cp digests.now "$digests"
  echo "recorded $(wc -l <digests.now) digests in $digests"
  exit 0
fi
if ! diff -u "$digests" digests.now >digests.diff; then
  echo "outputs differ from the recorded ones (- recorded, + now):" >&2
  grep '^[-+][0-9a-f]' digests.diff >&2
  exit 1
fi
echo "$(wc -l <digests.now) runs: results, late events and summary counts unchanged"
