#pragma once
// How good one run's answer was, measured against the oracle (the complete answer): completeness,
// exact windows, first-emission error, emission latency, churn. Pure functions of a run's
// emissions and metrics, the oracle's emissions and the trace; the definitions are in
// docs/metrics.md and each function's comment names the one it implements.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/runtime/metrics.hpp"
#include "tidemark/core/runtime/run_config.hpp"
#include "tidemark/core/trace_io/trace.hpp"

namespace tidemark {

// The timestamp the oracle windows by: true_time when the trace has it, else the run's extractor.
TimestampSource oracle_time_source(const Trace& trace, TimestampSource run_source);

// The oracle's configuration: every event accepted, every window fired once at the end of the
// trace (wait:+inf, flush), windowed by `source`; partitions and schedule as in `base`.
RunConfig oracle_config(const RunConfig& base, TimestampSource source);

// One window of the complete answer.
struct WindowAnswer {
  KeyId key = 0;
  Window window;
  WindowStats stats;
};

// The complete answer: the final, non-retracted result of every (key, window), sorted by key,
// start, end.
class Oracle {
 public:
  Oracle() = default;
  // Keeps, per (key, window), the last emission unless that is a retraction.
  static Oracle from_emissions(std::span<const Emission> emissions);

  std::span<const WindowAnswer> windows() const { return windows_; }
  const WindowAnswer* find(KeyId key, Window w) const;

 private:
  std::vector<WindowAnswer> windows_;
};

// What happened to one (key, window) in a run: its first and last non-retract emissions.
struct WindowHistory {
  KeyId key = 0;
  Window window;
  WindowStats first, last;
  Timestamp first_proc, last_proc;  // processing time of the first and last non-retract emission
  uint32_t emissions = 0;           // non-retract emissions
  bool retracted = false;           // its last emission is a retraction: superseded by a merge
  bool flushed = false;             // first emitted by the end-of-trace flush (clock +inf)
};

// One history per (key, window) the run emitted anything for, sorted by key, start, end.
std::vector<WindowHistory> window_histories(std::span<const Emission> emissions);

// Nearest-rank percentile of `values` (sorted in place): the value at rank ceil(p/100 * n),
// 1-based; 0 for no values. p in (0, 100].
double percentile(std::vector<double>& values, double p);

// Share of contributions delivered: contributions / delivered / ratio.
struct Completeness {
  uint64_t contributions = 0;  // (event, oracle window containing it) pairs; = events for tumbling
  uint64_t delivered = 0;      // of those, in the run's final emission of that window
  double ratio = 1.0;          // delivered / contributions (1 when there are none)
};

// Tumbling and hopping windows: a contribution (event e, oracle window w of e's oracle time) is
// delivered iff the run windowed e into w (its run-extracted time is in w) and e is in the
// accepted prefix of w: the clock never decreases, so the events a window accepted are the first
// `count of its last emission` of its events in processing order. Sliding and session windows
// have no fixed window per event: there an event is delivered iff the run accepted it, and an
// accepted event is in the final emission of the window holding it at the flush.
Completeness completeness(const Trace& trace, const RunConfig& config,
                          TimestampSource oracle_source, std::span<const Emission> emissions,
                          const Metrics& metrics);
// The same for a run that windowed the records by `run_time` into `window`, taking them in
// `order` (indices into trace.records(); empty: the trace's own order). The accepted-prefix
// argument holds for every run whose clock never decreases: the engine profiles' too, with
// PartitionGroup's order under kafka-streams.
Completeness completeness(const Trace& trace, const WindowSpec& window, TimestampSource run_time,
                          std::span<const uint32_t> order, TimestampSource oracle_source,
                          std::span<const Emission> emissions, const Metrics& metrics);
// For windows that share no event, where a window merged into another is retracted (Kafka
// Streams' sessions, whose last windows may never be emitted): each event counts once, and is
// delivered iff a final, non-retracted emission holds it; so delivered is the sum of the final
// emissions' counts.
Completeness completeness_of_disjoint_windows(std::span<const Emission> emissions,
                                              const Metrics& metrics);

// p50, p99, max of a sample of latencies in ms (signed; processing and event clocks may differ);
// no value without a sample (every window emitted by the end-of-trace flush): 0 would read as
// "emitted at the window's end".
struct LatencyStats {
  uint64_t samples = 0;
  std::optional<double> p50, p99, max;
};

// Mean and p99 of a sample of relative errors; no value without a sample (no oracle window).
struct ErrorStats {
  std::optional<double> mean, p99;
};

// Everything `compare` reports about one run beside its Metrics.
struct Evaluation {
  Completeness completeness;
  uint64_t oracle_windows = 0;
  uint64_t exact_windows = 0;        // last emission equals the oracle (count and sum)
  uint64_t first_exact_windows = 0;  // first emission equals the oracle
  double exact_share = 1.0;
  double first_exact_share = 1.0;
  ErrorStats first_count_error, first_sum_error;  // relative, over oracle windows
  uint64_t extra_windows = 0;                     // emitted, not retracted, and not in the oracle
  uint64_t windows_emitted = 0;                   // (key, window) pairs with at least one emission
  uint64_t windows_flushed = 0;  // of those, first emitted by the end-of-trace flush
  // Processing time of the emission - window end, in ms, over the windows first emitted while
  // the trace ran (a flushed window's latency says how long the trace went on, not the policy).
  LatencyStats latency_first, latency_last;
  // No value when no window was emitted.
  std::optional<double> updates_per_window, retractions_per_window;
};

// |run - oracle| / |oracle|; when the oracle value is 0: 0 if equal, else 1.
double relative_error(double run, double oracle);

// Whether two window results agree on count and (to 1e-9 relative) sum.
bool same_result(const WindowStats& run, const WindowStats& oracle);

// Exact windows, first-emission error, latency and churn of a run against the oracle.
Evaluation evaluate_windows(std::span<const Emission> emissions, const Oracle& oracle);

// evaluate_windows plus completeness.
Evaluation evaluate(const Trace& trace, const RunConfig& config, TimestampSource oracle_source,
                    std::span<const Emission> emissions, const Metrics& metrics,
                    const Oracle& oracle);

}  // namespace tidemark
