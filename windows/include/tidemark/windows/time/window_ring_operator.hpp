#pragma once
// Fixed-size time windows with one aggregate per (key, window), each combined in its own order of
// additions: what values whose sums change with grouping (fractions) need, where slices would
// regroup them. Window m is [OFFSET + m*ADVANCE, +SIZE); each key's open windows sit in a ring of
// aggregates indexed by m, so an event costs one combine per window holding it, in adjacent
// memory, instead of a hash-map lookup per window (GenericTimeWindowOperator). Windows fire per
// index, keys in order, which is the order the general operator's timers pop them in: (fire
// time, end, key, start), docs/design.md §5, since all windows have one size. A window exists from
// the first event it accepts (its count is then non-zero) until it closes; closing needs no timer,
// as every window of one index closes at one clock.
//
// Beyond its bounds (times beyond +-2^60 ms, sizes of 2^40 ms or more, a key's open windows
// spanning more than kMaxKeyWindows indexes, all of them more than kMaxWindowSpan) the rings
// hand over to GenericTimeWindowOperator (a FallbackChain).

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <vector>

#include "tidemark/core/output/emitter.hpp"
#include "tidemark/core/runtime/lateness.hpp"
#include "tidemark/windows/aggregate/aggregate.hpp"
#include "tidemark/windows/support/dense_table.hpp"
#include "tidemark/windows/time/fallback_chain.hpp"
#include "tidemark/windows/time/generic_time_window_operator.hpp"
#include "tidemark/windows/time/slicing.hpp"
#include "tidemark/windows/time/window_buckets.hpp"

namespace tidemark {

// The ring strategy: see above.
template <class Assigner>
class WindowRings {
  using Generic = GenericTimeWindowOperator<Assigner>;

 public:
  using Successor = Generic;

  WindowRings(Assigner assigner, LatenessPolicy policy, Timestamp clock)
      : assigner_(assigner),
        policy_(policy),
        size_(assigner.size().ms),
        advance_(assigner.advance().ms),
        offset_(assigner.offset().ms),
        delays_(slicing::delays_of(policy)) {
    set_clock(clock);
  }

  bool holds_grid() const { return size_ < slicing::kDurationLimit; }
  void set_state_budget(const StateBudget* budget) { budget_ = budget; }

  void fire(Timestamp clock, Emitter& em) {
    set_clock(clock);
    if (!buckets_.empty()) {
      const int64_t last = std::min(fired_max_, buckets_.end() - 1);
      for (int64_t m = std::max(next_fire_, buckets_.first()); m <= last; ++m) {
        if (buckets_.at(m).keys.empty()) continue;
        const Window w = window(m);
        for (const KeyId key : buckets_.sorted_keys(m, keys_.size())) {
          em.emit(key, w, lower(slot(keys_[key], m)), EmissionKind::kOnTime);
        }
        buckets_.at(m).keys.clear();
      }
    }
    next_fire_ = std::max(next_fire_, fired_max_ + 1);
    while (!buckets_.empty() && buckets_.first() < alive_min_) open_ -= buckets_.pop_front();
  }

  Added add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
    if (t.ms < -slicing::kTimeLimit || t.ms > slicing::kTimeLimit) return Added::kHandOver;
    if (clock != clock_) set_clock(clock);
    // Windows m_lo..m_hi hold t; those before alive_min_ have closed.
    const int64_t m_hi = slicing::floor_div(t.ms - offset_, advance_);
    const int64_t m_lo =
        std::max(slicing::floor_div(t.ms - offset_ - size_, advance_) + 1, alive_min_);
    if (m_lo > m_hi) return Added::kLate;
    if (key >= keys_.size()) grow_to_hold(keys_, key);
    KeyRing& ring = keys_[key];
    if (!cover(ring, m_lo, m_hi)) return Added::kHandOver;
    const Aggregate with = lift(v);
    for (int64_t m = m_lo; m <= m_hi; ++m) {
      Aggregate& a = slot(ring, m);
      const bool created = a.count == 0, fired = m <= fired_max_;
      a = combine(a, with);
      if (created) {
        ++open_;
        ++buckets_.at(m).open;
        if (!fired) buckets_.enqueue(m, key);
      }
      // Late but within grace: the window (perhaps new) emits its full contents at once.
      if (fired) em.emit(key, window(m), lower(a), EmissionKind::kUpdate);
    }
    return Added::kAccepted;
  }

  // Adopts an open window from another strategy: `fired` says whether it has emitted already,
  // which must be whether its fire time is at most the clock given to the constructor. False
  // (nothing done) if the window is beyond the rings' bounds.
  bool restore(KeyId key, Window w, const Aggregate& agg, bool fired) {
    if (w.start.ms < -slicing::kTimeLimit || w.start.ms > slicing::kTimeLimit) return false;
    const int64_t m = slicing::floor_div(w.start.ms - offset_, advance_);
    if (key >= keys_.size()) grow_to_hold(keys_, key);
    KeyRing& ring = keys_[key];
    if (!cover(ring, m, m)) return false;
    Aggregate& a = slot(ring, m);
    if (a.count == 0) {
      ++open_;
      ++buckets_.at(m).open;
      if (!fired) buckets_.enqueue(m, key);
    }
    a = agg;
    return true;
  }

  size_t open_windows() const { return open_; }
  size_t state_bytes() const {
    return keys_.size() * sizeof(KeyRing) + ring_bytes_ + buckets_.bytes();
  }

  // The general operator, once the budget allows what it will hold: its hash map takes ~3.5
  // times the memory of the rings.
  std::unique_ptr<Generic> successor() const {
    if (budget_ && !budget_->allows(Generic::bytes_for(open_))) {
      budget_->exceeded(Generic::bytes_for(open_), clock_, fmt::format("{} open windows", open_));
    }
    return std::make_unique<Generic>(assigner_, policy_);
  }

  // Hands every open window to the general operator, which handles the rest of the run.
  void hand_over_to(Generic& generic) {
    const int64_t live = buckets_.empty() ? slicing::kIndexLimit : buckets_.first();
    for (size_t k = 0; k < keys_.size(); ++k) {
      KeyRing& r = keys_[k];
      for (int64_t m = std::max(r.lo, live); m <= r.hi; ++m) {
        const Aggregate& a = slot(r, m);
        if (a.count != 0) generic.restore(KeyId(k), window(m), a, m <= fired_max_);
      }
    }
    decltype(keys_)().swap(keys_);
    buckets_ = WindowBuckets();
    ring_bytes_ = 0;
    open_ = 0;
  }

 private:
  static constexpr int64_t kMaxKeyWindows = int64_t(1) << 12;

  // Windows [lo, hi] of one key (empty if hi < lo), window m in slot m mod the slot count (a
  // power of two); slots outside [lo, hi] hold stale bytes.
  struct KeyRing {
    std::vector<Aggregate> slots;
    int64_t lo = 0, hi = -1;
  };
  static Aggregate& slot(KeyRing& r, int64_t m) {
    return r.slots[size_t(uint64_t(m) & (r.slots.size() - 1))];
  }

  Window window(int64_t m) const {
    const Timestamp s{offset_ + m * advance_};
    return {s, s + Duration{size_}};
  }

  void set_clock(Timestamp c) {
    clock_ = c;
    const slicing::ClockBounds b = slicing::clock_bounds(c, {offset_, size_, advance_}, delays_);
    fired_max_ = b.fired_max;
    alive_min_ = b.alive_min;
  }

  // Makes windows [a, b] of the key addressable, new ones empty, after dropping the windows
  // that fire() has closed; false if that would pass the bounds.
  bool cover(KeyRing& r, int64_t a, int64_t b) {
    const int64_t live = buckets_.empty() ? slicing::kIndexLimit : buckets_.first();
    if (r.hi < std::max(r.lo, live)) {  // nothing open: start afresh
      r.lo = a;
      r.hi = a - 1;
    } else {
      r.lo = std::max(r.lo, live);
    }
    const int64_t lo = std::min(r.lo, a), hi = std::max(r.hi, b);
    if (hi - lo >= kMaxKeyWindows || !buckets_.fits(lo, hi, slicing::kMaxWindowSpan)) return false;
    const size_t need = size_t(hi - lo + 1);
    if (need > r.slots.size()) {
      const size_t slots = std::bit_ceil(std::max<size_t>(need, 4));
      check_budget(state_bytes() + (slots - r.slots.size()) * sizeof(Aggregate));
      std::vector<Aggregate> bigger(slots);
      for (int64_t m = r.lo; m <= r.hi; ++m) {
        bigger[size_t(uint64_t(m) & (bigger.size() - 1))] = slot(r, m);
      }
      ring_bytes_ += (bigger.size() - r.slots.size()) * sizeof(Aggregate);
      r.slots = std::move(bigger);
    } else {
      for (int64_t m = lo; m < r.lo; ++m) slot(r, m) = identity();
      for (int64_t m = std::max(r.hi + 1, lo); m <= hi; ++m) slot(r, m) = identity();
    }
    r.lo = lo;
    r.hi = hi;
    buckets_.reserve(lo);
    buckets_.reserve(hi);
    return true;
  }

  // An event falls in ceil(SIZE / ADVANCE) windows, each with an aggregate of its own here.
  void check_budget(size_t bytes) const {
    if (budget_ && !budget_->allows(bytes)) {
      budget_->exceeded(
          bytes, clock_,
          fmt::format("each event falls in {} windows", (size_ + advance_ - 1) / advance_));
    }
  }

  Assigner assigner_;
  LatenessPolicy policy_;
  int64_t size_, advance_, offset_;
  slicing::PolicyDelays delays_;
  Timestamp clock_;
  int64_t fired_max_ = 0, alive_min_ = 0;      // slicing::clock_bounds() of clock_
  int64_t next_fire_ = -slicing::kIndexLimit;  // windows before it have fired
  std::vector<KeyRing> keys_;                  // by KeyId
  WindowBuckets buckets_;  // per window index: open windows, keys to fire on time
  size_t ring_bytes_ = 0;
  uint64_t open_ = 0;
  const StateBudget* budget_ = nullptr;
};

// The rings, handing over to the general operator past their bounds.
template <class Assigner>
class WindowRingOperator : public FallbackChain<WindowRings<Assigner>> {
 public:
  // `clock`: the clock so far, when the operator takes over from another one (see restore()).
  WindowRingOperator(Assigner assigner, LatenessPolicy policy, Timestamp clock = Timestamp::min())
      : FallbackChain<WindowRings<Assigner>>(assigner, policy, clock) {}
  // Whether the state has moved to the general operator: for tests.
  bool delegates() const { return this->handed_over(); }
};

}  // namespace tidemark
