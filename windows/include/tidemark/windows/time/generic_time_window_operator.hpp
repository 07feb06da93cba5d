#pragma once
// The general fixed-size time-window operator (tumbling, hopping): one hash-map entry per
// (key, window) and a timer heap. Slower than TimeWindowOperator's slices, but it covers every
// input: TimeWindowOperator hands its state over to this one when its fast path does not apply.
// It is generic over the aggregator A, and the only time-window strategy for an aggregator the
// sliced ones cannot hold (time_window_operator.hpp): a window's partial is folded in arrival
// order, so any associative aggregator gives its definition.

#include <fmt/format.h>

#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/output/emitter.hpp"
#include "tidemark/core/runtime/lateness.hpp"
#include "tidemark/core/runtime/state_budget.hpp"
#include "tidemark/windows/aggregate/aggregators.hpp"
#include "tidemark/windows/support/keyed_state.hpp"
#include "tidemark/windows/support/timer_queue.hpp"

namespace tidemark {

// `Out` (Emitter, or anything with emit(key, window, A::Result, kind)) receives the results.
template <class Assigner, Aggregator A = StatsAggregator>
class GenericTimeWindowOperator {
 public:
  GenericTimeWindowOperator(Assigner assigner, LatenessPolicy policy)
      : assigner_(assigner), policy_(policy) {}

  template <class Out>
  void fire(Timestamp clock, Out& em) {
    while (fires_.due(clock)) {
      const Timer t = fires_.pop();
      const auto it = slots_->find({t.key, t.start});
      TIDEMARK_ASSERT(it != slots_->end());
      em.emit(t.key, {t.start, t.end}, A::lower(it->second.agg), EmissionKind::kOnTime);
      const Timestamp close = policy_.close_time(t.end);
      if (close <= clock) {
        slots_->erase(it);
      } else {
        it->second.fired = true;
        purges_.push({close, t.end, t.key, t.start});
      }
    }
    while (purges_.due(clock)) {
      const Timer t = purges_.pop();
      slots_->erase({t.key, t.start});
    }
  }

  template <class Out>
  bool add(KeyId key, Timestamp t, double v, Timestamp clock, Out& em) {
    assigner_.assign(t, windows_);
    bool accepted = false;
    uint32_t created = 0;
    for (const Window& w : windows_) {
      const Decision d = decide(w, clock, policy_);
      if (d == Decision::kReject) continue;
      accepted = true;
      auto [it, inserted] = slots_->try_emplace(WindowKey{key, w.start});
      // An event may open up to 10^6 windows (~110 MB): the budget is checked on the way.
      if (inserted && ++created % kWindowsPerCheck == 0) check_budget(clock);
      Slot& slot = it->second;
      slot.agg = A::combine(slot.agg, A::lift(v));
      if (d == Decision::kAccept) {
        if (inserted) fires_.push({policy_.fire_time(w.end), w.end, key, w.start});
        continue;
      }
      // Late but within grace: the window (perhaps new) emits its full contents at once.
      if (inserted) {
        slot.fired = true;
        purges_.push({policy_.close_time(w.end), w.end, key, w.start});
      }
      em.emit(key, w, A::lower(slot.agg), EmissionKind::kUpdate);
    }
    return accepted;
  }

  // Adopts an open window from another operator: `fired` says whether it has emitted already.
  void restore(KeyId key, Window w, const typename A::Partial& agg, bool fired) {
    slots_->insert_or_assign(WindowKey{key, w.start}, Slot{agg, fired});
    if (fired) {
      purges_.push({policy_.close_time(w.end), w.end, key, w.start});
    } else {
      fires_.push({policy_.fire_time(w.end), w.end, key, w.start});
    }
  }

  size_t open_windows() const { return slots_->size(); }
  // A partial's own heap (collect's values) is not counted.
  size_t state_bytes() const {
    return slots_->size() * kNodeBytes<WindowKey, Slot> +
           (fires_.size() + purges_.size()) * sizeof(Timer);
  }
  void set_state_budget(const StateBudget* budget) { budget_ = budget; }
  // What `windows` open windows take here: for an operator about to hand its state over.
  static size_t bytes_for(size_t windows) {
    return windows * (kNodeBytes<WindowKey, Slot> + sizeof(Timer));
  }

 private:
  static constexpr uint32_t kWindowsPerCheck = 4096;

  void check_budget(Timestamp clock) const {
    if (budget_ && !budget_->allows(state_bytes())) {
      budget_->exceeded(state_bytes(), clock,
                        fmt::format("each event falls in up to {} windows", windows_.size()));
    }
  }

  struct Slot {
    typename A::Partial agg = A::identity();
    bool fired = false;
  };

  Assigner assigner_;
  LatenessPolicy policy_;
  PooledMap<WindowKey, Slot, WindowKeyHash> slots_;
  TimerQueue fires_, purges_;
  std::vector<Window> windows_;  // reused per event
  const StateBudget* budget_ = nullptr;
};

}  // namespace tidemark
