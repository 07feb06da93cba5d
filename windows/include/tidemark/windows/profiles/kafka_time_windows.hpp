#pragma once
// Kafka Streams' tumbling and hopping windows: TimeWindows.windowsFor and
// KStreamWindowAggregate (apache/kafka streams/src/main/java/org/apache/kafka/streams/kstream/
// TimeWindows.java#windowsFor, kstream/internals/KStreamWindowAggregate.java
// #KStreamWindowAggregateProcessor.process).

#include <cstdint>
#include <map>
#include <utility>

#include "tidemark/core/trace_io/key_table.hpp"
#include "tidemark/windows/profiles/kafka_streams.hpp"
#include "tidemark/windows/profiles/profile_window_state.hpp"

namespace tidemark {

// A is the aggregator of each window (StatsAggregator, StatsAndValuesAggregator).
template <Aggregator A>
class KafkaTimeWindows {
 public:
  KafkaTimeWindows(int64_t size, int64_t advance, int64_t grace, int64_t retention, KafkaEmit emit,
                   const KeyTable& keys)
      : size_(size),
        advance_(advance),
        grace_(grace),
        retention_(retention),
        emit_(emit),
        keys_(keys) {}

  // One record at stream time `stream_time` (including it). Returns whether a window took it.
  bool process(KeyId key, int64_t ts, double value, int64_t stream_time, ResultForwarder& out);
  // After each record: on-close forwards the windows that closed and that the store's fetch
  // still finds (see store_time_); both forget them.
  void after_record(int64_t stream_time, ResultForwarder& out);
  uint64_t open_windows() const { return windows_.size(); }
  uint64_t state_bytes() const {
    return windows_.size() * kTreeNodeBytes<typename decltype(windows_)::value_type>;
  }

 private:
  using WindowId = std::pair<int64_t, KeyId>;  // (start, key): Kafka's time-ordered store
  int64_t size_, advance_, grace_, retention_;
  KafkaEmit emit_;
  const KeyTable& keys_;
  std::map<WindowId, ProfileWindowValue<A>> windows_;
  bool emitted_once_ = false;
  int64_t last_emit_close_time_ = 0;
  // The on-close store's observedStreamTime: the largest window start put. Its fetchAll finds
  // only starts >= store_time_ - retention (AbstractRocksDBTimeOrderedSegmentedBytesStore
  // #fetchAll, AbstractDualSchemaRocksDBSegmentedBytesStore#getActualFrom, time-first schema).
  int64_t store_time_ = -1;  // ConsumerRecord.NO_TIMESTAMP
};

}  // namespace tidemark
