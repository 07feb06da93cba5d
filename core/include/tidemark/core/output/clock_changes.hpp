#pragma once
// `--clock-output`: one row each time the combined clock changes or a partition turns idle or
// active, in processing order, so that "which partition holds the clock back?" can be answered
// from outside (docs/commands.md#outputs-of-replay).

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tidemark/core/event.hpp"
#include "tidemark/core/time/time.hpp"

namespace tidemark {

struct ClockChange {
  // What made the change: the trace row `row` being processed, a periodic watermark tick that
  // fell due before row `row` (flink), or the end of input (no row).
  enum class Cause : uint8_t { kRow, kTick, kEnd };
  // kNone: the clock changed to `clock`; otherwise `partition` turned idle or active, and `clock`
  // is the combined clock at that moment (a change it causes follows as a row of its own).
  enum class Status : uint8_t { kNone, kIdle, kActive };

  Cause cause = Cause::kRow;
  uint64_t row = 0;  // as LateEvent::row; not with kEnd
  std::optional<PartitionId> partition;
  Timestamp clock = Timestamp::min();
  Status status = Status::kNone;
  Timestamp proc_time = Timestamp::min();
  bool operator==(const ClockChange&) const = default;
};

class ClockSink {
 public:
  virtual ~ClockSink() = default;
  virtual void on_clock(const ClockChange& c) = 0;
};

class CollectingClockSink final : public ClockSink {
 public:
  void on_clock(const ClockChange& c) override { changes.push_back(c); }
  std::vector<ClockChange> changes;
};

// {"row":12,"partition":0,"cause":"row","clock":5000,"status":null,"proc_time":5200} without the
// newline; `row` and `partition` are null where there is none, times are milliseconds as in
// results (-inf and +inf are the int64 extremes).
void append_json(std::string& out, const ClockChange& c);

// The rows as JSON Lines, through a buffer written out in blocks of 64 KiB. A failed write throws
// WriteError.
class JsonLinesClockWriter final : public ClockSink {
 public:
  explicit JsonLinesClockWriter(std::ostream& out) : out_(out) {}
  void on_clock(const ClockChange& c) override;
  void flush();

 private:
  std::ostream& out_;
  std::string buffer_;
};

}  // namespace tidemark
