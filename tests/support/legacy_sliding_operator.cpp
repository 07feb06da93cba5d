#include "legacy_sliding_operator.hpp"

#include <algorithm>

namespace tidemark::test {
namespace legacy {
auto time_less = [](const auto& p, Timestamp t) { return p.time < t; };
}

Aggregate LegacySlidingOperator::aggregate(const Points& points, Window w) const {
  Aggregate a = identity();
  for (auto it = std::lower_bound(points.begin(), points.end(), w.start, legacy::time_less);
       it != points.end() && it->time < w.end; ++it) {
    a = combine(a, lift(it->value));
  }
  return a;
}

size_t LegacySlidingOperator::find(const KeyState& k, Timestamp start) {
  return size_t(std::lower_bound(k.slots.begin() + ptrdiff_t(k.head), k.slots.end(), start,
                                 [](const Slot& s, Timestamp x) { return s.start < x; }) -
                k.slots.begin());
}

bool LegacySlidingOperator::apply(KeyId key, KeyState& k, size_t& i, Timestamp start,
                                  const Aggregate& with, Timestamp clock, Emitter& em) {
  const Window w = window_at(start);
  const Decision d = decide(w, clock, policy_);
  if (d == Decision::kReject) return false;
  if (i == k.slots.size() || k.slots[i].start != start) {
    // Events that arrived before the window existed.
    const bool fired = d != Decision::kAccept;
    // Fired windows end before unfired ones, so this keeps the fired prefix intact.
    TIDEMARK_ASSERT(fired ? i <= k.head + k.fired : i >= k.head + k.fired);
    const Slot slot{start, aggregate(k.points, w), fired};
    if (i == k.head && k.head > 0) {  // reuse a purged slot in front
      k.slots[i = --k.head] = slot;
      --dead_slots_;
    } else {
      k.slots.insert(k.slots.begin() + ptrdiff_t(i), slot);
    }
    ++window_count_;
    if (!fired) {
      if (i == k.head + k.fired) arm_fire(key, k);
    } else {
      ++k.fired;
      if (i == k.head) arm_purge(key, k);
    }
  }
  Slot& slot = k.slots[i];
  slot.agg = combine(slot.agg, with);
  if (d == Decision::kAcceptAndUpdate) em.emit(key, w, lower(slot.agg), EmissionKind::kUpdate);
  return true;
}

bool LegacySlidingOperator::add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
  KeyState& k = state_of(key);
  Points& points = k.points;
  trim(points, clock);
  // Windows containing t start in [t - DIFF, t]: t's own left window, the right windows of
  // earlier events within DIFF + 1, and the left windows of later events within DIFF.
  starts_.clear();
  starts_.push_back(t - diff_);
  const auto lo =
      std::lower_bound(points.begin(), points.end(), t - Duration{diff_.ms + 1}, legacy::time_less);
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
    while (i < k.slots.size() && k.slots[i].start < s) ++i;
    if (apply(key, k, i, s, lift(v), clock, em)) {
      accepted = true;
      ++i;
    }
  }
  if (!accepted) return false;

  // t's right window [t+1, t+DIFF+2) exists once a later event falls in it.
  auto later = std::upper_bound(at_t, points.end(), t,
                                [](Timestamp x, const Point& p) { return x < p.time; });
  if (later != points.end() && later->time <= t + Duration{diff_.ms + 1}) {
    const Timestamp right = t + Duration{1};
    size_t j = find(k, right);
    apply(key, k, j, right, identity(), clock, em);
  }
  points.insert(later, Point{t, v});
  ++point_count_;
  return true;
}

// Drops events that no window able to accept events will need: the last window an event p
// matters to is its right window, ending at p + DIFF + 2 and closing `allowed` later.
void LegacySlidingOperator::trim(Points& points, Timestamp clock) {
  const Timestamp horizon = clock - Duration{diff_.ms + 2} - policy_.allowed();
  const auto keep =
      std::lower_bound(points.begin(), points.end(), horizon + Duration{1}, legacy::time_less);
  point_count_ -= size_t(keep - points.begin());
  points.erase(points.begin(), keep);
}

void LegacySlidingOperator::erase(KeyState& k, size_t i, Timestamp clock) {
  --window_count_;
  if (i != k.head) {
    k.slots.erase(k.slots.begin() + ptrdiff_t(i));
  } else if (++dead_slots_, ++k.head >= 16 && 2 * k.head >= k.slots.size()) {
    k.slots.erase(k.slots.begin(), k.slots.begin() + ptrdiff_t(k.head));
    dead_slots_ -= k.head;
    k.head = 0;
  }
  if (k.head == k.slots.size()) {  // an idle key gives its events back
    k.slots.clear();
    dead_slots_ -= k.head;
    k.head = 0;
    trim(k.points, clock);
  }
}

void LegacySlidingOperator::arm_fire(KeyId key, KeyState& k) {
  if (k.head + k.fired == k.slots.size()) return fires_.remove(key);
  const Window w = window_at(k.slots[k.head + k.fired].start);
  fires_.set({policy_.fire_time(w.end), w.end, key, w.start});
}

void LegacySlidingOperator::arm_purge(KeyId key, KeyState& k) {
  if (k.fired == 0) return purges_.remove(key);
  const Window w = window_at(k.slots[k.head].start);
  purges_.set({policy_.close_time(w.end), w.end, key, w.start});
}

// Each key's fire entry is its earliest unfired window, so the queue's minimum is the earliest
// window overall: windows fire in (fire time, end, key, start) order.
void LegacySlidingOperator::fire(Timestamp clock, Emitter& em) {
  while (fires_.due(clock)) {
    const Timer t = fires_.top();
    KeyState& k = keys_[t.key];
    const size_t i = k.head + k.fired;
    TIDEMARK_ASSERT(i < k.slots.size() && k.slots[i].start == t.start);
    em.emit(t.key, {t.start, t.end}, lower(k.slots[i].agg), EmissionKind::kOnTime);
    if (policy_.close_time(t.end) <= clock) {
      erase(k, i, clock);
    } else {
      k.slots[i].fired = true;
      if (++k.fired == 1) arm_purge(t.key, k);
    }
    arm_fire(t.key, k);
  }
  while (purges_.due(clock)) {
    const Timer t = purges_.top();
    KeyState& k = keys_[t.key];
    TIDEMARK_ASSERT(k.fired > 0 && k.slots[k.head].start == t.start);
    --k.fired;
    erase(k, k.head, clock);
    arm_purge(t.key, k);
  }
}

size_t LegacySlidingOperator::state_bytes() const {
  return keys_.capacity() * sizeof(KeyState) + point_count_ * sizeof(Point) +
         (window_count_ + dead_slots_) * sizeof(Slot) + fires_.bytes() + purges_.bytes();
}

}  // namespace tidemark::test
