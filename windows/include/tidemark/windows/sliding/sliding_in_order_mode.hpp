#pragma once
// SlidingOperator while every event arrives at or after the previous one and the clock: no
// window is stored at all. None that fired can take an event, so grace changes only when windows
// close, and every window's additions are in time order, so eager aggregates equal a walk of its
// events. SlidingInOrderLog keeps the pending windows as groups of keys by event time, and each
// is found from its key's events when it fires. The first event out of that order hands the
// open windows over to SlidingListMode, which takes the rest of the run. `Aggs`: see
// sliding_aggregates.hpp.

#include <concepts>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "tidemark/core/output/emitter.hpp"
#include "tidemark/windows/sliding/sliding_aggregates.hpp"
#include "tidemark/windows/sliding/sliding_in_order_log.hpp"
#include "tidemark/windows/sliding/sliding_state.hpp"
#include "tidemark/windows/support/key_sorter.hpp"

namespace tidemark {

template <class Aggs>
class SlidingInOrderMode : public SlidingState {
 public:
  // A run starts here, with lazy aggregates. (Constrained members are templates so that the
  // explicit instantiation of the eager class does not instantiate them: clang 14 would.)
  template <class A = Aggs>
  requires A::kFromEvents SlidingInOrderMode(Duration difference, LatenessPolicy policy)
      : SlidingState(difference, policy) {}
  // Goes on with the log of a run whose values are no longer exact sums.
  // (A template: as a constructor from its own type it would suppress the move constructor.)
  template <class Lazy>
  requires std::same_as<Lazy, SlidingLazyAggregates> && std::same_as<Aggs, SlidingEagerAggregates>
  explicit SlidingInOrderMode(SlidingInOrderMode<Lazy>&& from)
      : SlidingState(std::move(from)),
        newest_ms_(from.newest_ms_),
        log_(std::move(from.log_)),
        sorter_(std::move(from.sorter_)),
        left_keys_(std::move(from.left_keys_)),
        aggregates_(keys_, diff_) {}

  // Whether this mode can take the event: t is at or after every event and not behind the clock.
  bool takes(Timestamp t, Timestamp clock) const {
    return t.ms >= newest_ms_ && clock <= t && far_from_limits(t);
  }
  template <class A = Aggs>
  requires A::kFromEvents bool admits(double v) { return aggregates_.admits(v); }
  bool add(KeyId key, Timestamp t, double v, Timestamp clock) {
    KeyState& k = state_of(key, aggregates_);
    trim_if_due(k, clock);
    return add_to_log(key, k, t, v);
  }
  void fire(Timestamp clock, Emitter& em);
  size_t state_bytes() const {
    return keys_.size() * sizeof(KeyState) + (point_count_ + dead_points_) * sizeof(Point) +
           log_.bytes();
  }
  size_t allocated_bytes() const {
    return SlidingState::allocated_bytes() + aggregates_.allocated_bytes() + log_.bytes();
  }

 private:
  template <class>
  friend class SlidingInOrderMode;
  template <class>
  friend class SlidingListMode;

  bool add_to_log(KeyId key, KeyState& k, Timestamp t, double v);
  static bool has_point_at(const KeyState& k, int64_t t);  // one of k's retained events is at t
  // Emits the windows ending at `end` of the keys in `left` (their left windows) and `right`
  // (their right windows, if not empty), both sorted, in key order; returns how many.
  size_t emit(int64_t end, std::span<const KeyId> left, std::span<const KeyId> right,
              Timestamp clock, Emitter& em);

  int64_t newest_ms_ = std::numeric_limits<int64_t>::min();  // of all events
  SlidingInOrderLog log_;
  KeySorter sorter_;
  std::vector<KeyId> left_keys_;  // reused per fired end
  Aggs aggregates_;
};

}  // namespace tidemark
