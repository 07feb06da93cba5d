#pragma once
// Engine profiles: whose rules a run follows. Chosen once per run; each profile is its own
// rule type (its own operators and loop), never a flag inside another profile's operators.

#include <cstdint>
#include <optional>
#include <string_view>

#include "tidemark/core/runtime/timestamp_extractor.hpp"
#include "tidemark/core/trace_io/trace.hpp"
#include "tidemark/core/window.hpp"

namespace tidemark {

enum class Profile {
  kGeneric,       // tidemark's own rules (docs/design.md)
  kFlink,         // Flink DataStream WindowOperator with the event-time trigger
  kKafkaStreams,  // Kafka Streams KStream*WindowAggregate with PartitionGroup and stream time
};

// Throws ConfigError naming --profile for anything but generic | flink | kafka-streams.
Profile parse_profile(std::string_view text);
std::string_view to_string(Profile p);

// The partitions a profile's run has: `partitions` (--partitions), checked against the trace, or
// 1 + the largest partition id in it. Throws ConfigError, also when the trace lacks the column
// `timestamp` reads.
PartitionId profile_partitions(const Trace& trace, TimestampSource timestamp,
                               std::optional<PartitionId> partitions);

// --max-state under a profile: throws StateLimitError (one line) when a run's window state,
// `bytes`, exceeds `limit`.
void check_profile_state(Profile profile, const WindowSpec& window, uint64_t limit, uint64_t bytes);

}  // namespace tidemark
