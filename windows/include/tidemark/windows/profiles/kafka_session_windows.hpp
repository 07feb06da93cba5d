#pragma once
// Kafka Streams' session windows: KStreamSessionWindowAggregate (apache/kafka
// streams/src/main/java/org/apache/kafka/streams/kstream/internals/
// KStreamSessionWindowAggregate.java#KStreamSessionWindowAggregateProcessor.process) over the
// default RocksDB session store.

#include <cstdint>
#include <map>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "tidemark/core/trace_io/key_table.hpp"
#include "tidemark/windows/profiles/kafka_streams.hpp"
#include "tidemark/windows/profiles/profile_window_state.hpp"

namespace tidemark {

template <Aggregator A>
class KafkaSessionWindows {
 public:
  KafkaSessionWindows(int64_t gap, int64_t grace, int64_t retention, KafkaEmit emit,
                      const KeyTable& keys)
      : gap_(gap), grace_(grace), retention_(retention), emit_(emit), keys_(keys) {}

  bool process(KeyId key, int64_t ts, double value, int64_t stream_time, ResultForwarder& out);
  void after_record(int64_t stream_time, ResultForwarder& out);
  uint64_t open_windows() const { return by_end_.size(); }
  uint64_t state_bytes() const {
    return by_end_.size() *
               (kTreeNodeBytes<typename Sessions::value_type> +
                kTreeNodeBytes<Ordered>)+unemitted_.size() *
               kTreeNodeBytes<Ordered> +
           sessions_.capacity() * sizeof(Sessions);
  }

 private:
  struct Session {
    ProfileWindowValue<A> value;
    bool emitted = false;  // on-close: forwarded once, kept while the store still finds it
  };
  using SessionId = std::pair<int64_t, int64_t>;  // (end, start): store order
  using Sessions = std::map<SessionId, Session>;
  using Ordered = std::tuple<int64_t, int64_t, KeyId>;  // (end, start, key)

  Sessions& sessions_of(KeyId key);
  // The segmented store finds no session ending before this: its retention back from its own
  // stream time, the largest session end it was given (AbstractRocksDBSegmentedBytesStore
  // #getActualFrom).
  int64_t fetch_bound() const { return store_time_ - retention_ + 1; }
  void erase(KeyId key, typename Sessions::iterator it);

  int64_t gap_, grace_, retention_;
  KafkaEmit emit_;
  const KeyTable& keys_;
  std::vector<Sessions> sessions_;  // by key id
  std::set<Ordered> by_end_;        // every stored session
  std::set<Ordered> unemitted_;     // on-close: stored, not yet forwarded
  int64_t store_time_ = -1;         // ConsumerRecord.NO_TIMESTAMP until the first put
  bool emitted_once_ = false;
  int64_t last_emit_close_time_ = 0;
};

}  // namespace tidemark
