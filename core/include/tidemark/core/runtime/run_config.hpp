#pragma once
// Everything one run needs besides the trace; each field has a CLI option of the same name.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "tidemark/core/runtime/lateness.hpp"
#include "tidemark/core/runtime/timestamp_extractor.hpp"
#include "tidemark/core/time/time.hpp"
#include "tidemark/core/window.hpp"

namespace tidemark {

// Per-partition watermark generator: bounded:DELAY (max seen - DELAY) or punctuated (W rows).
struct WatermarkSpec {
  enum class Kind { kBounded, kPunctuated };
  Kind kind = Kind::kBounded;
  Duration delay{};

  static WatermarkSpec bounded(Duration delay);
  static WatermarkSpec punctuated() { return {Kind::kPunctuated, {}}; }
  static WatermarkSpec parse(std::string_view text);
  std::string to_string() const;
};

// What closes windows: the min-of-inputs watermark, or stream time (max extracted time seen).
enum class ClockMode { kWatermark, kStreamTime };
// The order events are processed in.
enum class Schedule { kArrival, kEventTime };
// What happens to open windows at the end of the trace.
enum class EndMode { kFlush, kKeep };

ClockMode parse_clock_mode(std::string_view text);
Schedule parse_schedule(std::string_view text);
EndMode parse_end_mode(std::string_view text);
std::string_view to_string(ClockMode m);
std::string_view to_string(Schedule s);
std::string_view to_string(EndMode e);

// --max-state: the most bytes of state (window state and the clock's per-partition state) a run
// may hold. `compare` shares one limit among the runs it holds at once: each gets per_run().
struct StateLimit {
  static constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();
  uint64_t bytes = kUnlimited;
  uint32_t shared_by = 1;
  uint64_t per_run() const { return bytes / shared_by; }
};

struct RunConfig {
  WindowSpec window = TumblingSpec(Duration{60'000});
  TimestampSource timestamp = TimestampSource::kEvent;
  WatermarkSpec watermark{};
  ClockMode clock = ClockMode::kWatermark;
  std::optional<Duration> idle_timeout;
  std::optional<PartitionId> partitions;  // default: 1 + largest partition id in the trace
  Schedule schedule = Schedule::kArrival;
  LatenessPolicy lateness = LatenessPolicy::drop();
  EndMode end = EndMode::kFlush;
  StateLimit max_state;
};

}  // namespace tidemark
