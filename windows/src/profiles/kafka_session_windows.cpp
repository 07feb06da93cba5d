#include "tidemark/windows/profiles/kafka_session_windows.hpp"

#include <algorithm>
#include <limits>

namespace tidemark {

template <Aggregator A>
typename KafkaSessionWindows<A>::Sessions& KafkaSessionWindows<A>::sessions_of(KeyId key) {
  if (key >= sessions_.size()) sessions_.resize(size_t(key) + 1);
  return sessions_[key];
}

template <Aggregator A>
void KafkaSessionWindows<A>::erase(KeyId key, typename Sessions::iterator it) {
  const Ordered id{it->first.first, it->first.second, key};
  by_end_.erase(id);
  unemitted_.erase(id);
  sessions_[key].erase(it);
}

template <Aggregator A>
bool KafkaSessionWindows<A>::process(KeyId key, int64_t ts, double value, int64_t stream_time,
                                     ResultForwarder& out) {
  const int64_t close_time = stream_time - grace_ - gap_;
  Sessions& sessions = sessions_of(key);
  // findSessions(key, ts - gap, ts + gap): sessions with end >= ts - gap and start <= ts + gap,
  // in store order. Sessions of a key do not overlap, so starts ascend with ends.
  std::vector<typename Sessions::iterator> found;
  for (auto it = sessions.lower_bound(
           {std::max(ts - gap_, fetch_bound()), std::numeric_limits<int64_t>::min()});
       it != sessions.end() && it->first.second <= ts + gap_; ++it) {
    found.push_back(it);
  }
  ProfileWindowValue<A> merged;
  int64_t start = ts, end = ts;
  for (const auto& it : found) {
    merged.merge(it->second.value);
    start = std::min(start, it->first.second);
    end = std::max(end, it->first.first);
  }
  if (end < close_time) return false;  // logSkippedRecordForExpiredWindow
  // Every merged-away session is removed and forwarded as a tombstone (its own end as
  // timestamp), unless the result is the record's own [ts, ts].
  const bool own_window = start == ts && end == ts;
  for (const auto& it : found) {
    if (!own_window && emit_ == KafkaEmit::kOnUpdate) {
      out.forward(key, it->first.second, it->first.first, it->second.value, EmissionKind::kRetract,
                  it->first.first);
    }
    erase(key, it);
  }
  merged.add(value, ts);
  merged.ts = end;  // "Update the sent record timestamp to the window end time"
  Session& s = sessions[{end, start}];
  s.value = std::move(merged);
  by_end_.insert({end, start, key});
  if (emit_ == KafkaEmit::kOnClose) unemitted_.insert({end, start, key});
  store_time_ = std::max(store_time_, end);
  if (emit_ == KafkaEmit::kOnUpdate) {
    out.forward(key, start, end, s.value, EmissionKind::kUpdate, end);
  }
  return true;
}

template <Aggregator A>
void KafkaSessionWindows<A>::after_record(int64_t stream_time, ResultForwarder& out) {
  const int64_t close_time = stream_time - grace_ - gap_;
  // maybeForwardFinalResult: sessions ending in [max(0, last close time), close time - 1], in
  // the time-ordered store's order: end, start, then the key's bytes.
  if (emit_ == KafkaEmit::kOnClose && (!emitted_once_ || close_time > last_emit_close_time_) &&
      close_time - 1 >= 0) {
    emitted_once_ = true;
    last_emit_close_time_ = close_time;
    std::vector<Ordered> closed;
    for (auto it = unemitted_.begin(); it != unemitted_.end() && std::get<0>(*it) < close_time;) {
      closed.push_back(*it);
      it = unemitted_.erase(it);
    }
    std::stable_sort(closed.begin(), closed.end(), [&](const Ordered& a, const Ordered& b) {
      if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) < std::get<0>(b);
      if (std::get<1>(a) != std::get<1>(b)) return std::get<1>(a) < std::get<1>(b);
      return keys_.name(std::get<2>(a)) < keys_.name(std::get<2>(b));
    });
    for (const auto& [end, start, key] : closed) {
      Session& s = sessions_[key].at({end, start});
      s.emitted = true;
      out.forward(key, start, end, s.value, EmissionKind::kOnTime, end);
    }
  }
  // Forget what the store can no longer find (and on-close has forwarded).
  while (!by_end_.empty() && std::get<0>(*by_end_.begin()) < fetch_bound()) {
    const auto [end, start, key] = *by_end_.begin();
    const auto it = sessions_[key].find({end, start});
    if (emit_ == KafkaEmit::kOnClose && !it->second.emitted) break;
    erase(key, it);
  }
}

template class KafkaSessionWindows<StatsAggregator>;
template class KafkaSessionWindows<StatsAndValuesAggregator>;

}  // namespace tidemark
