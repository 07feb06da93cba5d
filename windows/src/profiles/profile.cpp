#include "tidemark/windows/profiles/profile.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "tidemark/core/error.hpp"
#include "tidemark/core/runtime/state_budget.hpp"
#include "tidemark/core/trace_io/binary_trace.hpp"

namespace tidemark {

Profile parse_profile(std::string_view text) {
  if (text == "generic") return Profile::kGeneric;
  if (text == "flink") return Profile::kFlink;
  if (text == "kafka-streams") return Profile::kKafkaStreams;
  throw ConfigError(fmt::format("--profile {}: expected generic, flink or kafka-streams", text));
}

std::string_view to_string(Profile p) {
  switch (p) {
    case Profile::kGeneric:
      return "generic";
    case Profile::kFlink:
      return "flink";
    case Profile::kKafkaStreams:
      return "kafka-streams";
  }
  return "?";
}

PartitionId profile_partitions(const Trace& trace, TimestampSource timestamp,
                               std::optional<PartitionId> partitions) {
  if (const std::string_view name = missing_column(timestamp, trace.columns); !name.empty()) {
    throw ConfigError(fmt::format("--timestamp {} needs column \"{}\", which {} does not have",
                                  to_string(timestamp), name, trace.source));
  }
  const PartitionId present = trace.partition_count();
  if (!partitions) return std::max<PartitionId>(present, 1);
  const PartitionId n = *partitions;
  if (n == 0 || n > kMaxPartitions) {
    throw ConfigError(fmt::format("--partitions must be in [1, {}], got {}", kMaxPartitions, n));
  }
  for (const Event& e : trace.records()) {
    if (e.partition >= n) {
      throw ConfigError(fmt::format("--partitions {}: {} {} {} has partition {}", n, trace.source,
                                    is_binary_trace_path(trace.source) ? "record" : "line", e.row,
                                    e.partition));
    }
  }
  return n;
}

void check_profile_state(Profile profile, const WindowSpec& window, uint64_t limit,
                         uint64_t bytes) {
  if (bytes <= limit) [[likely]]
    return;
  throw StateLimitError(fmt::format(
      "--max-state {} exceeded: the window state of {} under --profile {} reached {}; try a "
      "shorter window or grace, or a larger --max-state",
      format_size(limit), window.to_string(), to_string(profile), format_size(bytes)));
}

}  // namespace tidemark
