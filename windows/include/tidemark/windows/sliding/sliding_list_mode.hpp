#pragma once
// SlidingOperator once an event came out of time order: each key's open windows as a sorted
// list beside its events, and calendars of the windows due to fire and to close. `Aggs`: see
// sliding_aggregates.hpp.

#include <concepts>
#include <vector>

#include "tidemark/core/output/emitter.hpp"
#include "tidemark/windows/sliding/sliding_aggregates.hpp"
#include "tidemark/windows/sliding/sliding_calendar.hpp"
#include "tidemark/windows/sliding/sliding_in_order_mode.hpp"
#include "tidemark/windows/sliding/sliding_state.hpp"

namespace tidemark {

template <class Aggs>
class SlidingListMode : public SlidingState {
 public:
  // Takes over the state and the open windows of the in-order mode, as its events found them.
  explicit SlidingListMode(SlidingInOrderMode<Aggs>&& from);
  // Goes on with the windows of a run whose values are no longer exact sums. (A template: as a
  // constructor from its own type it would suppress the move constructor.)
  template <class Lazy>
  requires std::same_as<Lazy, SlidingLazyAggregates> && std::same_as<Aggs, SlidingEagerAggregates>
  explicit SlidingListMode(SlidingListMode<Lazy>&& from)
      : SlidingState(std::move(from)),
        dead_slots_(from.dead_slots_),
        fires_(std::move(from.fires_)),
        purges_(std::move(from.purges_)),
        starts_(std::move(from.starts_)),
        batch_(std::move(from.batch_)),
        aggregates_(keys_, diff_) {}

  template <class A = Aggs>  // a template: see SlidingInOrderMode's constructor
  requires A::kFromEvents bool admits(double v) { return aggregates_.admits(v); }

  void fire(Timestamp clock, Emitter& em);
  bool add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em);
  size_t state_bytes() const {
    constexpr size_t slot_bytes = sizeof(Timestamp) + Aggs::kSlotBytes;
    return keys_bytes() + aggregates_.keys_bytes() + (point_count_ + dead_points_) * sizeof(Point) +
           (window_count_ + dead_slots_) * slot_bytes + fires_.bytes() + purges_.bytes();
  }
  size_t allocated_bytes() const {
    return SlidingState::allocated_bytes() + aggregates_.allocated_bytes() + fires_.bytes() +
           purges_.bytes();
  }

 private:
  template <class>
  friend class SlidingListMode;

  // Creates or updates the window at `start`, which is starts[i] or belongs at index i (i is
  // updated to where it ends up); `with` is the new event's value, if it is inside. With lazy
  // aggregates, an update takes the window's events from `range` if given.
  bool apply(KeyId key, KeyState& k, size_t& i, Timestamp start, const Aggregate& with,
             Timestamp clock, Emitter& em, ForwardRangeAggregate* range = nullptr);
  // in_order() and open() are inlined into the path of every in-order event: as calls they cost
  // about as much as their bodies (prologues, spills).
  [[gnu::always_inline]] inline bool in_order(const KeyState& k, Timestamp t,
                                              Timestamp clock) const;
  bool add_in_order(KeyId key, KeyState& k, Timestamp t, double v, Timestamp clock, Emitter& em);
  // add() for any other event far from the ends of time, with lazy aggregates: it visits only the
  // windows that may be new and the fired ones it updates, not every window within DIFF of t.
  bool add_lazy(KeyId key, KeyState& k, Timestamp t, double v, Timestamp clock, Emitter& em);
  // Inserts the accepted event at t (at_t: k's first event at or after t) and opens t's right
  // window if a later event falls in it.
  void insert(KeyId key, KeyState& k, const Point* at_t, Timestamp t, double v, Timestamp clock,
              Emitter& em);
  // Creates the unfired window [start, end) of `key` at index i of its windows.
  [[gnu::always_inline]] inline void open(KeyId key, KeyState& k, size_t i, Timestamp start,
                                          Timestamp end);
  // Index of the window of `k` at `start` (or where it belongs).
  static size_t find(const KeyState& k, Timestamp start);
  void erase(KeyId key, KeyState& k, size_t i, Timestamp clock);

  size_t dead_slots_ = 0;                      // purged but not yet erased (still memory)
  SlidingCalendar fires_, purges_;             // one entry per unfired / fired open window
  std::vector<Timestamp> starts_;              // reused per event
  std::vector<SlidingCalendar::Entry> batch_;  // reused per fired end
  Aggs aggregates_;
};

}  // namespace tidemark
