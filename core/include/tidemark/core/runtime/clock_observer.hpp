#pragma once
// What the Driver tells about its clock (--clock-output): the observer is a type chosen once per
// run, so a run without clock output compiles to the loop it had (NoClockObserver is empty).

#include "tidemark/core/event.hpp"
#include "tidemark/core/output/clock_changes.hpp"
#include "tidemark/core/time/time.hpp"

namespace tidemark {

// Told by EventClock when a partition turns idle or active (--idle-timeout), at processing time
// `proc`. Status changes are rare, so one pointer test per change is all they cost without it.
class PartitionStatusListener {
 public:
  virtual void on_status(PartitionId p, bool idle, Timestamp proc) = 0;

 protected:
  ~PartitionStatusListener() = default;
};

// No clock output: nothing to do, and the Driver calls nothing.
struct NoClockObserver {
  static constexpr bool kActive = false;
};

// Clock output: rows to a ClockSink, each naming the record being processed.
class ClockTracer final : public PartitionStatusListener {
 public:
  static constexpr bool kActive = true;
  explicit ClockTracer(ClockSink& sink) : sink_(&sink) {}

  // Before the record's clock update.
  void on_record(const Event& e) {
    row_ = e.row;
    partition_ = e.partition;
  }
  // Before the end-of-input flush: what follows has no row and no partition.
  void on_end() {
    cause_ = ClockChange::Cause::kEnd;
    row_ = 0;
    partition_.reset();
  }
  void on_clock(Timestamp clock, Timestamp proc) {
    clock_ = clock;
    sink_->on_clock({cause_, row_, partition_, clock, ClockChange::Status::kNone, proc});
  }
  void on_status(PartitionId p, bool idle, Timestamp proc) override {
    sink_->on_clock({cause_, row_, p, clock_,
                     idle ? ClockChange::Status::kIdle : ClockChange::Status::kActive, proc});
  }

 private:
  ClockSink* sink_;
  ClockChange::Cause cause_ = ClockChange::Cause::kRow;
  uint64_t row_ = 0;
  std::optional<PartitionId> partition_;
  Timestamp clock_ = Timestamp::min();  // the last value told
};

}  // namespace tidemark
