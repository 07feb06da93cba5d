#include "tidemark/windows/sliding/sliding_in_order_mode.hpp"

#include <algorithm>
#include <limits>

namespace tidemark {

// t is the newest time of all events and not behind the clock (takes()), so t's left
// window is new unless it is the right window of an event at t - DIFF - 1, and the newest
// event's right window is new if t falls in it.
template <class Aggs>
bool SlidingInOrderMode<Aggs>::add_to_log(KeyId key, KeyState& k, Timestamp t, double v) {
  newest_ms_ = t.ms;
  if (k.points.size() == k.phead) {
    ++window_count_;
    log_.add(t.ms, key);
  } else if (const int64_t newest = k.points.back().time.ms; newest != t.ms) {
    const int64_t before = t.ms - diff_.ms - 1;  // no saturation: see far_from_limits()
    if (newest == before) {
      ++window_count_;  // one window: the newest event's right one is t's left one
    } else {
      // Usually every retained event is after `before` (the older ones were trimmed).
      const bool shared =
          k.points[k.phead].time.ms <= before && newest > before && has_point_at(k, before);
      window_count_ += size_t(!shared) + size_t(newest > before);
    }
    log_.add(t.ms, key);
  }  // else the key's windows are those it had
  k.points.push_back(pool_, Point{t, v});
  ++point_count_;
  return true;
}

template <class Aggs>
bool SlidingInOrderMode<Aggs>::has_point_at(const KeyState& k, int64_t t) {
  const Point* const first = k.points.data() + k.phead;
  const Point* const last = k.points.data() + k.points.size();
  const Point* at = std::lower_bound(first, last, Timestamp{t},
                                     [](const Point& p, Timestamp u) { return p.time < u; });
  return at != last && at->time.ms == t;
}

// The next end due is at the front of the arrivals (left windows) or of the fired groups (right
// windows, DIFF + 1 later); when both, the groups are merged by key.
template <class Aggs>
void SlidingInOrderMode<Aggs>::fire(Timestamp clock, Emitter& em) {
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();  // ends stay below 2^62
  const int64_t span = diff_.ms + 1;
  for (;;) {
    const int64_t left_end = log_.has_arrivals() ? log_.next_arrival_time() + 1 : kNone;
    const int64_t right_end = log_.has_fired() ? log_.oldest_fired_time() + span + 1 : kNone;
    const int64_t end = std::min(left_end, right_end);
    if (end == kNone || policy_.fire_time(Timestamp{end}) > clock) break;
    left_keys_.clear();
    if (left_end == end) {
      log_.take_arrivals(left_keys_);
      sorter_.sort(left_keys_);
    }
    const size_t fired =
        emit(end, left_keys_,
             right_end == end ? log_.oldest_fired_keys() : std::span<const KeyId>{}, clock, em);
    if (right_end == end) log_.pop_fired();
    if (left_end == end) log_.push_fired(end - 1, left_keys_);
    if (policy_.close_time(Timestamp{end}) <= clock) {
      window_count_ -= fired;
    } else {
      log_.push_open_fired(end, fired);
    }
  }
  fired_clock_ = clock;
  while (log_.has_open_fired() &&
         policy_.close_time(Timestamp{log_.oldest_open_fired_end()}) <= clock) {
    window_count_ -= log_.pop_open_fired();
  }
}

template <class Aggs>
size_t SlidingInOrderMode<Aggs>::emit(int64_t end, std::span<const KeyId> left,
                                      std::span<const KeyId> right, Timestamp clock, Emitter& em) {
  const Window w{Timestamp{end - diff_.ms - 1}, Timestamp{end}};
  // Keys are scattered: fetch their state a few windows ahead, then their events.
  const auto prefetch = [&](std::span<const KeyId> keys, size_t i) {
    if (i + 16 < keys.size()) __builtin_prefetch(&keys_[keys[i + 16]]);
    if (i + 8 < keys.size()) {
      const KeyState& ahead = keys_[keys[i + 8]];
      __builtin_prefetch(ahead.points.data() + ahead.next_fired.first_or(ahead.phead));
      __builtin_prefetch(ahead.points.data() + std::max<size_t>(ahead.points.size(), 1) - 1);
    }
  };
  size_t i = 0, j = 0, emitted = 0;
  while (i < left.size() || j < right.size()) {
    prefetch(left, i);
    prefetch(right, j);
    KeyId key;
    bool is_left = false;
    if (j == right.size() || (i < left.size() && left[i] <= right[j])) {
      key = left[i++];
      is_left = true;
      if (j < right.size() && right[j] == key) ++j;  // the same window
    } else {
      key = right[j++];
    }
    KeyState& k = keys_[key];
    const Aggregate a = aggregates_.found(k, w);
    if (a.count == 0) {  // a right window with no event in it does not exist
      TIDEMARK_ASSERT(!is_left);
      // If it is the newest event's, all of the key's windows have ended: an idle key gives
      // its events back, as erase() does.
      if (k.points.size() > k.phead && k.points.back().time.ms == w.start.ms - 1) {
        trim(k, keep_at(clock));
      }
      continue;
    }
    em.emit(key, w, lower(a), EmissionKind::kOnTime);
    ++emitted;
  }
  return emitted;
}

template class SlidingInOrderMode<SlidingLazyAggregates>;
template class SlidingInOrderMode<SlidingEagerAggregates>;

}  // namespace tidemark
