#include "tidemark/windows/sliding_operator.hpp"

#include <algorithm>

namespace tidemark {

namespace {
auto time_less = [](const auto& p, Timestamp t) { return p.time < t; };
}

Aggregate SlidingOperator::aggregate(const Points& points, Window w) const {
  Aggregate a = identity();
  for (auto it = std::lower_bound(points.begin(), points.end(), w.start, time_less);
       it != points.end() && it->time < w.end; ++it) {
    a = combine(a, lift(it->value));
  }
  return a;
}

bool SlidingOperator::apply(KeyId key, const Points& points, Timestamp start,
                            const Aggregate& with, Timestamp clock, Emitter& em) {
  const Window w = window_at(start);
  const Decision d = decide(w, clock, policy_);
  if (d == Decision::kReject) return false;
  auto [it, inserted] = slots_->try_emplace(WindowKey{key, start});
  Slot& slot = it->second;
  if (inserted) {
    slot.agg = aggregate(points, w);  // events that arrived before the window existed
    if (d == Decision::kAccept) {
      fires_.push({policy_.fire_time(w.end), w.end, key, start});
    } else {
      slot.fired = true;
      purges_.push({policy_.close_time(w.end), w.end, key, start});
    }
  }
  slot.agg = combine(slot.agg, with);
  if (d == Decision::kAcceptAndUpdate) em.emit(key, w, lower(slot.agg), EmissionKind::kUpdate);
  return true;
}

bool SlidingOperator::add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
  Points& points = (*points_)[key];
  trim(points, clock);
  // Windows containing t start in [t - DIFF, t]: t's own left window, the right windows of
  // earlier events within DIFF + 1, and the left windows of later events within DIFF.
  starts_.clear();
  starts_.push_back(t - diff_);
  const auto lo = std::lower_bound(points.begin(), points.end(), t - Duration{diff_.ms + 1}, time_less);
  auto it = lo;
  for (; it != points.end() && it->time < t; ++it) starts_.push_back(it->time + Duration{1});
  const auto at_t = it;
  for (; it != points.end() && it->time <= t + diff_; ++it) starts_.push_back(it->time - diff_);
  std::sort(starts_.begin(), starts_.end());
  starts_.erase(std::unique(starts_.begin(), starts_.end()), starts_.end());

  bool accepted = false;
  for (const Timestamp s : starts_) accepted |= apply(key, points, s, lift(v), clock, em);
  if (!accepted) return false;

  // t's right window [t+1, t+DIFF+2) exists once a later event falls in it.
  auto later = std::upper_bound(at_t, points.end(), t,
                                [](Timestamp x, const Point& p) { return x < p.time; });
  if (later != points.end() && later->time <= t + Duration{diff_.ms + 1}) {
    apply(key, points, t + Duration{1}, identity(), clock, em);
  }
  points.insert(later, Point{t, v});
  ++point_count_;
  return true;
}

// Drops events that no window able to accept events will need: the last window an event p
// matters to is its right window, ending at p + DIFF + 2 and closing `allowed` later.
void SlidingOperator::trim(Points& points, Timestamp clock) {
  const Timestamp horizon = clock - Duration{diff_.ms + 2} - policy_.allowed();
  const auto keep = std::lower_bound(points.begin(), points.end(), horizon + Duration{1}, time_less);
  point_count_ -= size_t(keep - points.begin());
  points.erase(points.begin(), keep);
}

void SlidingOperator::fire(Timestamp clock, Emitter& em) {
  while (fires_.due(clock)) {
    const Timer t = fires_.pop();
    const auto it = slots_->find({t.key, t.start});
    TIDEMARK_ASSERT(it != slots_->end());
    em.emit(t.key, {t.start, t.end}, lower(it->second.agg), EmissionKind::kOnTime);
    const Timestamp close = policy_.close_time(t.end);
    if (close <= clock) {
      slots_->erase(it);
      trim((*points_)[t.key], clock);
    } else {
      it->second.fired = true;
      purges_.push({close, t.end, t.key, t.start});
    }
  }
  while (purges_.due(clock)) {
    const Timer t = purges_.pop();
    slots_->erase({t.key, t.start});
    trim((*points_)[t.key], clock);
  }
}

size_t SlidingOperator::state_bytes() const {
  return slots_->size() * kNodeBytes<WindowKey, Slot> + points_->size() * kNodeBytes<KeyId, Points> +
         point_count_ * sizeof(Point) + (fires_.size() + purges_.size()) * sizeof(Timer);
}

}  // namespace tidemark
