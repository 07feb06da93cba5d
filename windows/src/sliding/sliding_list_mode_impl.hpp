#pragma once
// The members of SlidingListMode, instantiated once per aggregates strategy, each in a file of its
// own (sliding_list_mode_lazy.cpp, sliding_list_mode_eager.cpp): with both in one file g++ hits
// its unit growth limit and stops inlining the calendar's and the vectors' push_back into the
// paths of every event.

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "tidemark/windows/sliding/sliding_list_mode.hpp"

namespace tidemark {

namespace {
auto time_less = [](const auto& p, Timestamp t) { return p.time < t; };
auto less_time = [](Timestamp t, const auto& p) { return t < p.time; };
}  // namespace

template <class Aggs>
size_t SlidingListMode<Aggs>::find(const KeyState& k, Timestamp start) {
  // Branch-free: the probes are unpredictable.
  const Timestamp* first = k.starts.data() + k.head;
  const Timestamp* const last = k.starts.data() + k.starts.size();
  for (size_t n = size_t(last - first); n > 1;) {
    const size_t half = n / 2;
    first = first[half - 1] < start ? first + half : first;
    n -= half;
  }
  if (first != last && *first < start) ++first;
  return size_t(first - k.starts.data());
}

template <class Aggs>
bool SlidingListMode<Aggs>::apply(KeyId key, KeyState& k, size_t& i, Timestamp start,
                                  const Aggregate& with, Timestamp clock, Emitter& em,
                                  ForwardRangeAggregate* range) {
  const Window w = window_at(start);
  const Decision d = decide(w, clock, policy_);
  if (d == Decision::kReject) return false;
  if (i == k.starts.size() || k.starts[i] != start) {
    // Events that arrived before the window existed.
    const bool fired = d != Decision::kAccept;
    // Fired windows end before unfired ones, so this keeps the fired prefix intact.
    TIDEMARK_ASSERT(fired ? i <= k.head + k.fired : i >= k.head + k.fired);
    const auto inside = [&] { return aggregate(k, w); };
    if (i == k.head && k.head > 0) {  // reuse a purged slot in front
      i = --k.head;
      k.starts[i] = start;
      aggregates_.assign(key, i, inside);
      --dead_slots_;
    } else {
      k.starts.insert(pool_, i, start);
      aggregates_.insert(key, i, inside);
    }
    ++window_count_;
    if (!fired) {
      fires_.add(policy_.fire_time(w.end), w.end, key, start);
    } else {
      ++k.fired;
      purges_.add(policy_.close_time(w.end), w.end, key, start);
    }
  }
  const bool update = d == Decision::kAcceptAndUpdate;
  const Aggregate a = aggregates_.add(key, k, i, w, with, update, range);
  if (update) em.emit(key, w, lower(a), EmissionKind::kUpdate);
  return true;
}

template <class Aggs>
bool SlidingListMode<Aggs>::add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
  KeyState& k = state_of(key, aggregates_);
  trim_if_due(k, clock);
  PooledArray<Point>& points = k.points;
  if constexpr (Aggs::kFromEvents) {
    if (in_order(k, t, clock)) return add_in_order(key, k, t, v, clock, em);
    if (far_from_limits(t)) return add_lazy(key, k, t, v, clock, em);
  }
  const auto first = points.begin() + k.phead;
  // Windows containing t start in [t - DIFF, t]: t's own left window, the right windows of
  // earlier events within DIFF + 1, and the left windows of later events within DIFF.
  starts_.clear();
  starts_.push_back(t - diff_);
  const auto lo = std::lower_bound(first, points.end(), t - Duration{diff_.ms + 1}, time_less);
  auto it = lo;
  for (; it != points.end() && it->time < t; ++it) starts_.push_back(it->time + Duration{1});
  const auto at_t = it;
  for (; it != points.end() && it->time <= t + diff_; ++it) starts_.push_back(it->time - diff_);
  if (!std::is_sorted(starts_.begin(), starts_.end())) std::sort(starts_.begin(), starts_.end());
  starts_.erase(std::unique(starts_.begin(), starts_.end()), starts_.end());

  // Both lists are sorted: walk the key's windows alongside the candidate starts.
  bool accepted = false;
  size_t i = find(k, starts_.front());
  for (const Timestamp s : starts_) {
    while (i < k.starts.size() && k.starts[i] < s) ++i;
    if (apply(key, k, i, s, lift(v), clock, em)) {
      accepted = true;
      ++i;
    }
  }
  if (!accepted) return false;
  insert(key, k, at_t, t, v, clock, em);
  return true;
}

template <class Aggs>
void SlidingListMode<Aggs>::insert(KeyId key, KeyState& k, const Point* at_t, Timestamp t, double v,
                                   Timestamp clock, Emitter& em) {
  PooledArray<Point>& points = k.points;
  // t's right window [t+1, t+DIFF+2) exists once a later event falls in it.
  const Point* const end = points.end();
  const Point* later = std::upper_bound(at_t, end, t, less_time);
  if (later != end && later->time <= t + Duration{diff_.ms + 1}) {
    const Timestamp right = t + Duration{1};
    size_t j = find(k, right);
    apply(key, k, j, right, identity(), clock, em);
  }
  points.insert(pool_, size_t(later - points.begin()), Point{t, v});
  k.next_fired.reset();
  ++point_count_;
}

// Whether t is at or after the key's newest event, no fired window contains t, no unfired
// window is due (fire() has run for this clock), and t is far from the ends of time (no
// saturation below).
template <class Aggs>
bool SlidingListMode<Aggs>::in_order(const KeyState& k, Timestamp t, Timestamp clock) const {
  if (!far_from_limits(t)) return false;
  if (k.points.size() > k.phead && k.points.back().time > t) return false;
  const size_t unfired = k.head + k.fired;
  if (clock != fired_clock_ && unfired < k.starts.size() &&
      policy_.fire_time(window_at(k.starts[unfired]).end) <= clock) {
    return false;
  }
  return k.fired == 0 || k.starts[unfired - 1] < t - diff_;
}

template <class Aggs>
void SlidingListMode<Aggs>::open(KeyId key, KeyState& k, size_t i, Timestamp start, Timestamp end) {
  TIDEMARK_ASSERT(i >= k.head + k.fired);
  if (i == k.head && k.head > 0) {  // reuse a purged slot in front
    k.starts[--k.head] = start;
    --dead_slots_;
  } else {
    k.starts.insert(pool_, i, start);
  }
  ++window_count_;
  fires_.add(policy_.fire_time(end), end, key, start);
}

// add() for an event in order within its key, with lazy aggregates. Of the windows containing t
// (starts in [t - DIFF, t]), the existing unfired ones need no work, and every right window of an
// earlier event but the newest one's was created (or closed) when a later event arrived beside
// it: only t's left window and the newest event's right window may be new.
template <class Aggs>
bool SlidingListMode<Aggs>::add_in_order(KeyId key, KeyState& k, Timestamp t, double v,
                                         Timestamp clock, Emitter& em) {
  const Timestamp left = t - diff_;
  const Timestamp left_end{t.ms + 1};  // no saturation here: see in_order()
  if (clock < policy_.fire_time(left_end)) [[likely]] {
    // Not late for t's left window, nor for the newest event's right window, which ends no
    // earlier: both are new unfired windows if they do not exist yet.
    // Usually before every window of the key (right windows of earlier events start after it).
    const bool first = k.head == k.starts.size() || !(k.starts[k.head] < left);
    const size_t i = first ? k.head : find(k, left);
    if (i == k.starts.size() || k.starts[i] != left) open(key, k, i, left, left_end);
    if (k.points.size() > k.phead) {
      const int64_t newest = k.points.back().time.ms;
      if (newest < t.ms && newest + 1 > left.ms) {  // newest >= left - 1 > -2^62
        const Timestamp right{newest + 1};
        // Usually after every window of the key (its start is above every other event's).
        const size_t j = k.starts.back() < right ? k.starts.size() : find(k, right);
        if (j == k.starts.size() || k.starts[j] != right) {
          open(key, k, j, right, Timestamp{right.ms + diff_.ms + 1});
        }
      }
    }
    k.points.push_back(pool_, Point{t, v});
    ++point_count_;
    return true;
  }
  Timestamp candidates[2] = {left, left};
  size_t n = 1;
  if (k.points.size() > k.phead) {
    const Timestamp newest = k.points.back().time;
    if (newest < t && newest >= left - Duration{1} && newest + Duration{1} != left) {
      candidates[n++] = newest + Duration{1};
    }
  }
  bool accepted = false;
  size_t i = find(k, left);
  for (size_t c = 0; c < n; ++c) {
    while (i < k.starts.size() && k.starts[i] < candidates[c]) ++i;
    if (apply(key, k, i, candidates[c], lift(v), clock, em)) {
      accepted = true;
      ++i;
    }
  }
  if (!accepted) {  // an open window that already existed holds t
    const size_t j = find(k, left);
    if (j == k.starts.size() || k.starts[j] > t) return false;
  }
  k.points.push_back(pool_, Point{t, v});
  ++point_count_;
  return true;
}

// With lazy aggregates an existing window needs nothing from an event that it accepts without an
// update. Of the windows holding t (starts in [t - DIFF, t]), the left windows of later events
// within DIFF exist unless they reject t: each was opened when its event came unless it rejected
// that event already, and only closing removes one. So do the right windows of earlier events p
// within DIFF + 1, except that of t's predecessor: an earlier p has the predecessor within
// DIFF + 1 after it. Only t's left window, the predecessor's right window and t's right window
// can be new, and t updates only fired windows; the windows that reject t are the oldest, and
// the fired ones next (decide() is monotone in the end), so binary searches skip the rest.
// (tests/windows/sliding/sliding_differential_test.cpp checks every window against the previous
// implementation, which visited them all.)
template <class Aggs>
bool SlidingListMode<Aggs>::add_lazy(KeyId key, KeyState& k, Timestamp t, double v, Timestamp clock,
                                     Emitter& em) {
  PooledArray<Point>& points = k.points;
  const int64_t d = diff_.ms;  // t and DIFF are below 2^61: nothing here saturates
  const auto lo =
      std::lower_bound(points.begin() + k.phead, points.end(), Timestamp{t.ms - d - 1}, time_less);
  const auto at_t = std::lower_bound(lo, points.end(), t, time_less);
  const auto past = std::upper_bound(at_t, points.end(), Timestamp{t.ms + d}, less_time);
  const auto decision = [&](Timestamp start) { return decide(window_at(start), clock, policy_); };
  const Timestamp left{t.ms - d};  // the oldest window holding t
  const bool has_pred = at_t != lo;
  const Timestamp pred_right{has_pred ? (at_t - 1)->time.ms + 1 : left.ms};
  // The newest window holding t: if it rejects t, all do.
  Timestamp newest = std::max(left, pred_right);
  if (past != at_t) newest = std::max(newest, Timestamp{(past - 1)->time.ms - d});
  if (decision(newest) == Decision::kReject) return false;

  const Aggregate with = lift(v);
  if (const Decision oldest = decision(left); oldest != Decision::kAccept) {
    // The windows that t updates, in start order, as add() visits them.
    starts_.clear();
    if (oldest == Decision::kAcceptAndUpdate) starts_.push_back(left);
    auto b = std::partition_point(lo, at_t, [&](const Point& p) {
      return decision(p.time + Duration{1}) == Decision::kReject;
    });
    for (; b != at_t && decision(b->time + Duration{1}) == Decision::kAcceptAndUpdate; ++b) {
      starts_.push_back(b->time + Duration{1});
    }
    const size_t rights = starts_.size();
    auto c = std::partition_point(
        at_t, past, [&](const Point& q) { return decision(q.time - diff_) == Decision::kReject; });
    for (; c != past && decision(c->time - diff_) == Decision::kAcceptAndUpdate; ++c) {
      starts_.push_back(c->time - diff_);
    }
    // Two sorted runs after `left`, the smallest: right windows, then left windows.
    std::inplace_merge(starts_.begin(), starts_.begin() + ptrdiff_t(rights), starts_.end());
    starts_.erase(std::unique(starts_.begin(), starts_.end()), starts_.end());
    // Their aggregates from one running range: their starts and ends only move forward.
    ForwardRangeAggregate range;
    size_t i = starts_.empty() ? 0 : find(k, starts_.front());
    for (const Timestamp s : starts_) {
      while (i < k.starts.size() && k.starts[i] < s) ++i;
      if (apply(key, k, i, s, with, clock, em, &range)) ++i;
    }
  }
  // The windows that may be new and accept t without an update.
  const auto open_if_new = [&](Timestamp s) {
    if (decision(s) != Decision::kAccept) return;  // visited above, or closed
    size_t i = find(k, s);
    apply(key, k, i, s, with, clock, em);
  };
  open_if_new(left);
  if (pred_right != left) open_if_new(pred_right);
  insert(key, k, at_t, t, v, clock, em);
  return true;
}

template <class Aggs>
void SlidingListMode<Aggs>::erase(KeyId key, KeyState& k, size_t i, Timestamp clock) {
  --window_count_;
  if (i != k.head) {
    k.starts.erase(i, i + 1);
    aggregates_.erase(key, i);
  } else if (++dead_slots_, ++k.head >= 16 && 2 * size_t(k.head) >= k.starts.size()) {
    k.starts.erase(0, k.head);
    aggregates_.erase_front(key, k.head);
    dead_slots_ -= k.head;
    k.head = 0;
  }
  if (k.head == k.starts.size()) {  // an idle key gives its events back
    k.starts.clear();
    aggregates_.clear(key);
    dead_slots_ -= k.head;
    k.head = 0;
    trim(k, keep_at(clock));
  }
}

// The calendar pops windows in (fire time, end, key, start) order; a key's windows fire in
// start order, so the one popped is always the key's first unfired window.
template <class Aggs>
void SlidingListMode<Aggs>::fire(Timestamp clock, Emitter& em) {
  while (fires_.due(clock)) {
    const Timestamp end = fires_.pop(batch_);
    const bool closes = policy_.close_time(end) <= clock;
    for (size_t j = 0; j < batch_.size(); ++j) {
      // Keys are scattered: fetch the state of the keys a few windows ahead.
      if (j + 16 < batch_.size()) __builtin_prefetch(&keys_[batch_[j + 16].key]);
      if (j + 8 < batch_.size()) {
        const KeyState& ahead = keys_[batch_[j + 8].key];
        __builtin_prefetch(ahead.starts.data() + ahead.head + ahead.fired);
        aggregates_.prefetch_fired(ahead);
        if (!ahead.points.empty()) __builtin_prefetch(&ahead.points.back());
      }
      const SlidingCalendar::Entry& e = batch_[j];
      KeyState& k = keys_[e.key];
      const size_t i = k.head + k.fired;
      TIDEMARK_ASSERT(i < k.starts.size() && k.starts[i] == e.start);
      const Window w{e.start, end};
      em.emit(e.key, w, lower(aggregates_.fired(e.key, k, i, w)), EmissionKind::kOnTime);
      if (closes) {
        if (i == k.head && i + 1 < k.starts.size() && i + 1 < 16) [[likely]] {
          ++k.head;  // erase()'s common case, inline
          --window_count_;
          ++dead_slots_;
        } else {
          erase(e.key, k, i, clock);
        }
      } else {
        ++k.fired;
        purges_.add(policy_.close_time(end), end, e.key, e.start);
      }
    }
  }
  fired_clock_ = clock;
  while (purges_.due(clock)) {
    purges_.pop(batch_);
    for (const SlidingCalendar::Entry& e : batch_) {
      KeyState& k = keys_[e.key];
      TIDEMARK_ASSERT(k.fired > 0 && k.starts[k.head] == e.start);
      --k.fired;
      erase(e.key, k, k.head, clock);
    }
  }
}

// Every open window of a key, from its events as the log found them: t's left window, and the
// right window of an event p with a later one within DIFF + 1, unless closed. Those that fired
// (under grace) come first, as the fired prefix.
template <class Aggs>
SlidingListMode<Aggs>::SlidingListMode(SlidingInOrderMode<Aggs>&& from)
    : SlidingState(std::move(from)),
      fires_(Duration{diff_.ms + 1}),
      purges_(Duration{diff_.ms + 1}),
      aggregates_(std::move(from.aggregates_)) {
  const int64_t d = diff_.ms;
  const auto open = [&](int64_t end) { return policy_.close_time(Timestamp{end}) > fired_clock_; };
  size_t windows = 0;
  for (size_t key = 0; key < keys_.size(); ++key) {
    KeyState& k = keys_[key];
    TIDEMARK_ASSERT(k.starts.empty() && k.head == 0 && k.fired == 0);
    k.next_fired.reset();
    starts_.clear();
    const int64_t none = std::numeric_limits<int64_t>::min();
    int64_t previous = none;
    for (size_t i = k.phead; i < k.points.size(); ++i) {
      const int64_t t = k.points[i].time.ms;
      if (t == previous) continue;
      if (previous != none && t <= previous + d + 1 && open(previous + d + 2)) {
        starts_.push_back(Timestamp{previous + 1});
      }
      if (open(t + 1)) starts_.push_back(Timestamp{t - d});
      previous = t;
    }
    std::sort(starts_.begin(), starts_.end());
    starts_.erase(std::unique(starts_.begin(), starts_.end()), starts_.end());
    aggregates_.clear(KeyId(key));
    for (const Timestamp s : starts_) {
      k.starts.push_back(pool_, s);
      // As SlidingInOrderMode found them: see SlidingEagerAggregates::found().
      aggregates_.insert(KeyId(key), k.starts.size() - 1,
                         [&] { return aggregate(k, window_at(s)); });
      const Timestamp end{s.ms + d + 1};
      if (policy_.fire_time(end) > fired_clock_) {
        fires_.add(policy_.fire_time(end), end, KeyId(key), s);
      } else {
        ++k.fired;
        purges_.add(policy_.close_time(end), end, KeyId(key), s);
      }
    }
    windows += starts_.size();
  }
  TIDEMARK_ASSERT(windows == window_count_);
}

}  // namespace tidemark
