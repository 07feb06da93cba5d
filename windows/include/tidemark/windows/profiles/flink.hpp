#pragma once
// The flink profile: what a Flink DataStream job, keyBy(key).window(assigner) with the default
// EventTimeTrigger, allowedLateness(G) and a BoundedOutOfOrderness watermark per partition, would
// emit for a trace (docs/profiles.md). Each rule names its source in apache/flink where it is
// implemented. Rows are the profiles' shared row type (ProfileResult; `ts` = window end - 1).

#include <cstdint>
#include <optional>
#include <string_view>

#include "tidemark/core/output/clock_changes.hpp"
#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/runtime/metrics.hpp"
#include "tidemark/core/runtime/timestamp_extractor.hpp"
#include "tidemark/core/trace_io/trace.hpp"
#include "tidemark/core/window.hpp"
#include "tidemark/windows/profiles/profile_result.hpp"

namespace tidemark {

// How each partition's watermark is made.
enum class FlinkWatermarks {
  // WatermarkStrategy.forBoundedOutOfOrderness(D): max timestamp - D - 1, emitted every
  // watermark_interval of processing time (flink_periodic_watermarks.hpp).
  kBounded,
  // A `kind=W` row is a watermark the partition's source emitted, taken as it is.
  kPunctuated,
};

// The window's trigger (flink_windows.hpp): event-time, or PurgingTrigger.of(EventTimeTrigger).
enum class FlinkTrigger { kEventTime, kPurging };
FlinkTrigger parse_flink_trigger(std::string_view text);  // event-time | purging; ConfigError

struct FlinkConfig {
  WindowSpec window = TumblingSpec(Duration{60'000});  // tumbling, hopping or session
  Duration allowed_lateness{};                         // --lateness grace:G, or 0 for drop
  FlinkWatermarks watermarks = FlinkWatermarks::kBounded;
  FlinkTrigger trigger = FlinkTrigger::kEventTime;
  Duration out_of_orderness{};  // D of bounded
  // pipeline.auto-watermark-interval; 0: after every record (tidemark's; Flink's 0 turns
  // periodic watermarks off).
  Duration watermark_interval{200};
  std::optional<Duration> idle_timeout;  // WatermarkStrategy.withIdleness: bounded, interval > 0
  TimestampSource timestamp = TimestampSource::kEvent;
  std::optional<PartitionId> partitions;
  bool end_of_input_watermark = true;  // Watermark.MAX_WATERMARK at the end (--end flush)
  uint64_t max_state = UINT64_MAX;     // --max-state: the most window state, in bytes
};

// Throws ConfigError (one line) for what Flink's assigners and strategies cannot express.
void validate(const FlinkConfig& config);

// Runs the trace in arrival order under Flink's rules. Events added to no window go to `late`
// (WindowOperator's side output for late data). `clock` in the rows is the operator's current
// watermark. With `clock`, each change of that watermark (the valve's output) and each partition
// turning idle or active goes there too (--clock-output). Throws ConfigError.
RunResult run_flink(const Trace& trace, const FlinkConfig& config, ProfileResultSink& results,
                    LateSink& late, ClockSink* clock = nullptr);

}  // namespace tidemark
