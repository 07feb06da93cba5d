#pragma once
// A configuration run under an engine profile, in the terms `compare` evaluates: emissions with
// tidemark's half-open window bounds, the run's metrics, and the order it took the records in.
// The oracle stays tidemark's (every event accepted, windows by the oracle time), so that every
// profile is measured against the same complete answer.

#include <cstdint>
#include <variant>
#include <vector>

#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/runtime/metrics.hpp"
#include "tidemark/core/runtime/run_config.hpp"
#include "tidemark/core/trace_io/trace.hpp"
#include "tidemark/windows/profiles/flink.hpp"
#include "tidemark/windows/profiles/kafka_streams.hpp"

namespace tidemark {

// Whose rules `compare` runs the configurations under. An engine's options that the grid does
// not sweep (Flink's watermark interval, Kafka's emit strategy, ...) ride along in its config;
// the swept fields are taken from each RunConfig.
struct GenericRules {};
struct FlinkRules {
  FlinkConfig options;
};
struct KafkaStreamsRules {
  KafkaStreamsConfig options;
};
using Rules = std::variant<GenericRules, FlinkRules, KafkaStreamsRules>;

// The engine run for one configuration: window, lateness (grace:G as allowed lateness or grace,
// drop as 0), timestamps, partitions, the state limit, and for flink the watermark, idleness and
// end of input. Throws ConfigError for what the engine cannot express.
FlinkConfig flink_config(const RunConfig& run, FlinkConfig options);
KafkaStreamsConfig kafka_streams_config(const RunConfig& run, KafkaStreamsConfig options);

// A profile's row as tidemark names the window: Kafka's sliding [s, e] is [s, e + 1), its
// session [first, last] is [first, last + gap); time windows and Flink's sessions are already
// half-open. `clock` is the profile's clock (Flink's watermark, Kafka's stream time).
Emission to_emission(const ProfileResult& r, const WindowSpec& window, bool kafka_bounds);

struct ProfileRunOutput {
  std::vector<Emission> emissions;
  Metrics metrics;
  std::vector<uint32_t> order;  // indices into trace.records(); empty: the trace's own order
};

// Runs `run` under `rules` (not GenericRules: run() does that) and converts what it emitted.
ProfileRunOutput run_profile(const Trace& trace, const RunConfig& run, const FlinkRules& rules);
ProfileRunOutput run_profile(const Trace& trace, const RunConfig& run,
                             const KafkaStreamsRules& rules);

}  // namespace tidemark
