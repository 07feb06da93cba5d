#include "tidemark/windows/profiles/kafka_time_windows.hpp"

#include <algorithm>
#include <vector>

namespace tidemark {

template <Aggregator A>
bool KafkaTimeWindows<A>::process(KeyId key, int64_t ts, double value, int64_t stream_time,
                                  ResultForwarder& out) {
  const int64_t close_time = stream_time - grace_;
  bool accepted = false;
  // TimeWindows#windowsFor: starts aligned to 0, never below 0, ascending.
  for (int64_t start = (std::max<int64_t>(0, ts - size_ + advance_) / advance_) * advance_;
       start <= ts; start += advance_) {
    const int64_t end = start + size_;
    if (end <= close_time) continue;  // logSkippedRecordForExpiredWindow: late for this window
    ProfileWindowValue<A>& w = windows_[{start, key}];
    w.add(value, ts);
    store_time_ = std::max(store_time_, start);
    accepted = true;
    if (emit_ == KafkaEmit::kOnUpdate) out.forward(key, start, end, w, EmissionKind::kUpdate, w.ts);
  }
  return accepted;
}

template <Aggregator A>
void KafkaTimeWindows<A>::after_record(int64_t stream_time, ResultForwarder& out) {
  const int64_t close_time = stream_time - grace_;
  // A window [s, s + size) takes no record once s + size <= close time.
  const auto closed_end = windows_.lower_bound({close_time - size_ + 1, KeyId{0}});
  if (emit_ == KafkaEmit::kOnUpdate) {
    windows_.erase(windows_.begin(), closed_end);
    return;
  }
  // maybeForwardFinalResult: each time the close time advances, the windows that closed since
  // (start in [lower, close time - size]) in store order: start, then the key's bytes.
  if (emitted_once_ && close_time <= last_emit_close_time_) return;
  if (close_time - size_ < 0) return;  // emitRangeUpperBound < 0: nothing, nothing recorded
  emitted_once_ = true;
  last_emit_close_time_ = close_time;
  std::vector<typename std::map<WindowId, ProfileWindowValue<A>>::iterator> closed;
  // A window the jump of stream time left below the retention is never forwarded: the fetch
  // that takes over from the last emit starts at store time - retention.
  for (auto it = windows_.begin(); it != closed_end; ++it) {
    if (it->first.first >= store_time_ - retention_) closed.push_back(it);
  }
  std::stable_sort(closed.begin(), closed.end(), [&](const auto& a, const auto& b) {
    if (a->first.first != b->first.first) return a->first.first < b->first.first;
    return keys_.name(a->first.second) < keys_.name(b->first.second);
  });
  for (const auto& it : closed) {
    out.forward(it->first.second, it->first.first, it->first.first + size_, it->second,
                EmissionKind::kOnTime, it->second.ts);
  }
  windows_.erase(windows_.begin(), closed_end);
}

template class KafkaTimeWindows<StatsAggregator>;
template class KafkaTimeWindows<StatsAndValuesAggregator>;

}  // namespace tidemark
