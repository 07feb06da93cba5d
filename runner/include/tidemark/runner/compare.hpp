#pragma once
// Comparing configurations on one trace: the oracle (the complete answer) once per oracle
// timestamp, every configuration run and evaluated against it, on several threads, with results
// in the order the configurations were listed.

#include <functional>
#include <span>
#include <vector>

#include "tidemark/core/runtime/metrics.hpp"
#include "tidemark/core/runtime/run_config.hpp"
#include "tidemark/core/trace_io/trace.hpp"
#include "tidemark/runner/evaluation.hpp"
#include "tidemark/runner/profile_runs.hpp"

namespace tidemark {

// The values `compare` sweeps; the configurations are their cross product.
struct CompareGrid {
  RunConfig base;  // window, partitions, idle timeout, schedule; the swept fields are overwritten
  std::vector<TimestampSource> timestamps{TimestampSource::kEvent};
  std::vector<WatermarkSpec> watermarks{WatermarkSpec::bounded(Duration{0})};
  std::vector<ClockMode> clocks{ClockMode::kWatermark};
  std::vector<LatenessPolicy> policies{LatenessPolicy::drop()};

  // Timestamp-major, then watermark, clock, and the policy varying fastest, each in listed order.
  std::vector<RunConfig> configurations() const;
};

// One configuration's run and its evaluation against the oracle.
struct ConfigurationResult {
  RunConfig config;
  TimestampSource oracle_source = TimestampSource::kEvent;
  Metrics metrics;
  Evaluation evaluation;
  double wall_seconds = 0;  // the run alone, without its evaluation
};

// Seconds on a monotonic clock; injected, since library code does not read the wall clock.
using Stopwatch = std::function<double()>;

// Runs the oracle for each distinct oracle timestamp and every configuration on up to `threads`
// threads (1 = the calling thread only). Row i belongs to configs[i] whatever the thread count,
// and every field but wall_seconds is identical across thread counts. Throws ConfigError for a
// configuration the trace cannot run, before running anything.
std::vector<ConfigurationResult> compare(const Trace& trace, std::span<const RunConfig> configs,
                                         unsigned threads, const Stopwatch& now);
// Same, with the trace's partition_count() already at hand (it scans every record), each
// configuration run under `rules` (an engine profile's; the oracle is tidemark's whatever the
// rules), and, where `threads_started` is given, how many threads it started: fewer than
// `threads` when there are fewer tasks (an oracle, and a run, completeness and evaluation per
// configuration) or the system would start no more.
std::vector<ConfigurationResult> compare(const Trace& trace, PartitionId present,
                                         std::span<const RunConfig> configs, const Rules& rules,
                                         unsigned threads, const Stopwatch& now,
                                         unsigned* threads_started);

}  // namespace tidemark
