#pragma once
// Each partition's watermark generator as Flink runs it: BoundedOutOfOrderness watermarks
// (max - D - 1), optionally wrapped in WatermarksWithIdleness, emitted by the partition's
// TimestampsAndWatermarksOperator every `interval` of processing time, and only when they rise.
// Sources (apache/flink):
//   flink-core/src/main/java/org/apache/flink/api/common/eventtime/
//     BoundedOutOfOrdernessWatermarks.java @3cf402c6759173b0fe48de1567a6cf58000ead72
//     WatermarksWithIdleness.java#onPeriodicEmit, IdlenessTimer#checkIfIdle
//       @58447ca459535c32ed1fcd040aff23678f92aa0c
//   flink-streaming-java/src/main/java/org/apache/flink/streaming/runtime/operators/
//     TimestampsAndWatermarksOperator.java#open, #onProcessingTime, #processElement, #close,
//     WatermarkEmitter @347216fb26992b68c5a773a2a43a4b8c11437339
//
// Processing time is the trace's (receive time); every partition's operator opens at the first
// row's processing time, so ticks fall at open + k * interval for all of them, and at a tick the
// partitions emit in partition order. Interval 0 is tidemark's "after every record" (Flink's 0
// turns periodic emission off).

#include <cstdint>
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
    bool operator==(const Change&) const = default;
  };

  FlinkPeriodicWatermarks(uint32_t partitions, Config config);

  // Processing time has reached `now` (before the row that brought it is processed): the ticks
  // due by then fire. Appends to `out`.
  void advance_to(int64_t now, std::vector<Change>& out);
  // After the record was forwarded: its generator sees it (onEvent).
  void on_record(uint32_t partition, int64_t timestamp, std::vector<Change>& out);
  // The end of input: one last periodic emit at `now` (TimestampsAndWatermarksOperator#close).
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
  };

  // TimestampsAndWatermarksOperator#onProcessingTime for one partition at processing time `now`.
  void periodic_emit(uint32_t p, int64_t now, std::vector<Change>& out);
  // IdlenessTimer#checkIfIdle.
  bool check_if_idle(Partition& s, int64_t now) const;
  // WatermarkEmitter#emitWatermark: only a rise is emitted, after ACTIVE if it was idle.
  void emit_watermark(uint32_t p, int64_t watermark, std::vector<Change>& out);
  void fire_tick(int64_t tick, std::vector<Change>& out);

  Config config_;
  std::vector<Partition> partitions_;
  bool opened_ = false;
  int64_t next_tick_ = 0;
  std::vector<std::pair<int64_t, uint32_t>> turns_;  // (tick, partition): reused
};

}  // namespace tidemark
