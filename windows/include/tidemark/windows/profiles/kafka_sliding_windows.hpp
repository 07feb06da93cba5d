#pragma once
// Kafka Streams' sliding windows: KStreamSlidingWindowAggregate (apache/kafka
// streams/src/main/java/org/apache/kafka/streams/kstream/internals/
// KStreamSlidingWindowAggregate.java, processReverse and processEarly) over the default RocksDB
// window store. Windows are [start, start + d], both ends inclusive.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "tidemark/core/trace_io/key_table.hpp"
#include "tidemark/windows/profiles/kafka_streams.hpp"
#include "tidemark/windows/profiles/profile_window_state.hpp"

namespace tidemark {

template <Aggregator A>
class KafkaSlidingWindows {
 public:
  KafkaSlidingWindows(int64_t difference, int64_t grace, int64_t retention, KafkaEmit emit,
                      const KeyTable& keys)
      : d_(difference), grace_(grace), retention_(retention), emit_(emit), keys_(keys) {}

  bool process(KeyId key, int64_t ts, double value, int64_t stream_time, ResultForwarder& out);
  void after_record(int64_t stream_time, ResultForwarder& out);
  uint64_t open_windows() const { return by_start_.size(); }
  uint64_t state_bytes() const {
    return by_start_.size() *
           (kTreeNodeBytes<typename Windows::value_type> +
            kTreeNodeBytes<std::pair<int64_t, KeyId>>)+windows_.capacity() *
           sizeof(Windows);
  }

 private:
  using Value = ProfileWindowValue<A>;
  using Windows = std::map<int64_t, Value>;  // by start, per key
  struct Record {
    KeyId key;
    int64_t ts;
    double value;
  };

  Windows& windows_of(KeyId key);
  // The store finds no window starting before this: its retention back from the largest start
  // it was given; the time-ordered store of on-close keeps one ms more
  // (AbstractDualSchemaRocksDBSegmentedBytesStore#getActualFrom).
  int64_t fetch_bound() const {
    return store_time_ - retention_ + (emit_ == KafkaEmit::kOnClose ? 0 : 1);
  }
  void put(KeyId key, int64_t start, Value value);
  // updateWindowAndForward: adds the record to [start, start + d] unless it closed.
  void update(const Record& r, int64_t start, Value value, int64_t close_time,
              ResultForwarder& out);
  void create_right_window(const Record& r, const Value& right, ResultForwarder& out);
  void process_reverse(const Record& r, int64_t close_time, ResultForwarder& out);
  void process_early(const Record& r, int64_t close_time, ResultForwarder& out);

  int64_t d_, grace_, retention_;
  KafkaEmit emit_;
  const KeyTable& keys_;
  std::vector<Windows> windows_;                  // by key id
  std::set<std::pair<int64_t, KeyId>> by_start_;  // every stored window
  int64_t store_time_ = -1;
  bool added_ = false;        // the record being processed went into some window
  bool final_check_ = false;  // the record being processed may emit closed windows (on-close)
  bool emitted_once_ = false;
  int64_t last_emit_close_time_ = 0;
};

}  // namespace tidemark
