#pragma once
// The kafka-streams profile: what a Kafka Streams application's windowed aggregation would
// forward for a trace (docs/profiles.md). Kafka's rules are read from apache/kafka at
// 1eb7644349cb07139d6a3c1ad1986979647cac99; each rule names its source where it is implemented.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tidemark/core/output/clock_changes.hpp"
#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/runtime/metrics.hpp"
#include "tidemark/core/runtime/timestamp_extractor.hpp"
#include "tidemark/core/trace_io/key_table.hpp"
#include "tidemark/core/trace_io/trace.hpp"
#include "tidemark/core/window.hpp"
#include "tidemark/windows/profiles/profile_result.hpp"

namespace tidemark {

// EmitStrategy.onWindowUpdate() with caching disabled (every accepted record forwards each
// window it changed), or EmitStrategy.onWindowClose() with the emit interval 0.
enum class KafkaEmit { kOnUpdate, kOnClose };
// What a result carries besides count/sum/min/max/mean: `collect` adds the window's values in
// Kafka's aggregation order, as the engine's tests assert with string concatenation.
enum class KafkaValues { kStats, kCollect };

KafkaEmit parse_kafka_emit(std::string_view text);      // on-update | on-close; ConfigError
KafkaValues parse_kafka_values(std::string_view text);  // stats | collect; ConfigError

struct KafkaStreamsConfig {
  WindowSpec window = TumblingSpec(Duration{60'000});
  Duration grace{};  // --lateness grace:G, or 0 for drop
  KafkaEmit emit = KafkaEmit::kOnUpdate;
  KafkaValues values = KafkaValues::kStats;
  TimestampSource timestamp = TimestampSource::kEvent;  // Kafka's TimestampExtractor
  // Materialized.withRetention: how far back (from the largest window start, session end, the
  // store was given) the window store still finds windows. Default: the DSL's, size + grace
  // (time windows), 2 x d + grace (sliding), gap + grace (sessions).
  std::optional<Duration> retention;
  std::optional<PartitionId> partitions;
  uint64_t max_state = UINT64_MAX;  // --max-state: the most window state, in bytes
};

// Checks what Kafka Streams cannot express (an offset; a retention below the DSL's minimum);
// throws ConfigError with one line.
void validate(const KafkaStreamsConfig& config);
// The retention the run uses: config.retention, or the DSL's default.
Duration retention_of(const KafkaStreamsConfig& config);

// Runs the whole trace under Kafka's rules. Records are taken in PartitionGroup order (see
// kafka_processing_order); records added to no window, and records with a negative timestamp
// (which Kafka drops at the source), go to `late`. With `clock`, each rise of stream time goes
// there too (--clock-output; Kafka has no idleness). Throws ConfigError.
RunResult run_kafka_streams(const Trace& trace, const KafkaStreamsConfig& config,
                            ProfileResultSink& results, LateSink& late, ClockSink* clock = nullptr);

// The order PartitionGroup.nextRecord takes the trace's records in (indices into records()):
// within a partition trace order is offset order; a record is in its partition's buffer from
// its receive_time on (the largest receive_time up to it in its partition, as a partition is
// fetched in offset order; without a receive_time column every record is buffered from the
// start). Among buffered partitions the one whose head has the smallest timestamp goes next;
// ties go to the smaller partition id (Kafka leaves them to heap order). Processing takes no
// time, and an empty partition does not hold the others back (max.task.idle.ms 0, lag 0).
// Negative timestamps are left in place: the caller drops them when they reach the head.
std::vector<uint32_t> kafka_processing_order(const Trace& trace, TimestampSource source);

}  // namespace tidemark
