#pragma once
// Each partition's watermark generator as Flink runs it: BoundedOutOfOrderness watermarks
// (max - D - 1), optionally wrapped in WatermarksWithIdleness, emitted by the partition's
// TimestampsAndWatermarksOperator every `interval` of processing time, and only when they rise.
// Sources (apache/flink):
//   flink-core/src/main/java/org/apache/flink/api/common/eventtime/
//     BoundedOutOfOrdernessWatermarks.java @3cf402c6759173b0fe48de1567a6cf58000ead72
//     WatermarksWithIdleness.java#onEvent, #onPeriodicEmit, IdlenessTimer#checkIfIdle
//       @30819a55 (isIdleNow; the older @58447ca459535c32ed1fcd040aff23678f92aa0c re-marks idle
//       on every check, which the valve cannot tell apart)
//   flink-streaming-java/src/main/java/org/apache/flink/streaming/runtime/operators/
//     TimestampsAndWatermarksOperator.java#open, #onProcessingTime, #processElement, #close,
//     WatermarkEmitter @347216fb26992b68c5a773a2a43a4b8c11437339
//
// A partition turns idle more than timeout + interval and at most timeout + 3 * interval after
// its last record: the tick after it resets the timer, the next starts it, and the first tick
// more than timeout after the start finds it idle.
//
// Processing time is the trace's (receive time); every partition's operator opens at the first
// row's processing time, so ticks fall at open + k * interval for all of them, and at a tick the
// partitions emit in partition order. Interval 0 is tidemark's "after every record" (Flink's 0
// turns periodic emission off).

#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

namespace tidemark {

class FlinkPeriodicWatermarks {
 public:
  struct Config {
    int64_t out_of_orderness = 0;         // D
    int64_t interval = 200;               // ms of processing time; 0: after every record
    std::optional<int64_t> idle_timeout;  // withIdleness(timeout), > 0; needs interval > 0
  };
  // What the valve hears from a partition's operator, in order.
  struct Change {
    uint32_t partition = 0;
    enum class Kind : uint8_t { kWatermark, kIdle, kActive } kind = Kind::kWatermark;
    int64_t watermark = 0;  // with kWatermark
    int64_t at = 0;         // the processing time of the emit (a tick, or the record's)
    bool operator==(const Change&) const = default;
  };

  FlinkPeriodicWatermarks(uint32_t partitions, Config config);

  // Processing time has reached `now` (before the row that brought it is processed): the ticks
  // due by then fire. Appends to `out`.
  void advance_to(int64_t now, std::vector<Change>& out);
  // After the record (processed at `now`) was forwarded: its generator sees it (onEvent).
  void on_record(uint32_t partition, int64_t timestamp, int64_t now, std::vector<Change>& out);
  // The end of input without a final Long.MAX_VALUE watermark (--end keep): one last periodic
  // emit at `now` (TimestampsAndWatermarksOperator#close, #finish from Flink 1.14). With that
  // watermark Flink's operator forwards it first, and the last emit cannot rise above it.
  void close(int64_t now, std::vector<Change>& out);

 private:
  struct Partition {
    int64_t max_timestamp = 0;
    int64_t emitted;             // WatermarkEmitter.currentWatermark
    bool status_idle = false;    // WatermarkEmitter: IDLE was sent and no watermark since
    bool idle_now = false;       // WatermarksWithIdleness.isIdleNow
    uint64_t counter = 0;        // IdlenessTimer: records seen
    uint64_t last_counter = 0;   // ... at the last check
    bool timer_started = false;  // ... startOfInactivity set
    int64_t start_of_inactivity = 0;
    bool touched = false;  // records since the last tick
  };

  // TimestampsAndWatermarksOperator#onProcessingTime for one partition at processing time `now`.
  void periodic_emit(uint32_t p, int64_t now, std::vector<Change>& out);
  // IdlenessTimer#checkIfIdle; a timer it starts joins waiting_.
  bool check_if_idle(uint32_t p, int64_t now);
  // WatermarkEmitter#emitWatermark: only a rise is emitted, after ACTIVE if it was idle.
  void emit_watermark(uint32_t p, int64_t watermark, int64_t now, std::vector<Change>& out);
  // A periodic emit of every partition at `tick`, made only where it can change something: the
  // partitions with records since the last tick, those reset then (their timers start now), and
  // those whose idleness timer has run out. The others' emits would change nothing.
  void fire_tick(int64_t tick, std::vector<Change>& out);
  // Whether waiting_'s entry still names p's running timer.
  bool waiting(const std::pair<int64_t, uint32_t>& entry) const;

  Config config_;
  std::vector<Partition> partitions_;
  bool opened_ = false;
  bool ticked_ = false;  // the first tick starts every partition's idleness timer
  int64_t next_tick_ = 0;
  std::vector<uint32_t> touched_;    // partitions with records since the last tick
  std::vector<uint32_t> resetting_;  // timers reset at the last tick: they start at the next
  // (start of inactivity, partition) of running idleness timers, by start; stale entries of reset
  // timers are skipped, and dropped when they outnumber the partitions.
  std::deque<std::pair<int64_t, uint32_t>> waiting_;
  std::vector<uint32_t> candidates_;                 // reused
  std::vector<std::pair<int64_t, uint32_t>> turns_;  // (tick, partition): reused
};

}  // namespace tidemark
