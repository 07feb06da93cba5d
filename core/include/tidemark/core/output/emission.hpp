#pragma once
// What a run produces: window emissions and late events, delivered to sinks.

#include <cstdint>
#include <vector>

#include "tidemark/core/event.hpp"
#include "tidemark/core/window.hpp"

namespace tidemark {

enum class EmissionKind : uint8_t { kOnTime, kUpdate, kRetract };
std::string_view to_string(EmissionKind k);

// The lowered aggregate of one window: count, sum, min, max, mean of the values.
struct WindowStats {
  uint64_t count = 0;
  double sum = 0, min = 0, max = 0, mean = 0;
  friend bool operator==(const WindowStats&, const WindowStats&) = default;
};

// One result record (docs/design.md §7); `seq` numbers emissions from 1 in emission order.
struct Emission {
  KeyId key = 0;
  Window window;
  WindowStats stats;
  EmissionKind kind = EmissionKind::kOnTime;
  Timestamp clock;
  Timestamp proc_time;
  uint64_t seq = 0;
};

// One event that no window accepted.
struct LateEvent {
  uint64_t row = 0;
  PartitionId partition = 0;
  KeyId key = 0;
  Timestamp event_time;
  Timestamp extracted_time;
  Timestamp clock;
};
// Every late event has the same cause: the clock had passed the close time of all its windows.
inline constexpr std::string_view kLateReason = "window_closed";

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void on_emission(const Emission& e) = 0;
};

class LateSink {
 public:
  virtual ~LateSink() = default;
  virtual void on_late(const LateEvent& e) = 0;
};

// Discards everything (benchmarks, counting-only runs).
class NullSink final : public ResultSink, public LateSink {
 public:
  void on_emission(const Emission&) override {}
  void on_late(const LateEvent&) override {}
};

// Keeps everything in memory (tests, the compare command).
class CollectingSink final : public ResultSink, public LateSink {
 public:
  void on_emission(const Emission& e) override { emissions.push_back(e); }
  void on_late(const LateEvent& e) override { late.push_back(e); }
  std::vector<Emission> emissions;
  std::vector<LateEvent> late;
};

}  // namespace tidemark
