#include "tidemark/windows/profiles/kafka_sliding_windows.hpp"

#include <algorithm>

namespace tidemark {

template <Aggregator A>
typename KafkaSlidingWindows<A>::Windows& KafkaSlidingWindows<A>::windows_of(KeyId key) {
  if (key >= windows_.size()) windows_.resize(size_t(key) + 1);
  return windows_[key];
}

template <Aggregator A>
void KafkaSlidingWindows<A>::put(KeyId key, int64_t start, Value value) {
  windows_of(key)[start] = std::move(value);
  by_start_.insert({start, key});
  store_time_ = std::max(store_time_, start);
}

template <Aggregator A>
void KafkaSlidingWindows<A>::update(const Record& r, int64_t start, Value value, int64_t close_time,
                                    ResultForwarder& out) {
  if (start + d_ < close_time) return;  // logSkippedRecordForExpiredWindow
  value.add(r.value, r.ts);
  added_ = true;
  if (emit_ == KafkaEmit::kOnUpdate) {
    out.forward(r.key, start, start + d_, value, EmissionKind::kUpdate, value.ts);
  }
  put(r.key, start, std::move(value));
}

// createCurrentRecordRightWindow: [ts + 1, ts + 1 + d] holds what the window found to the right
// held, without the record itself, and is put without a close-time check.
template <Aggregator A>
void KafkaSlidingWindows<A>::create_right_window(const Record& r, const Value& right,
                                                 ResultForwarder& out) {
  if (emit_ == KafkaEmit::kOnUpdate) {
    out.forward(r.key, r.ts + 1, r.ts + 1 + d_, right, EmissionKind::kUpdate, right.ts);
  }
  put(r.key, r.ts + 1, right);
}

// A window value Kafka makes with ValueAndTimestamp.make(agg, record.timestamp()).
template <Aggregator A>
static ProfileWindowValue<A> made(const ProfileWindowValue<A>* agg, int64_t ts) {
  ProfileWindowValue<A> v = agg ? *agg : ProfileWindowValue<A>{};
  v.ts = ts;
  return v;
}

template <Aggregator A>
void KafkaSlidingWindows<A>::process_reverse(const Record& r, int64_t close_time,
                                             ResultForwarder& out) {
  Windows& windows = windows_of(r.key);
  std::set<int64_t> starts;
  std::optional<Value> left_agg, right_agg;
  bool left_created = false, right_created = false;
  std::optional<int64_t> previous;
  const int64_t from = std::max({int64_t{0}, r.ts - 2 * d_, fetch_bound()});
  // backwardFetch(key, from, ts + 1): latest start first. Updates replace values in place;
  // the aggregates kept are the ones found, before this record.
  std::vector<std::pair<int64_t, Value>> found;
  for (auto it = windows.upper_bound(r.ts + 1); it != windows.begin();) {
    --it;
    if (it->first < from) break;
    found.emplace_back(it->first, it->second);
  }
  for (const auto& [start, value] : found) {
    starts.insert(start);
    const int64_t end = start + d_;
    if (start == r.ts + 1) {
      right_created = true;
    } else if (end > r.ts) {
      if (!right_agg) right_agg = value;
      update(r, start, value, close_time, out);
    } else if (end == r.ts) {
      left_created = true;
      update(r, start, value, close_time, out);
      if (value.ts < r.ts) {
        previous = value.ts;
      } else {
        return;  // the record's windows all exist already
      }
    } else {
      left_agg = value;
      previous = value.ts;
      break;
    }
  }
  // createWindows
  if (previous) {
    const int64_t previous_right = *previous + 1;
    if (!starts.contains(previous_right) && previous_right + d_ >= r.ts) {
      update(r, previous_right, made<A>(nullptr, r.ts), close_time, out);
    }
  }
  if (!left_created) {
    const bool left_not_empty = previous && r.ts - d_ <= *previous;
    update(r, r.ts - d_, made(left_not_empty ? &*left_agg : nullptr, r.ts), close_time, out);
  }
  if (!right_created && right_agg && right_agg->ts > r.ts) create_right_window(r, *right_agg, out);
}

template <Aggregator A>
void KafkaSlidingWindows<A>::process_early(const Record& r, int64_t close_time,
                                           ResultForwarder& out) {
  Windows& windows = windows_of(r.key);
  std::set<int64_t> starts;
  std::optional<Value> combined, right_agg;
  bool right_created = false;
  std::optional<int64_t> previous;
  std::vector<std::pair<int64_t, Value>> found;  // fetch(key, 0, ts + 1), ascending
  for (auto it = windows.lower_bound(std::max<int64_t>(0, fetch_bound()));
       it != windows.end() && it->first <= r.ts + 1; ++it) {
    found.emplace_back(it->first, it->second);
  }
  for (const auto& [start, value] : found) {
    starts.insert(start);
    if (start == 0) {
      combined = value;
      if (value.ts < r.ts) previous = value.ts;
    } else if (start <= r.ts) {
      right_agg = value;
      update(r, start, value, close_time, out);
    } else {
      right_created = true;  // start == ts + 1
    }
  }
  if (!right_agg && combined && combined->ts > r.ts) right_agg = combined;
  if (!right_created && right_agg && right_agg->ts > r.ts) create_right_window(r, *right_agg, out);
  if (previous && !starts.contains(*previous + 1)) {
    update(r, *previous + 1, made<A>(nullptr, r.ts), close_time, out);
  }
  update(r, 0, combined ? *combined : made<A>(nullptr, r.ts), close_time, out);
}

template <Aggregator A>
bool KafkaSlidingWindows<A>::process(KeyId key, int64_t ts, double value, int64_t stream_time,
                                     ResultForwarder& out) {
  const int64_t close_time = stream_time - grace_;
  added_ = false;
  final_check_ = false;
  if (ts + d_ < close_time) return false;  // dropped whole: window [ts, ts + d] expired
  const Record r{key, ts, value};
  if (ts < d_) {
    process_early(r, close_time, out);  // no final-result check after an early record
  } else {
    process_reverse(r, close_time, out);
    final_check_ = true;
  }
  return added_;
}

template <Aggregator A>
void KafkaSlidingWindows<A>::after_record(int64_t stream_time, ResultForwarder& out) {
  const int64_t close_time = stream_time - grace_;
  if (emit_ == KafkaEmit::kOnClose && final_check_ &&
      (!emitted_once_ || close_time > last_emit_close_time_)) {
    const int64_t upper = close_time - d_ - 1;  // end inclusive: start + d < close time
    if (upper >= 0) {
      const int64_t lower = std::max(
          {emitted_once_ ? std::max<int64_t>(0, last_emit_close_time_ - d_) : 0, fetch_bound()});
      std::vector<std::pair<int64_t, KeyId>> closed(by_start_.lower_bound({lower, KeyId{0}}),
                                                    by_start_.upper_bound({upper, ~KeyId{0}}));
      std::stable_sort(closed.begin(), closed.end(), [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first < b.first;
        return keys_.name(a.second) < keys_.name(b.second);
      });
      for (const auto& [start, key] : closed) {
        const Value& v = windows_[key].at(start);
        out.forward(key, start, start + d_, v, EmissionKind::kOnTime, v.ts);
      }
      emitted_once_ = true;
      last_emit_close_time_ = close_time;
    }
  }
  // Forget what no fetch finds any more (and on-close has passed).
  int64_t forget_below = fetch_bound();
  if (emit_ == KafkaEmit::kOnClose) {
    forget_below = std::min(forget_below,
                            emitted_once_ ? std::max<int64_t>(0, last_emit_close_time_ - d_) : 0);
  }
  while (!by_start_.empty() && by_start_.begin()->first < forget_below) {
    const auto [start, key] = *by_start_.begin();
    windows_[key].erase(start);
    by_start_.erase(by_start_.begin());
  }
}

template class KafkaSlidingWindows<StatsAggregator>;
template class KafkaSlidingWindows<StatsAndValuesAggregator>;

}  // namespace tidemark
