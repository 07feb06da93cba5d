#pragma once
// Record-driven sliding windows with the semantics of Kafka Streams' SlidingWindows: two events
// share a window iff their times differ by at most DIFF; each distinct set of events is one
// window. Candidate starts are t - DIFF (left windows) and t + 1 (right windows) of the events.
//
// An open window holds exactly the key's retained events inside it (the clock never decreases,
// so every such event was accepted by it). While all values are integers (each below 2^31 in
// magnitude, none -0) whose total magnitude stays below 2^53, sums are exact in any order and a
// window's aggregate is computed from its events only when it is emitted (on firing, from the
// running aggregate of the key's window that fired before it: ForwardRangeAggregate). At the
// first other value the operator computes every open window's aggregate once and from then on
// keeps them eagerly, in the original order of additions (events inside the window at its
// creation in time order, then later ones in arrival order), so results are bit-identical
// either way.
//
// While every event arrives at or after the previous one and the clock, no window is stored at
// all (none that fired can take an event, so grace changes only when windows close, and every
// window's additions are in time order, so eager aggregates equal a walk of its events):
// SlidingInOrderLog keeps the pending ones as groups of keys by event time, and each is found from
// its key's events when it fires. The first event out of that order hands the open windows over
// to the per-key lists and calendars, which take the rest of the run.

#include <algorithm>
#include <limits>
#include <span>
#include <vector>

#include "tidemark/core/emitter.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/lateness.hpp"
#include "tidemark/core/window.hpp"
#include "tidemark/windows/aggregate.hpp"
#include "tidemark/windows/block_pool.hpp"
#include "tidemark/windows/dense_table.hpp"
#include "tidemark/windows/forward_range_aggregate.hpp"
#include "tidemark/windows/sliding_calendar.hpp"
#include "tidemark/windows/sliding_in_order_log.hpp"

namespace tidemark {

class SlidingOperator {
 public:
  SlidingOperator(Duration difference, LatenessPolicy policy)
      : diff_(difference),
        policy_(policy),
        fires_(Duration{difference.ms + 1}),
        purges_(Duration{difference.ms + 1}),
        from_log_(true) {
    // Beyond it DIFF + 2 overflows (WindowSpec::sliding rejects it with a message).
    TIDEMARK_ASSERT(difference >= Duration{} && difference <= WindowSpec::kMaxSlidingDifference);
  }

  void fire(Timestamp clock, Emitter& em);
  bool add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em);
  size_t open_windows() const { return window_count_; }
  void prefetch(KeyId key) const {
    if (key < keys_.size()) __builtin_prefetch(&keys_[key]);  // one line
  }
  // The lines an event of `key` reads first: its oldest and newest events, its windows around the
  // first unfired one and its last. Always inlined: g++ deems a function that only prefetches
  // pure and drops calls to it that it did not inline.
  [[gnu::always_inline]] void prefetch_deep(KeyId key) const {
    if (key >= keys_.size()) return;
    const KeyState& k = keys_[key];
    const size_t points = k.points.size(), starts = k.starts.size();
    __builtin_prefetch(k.points.data() + std::min<size_t>(k.phead, points));  // for trim()
    __builtin_prefetch(k.points.data() + (points > 0 ? points - 1 : 0));
    __builtin_prefetch(k.starts.data() + (k.head + k.fired - (k.fired > 0)));
    __builtin_prefetch(k.starts.data() + (starts > 0 ? starts - 1 : 0));
  }
  // Inline: the Driver asks after every event.
  size_t state_bytes() const {
    if (from_log_) {
      return keys_.size() * sizeof(KeyState) + (point_count_ + dead_points_) * sizeof(Point) +
             log_.bytes();
    }
    const size_t slot_bytes = sizeof(Timestamp) + (exact_ ? 0 : sizeof(Aggregate));
    return keys_.size() * sizeof(KeyState) + aggs_.size() * sizeof(std::vector<Aggregate>) +
           (point_count_ + dead_points_) * sizeof(Point) +
           (window_count_ + dead_slots_) * slot_bytes + fires_.bytes() + purges_.bytes();
  }
  // The memory behind it: the pool's blocks (arrays round up to powers of two, and freed blocks
  // wait for reuse), the eager aggregates' capacity, and the calendars and log as allocated.
  size_t allocated_bytes() const {
    return keys_.size() * sizeof(KeyState) + aggs_.size() * sizeof(std::vector<Aggregate>) +
           agg_capacity_ * sizeof(Aggregate) + pool_.bytes() + log_.bytes() + fires_.bytes() +
           purges_.bytes();
  }
  // Whether aggregates are still computed lazily (all values so far were exact integers).
  bool lazy_aggregates() const { return exact_; }
  // Whether the pending windows are still found from the in-order log (see above).
  bool windows_from_log() const { return from_log_; }

 private:
  struct Point {
    Timestamp time;
    double value;
  };
  // The state of one key, one cache line: its events and windows sit together, sorted, in
  // blocks of the pool, so an event touches a few cache lines instead of one hash node per
  // window. Windows fire in start order, so the fired ones (kept for grace) are a prefix of the
  // open windows.
  struct alignas(64) KeyState {
    PooledArray<Point> points;      // retained events points[phead..], sorted by time
    PooledArray<Timestamp> starts;  // open windows starts[head..], sorted
    uint32_t phead = 0;             // events before it are trimmed and erased in batches
    uint32_t head = 0;              // purged windows before it are erased in batches
    uint32_t fired = 0;             // length of the fired prefix of the open windows
    // Exact mode: the aggregate of the window that fired last, for the next one to fire (the
    // key's windows fire in start order); reset when points are inserted or erased.
    ForwardRangeAggregate next_fired;
  };
  static_assert(sizeof(KeyState) == 64, "one cache line per key");

  KeyState& state_of(KeyId key) {
    if (key >= keys_.size()) {
      grow_to_hold(keys_, key);
      if (!exact_) grow_to_hold(aggs_, key);
    }
    return keys_[key];
  }
  Window window_at(Timestamp start) const { return {start, start + Duration{diff_.ms + 1}}; }
  // The retained events of `k` inside `w`, combined in time order.
  static Aggregate aggregate(const KeyState& k, Window w);
  // Creates or updates the window at `start`, which is starts[i] or belongs at index i (i is
  // updated to where it ends up); `with` is the new event's value, if it is inside. With lazy
  // aggregates, an update takes the window's events from `range` if given (see its rules).
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
  // |t| < kLimit and DIFF < kLimit, so that no arithmetic around t saturates.
  bool far_from_limits(Timestamp t) const {
    return uint64_t(t.ms) + uint64_t(kLimit - 1) <= uint64_t(2 * kLimit - 2) && small_diff_;
  }
  // Creates the unfired window [start, end) of `key` at index i of its windows.
  [[gnu::always_inline]] inline void open(KeyId key, KeyState& k, size_t i, Timestamp start,
                                          Timestamp end);
  // The oldest event time a key keeps at `clock`; keep_at() computes it once per clock.
  Timestamp keep_for(Timestamp clock) const {
    return clock - Duration{diff_.ms + 2} - policy_.allowed() + Duration{1};
  }
  Timestamp keep_at(Timestamp clock) {
    if (clock != keep_clock_) {
      keep_clock_ = clock;
      keep_ = keep_for(clock);
    }
    return keep_;
  }
  void trim(KeyState& k, Timestamp keep);  // drops k's events before `keep`
  // Index of the window of `k` at `start` (or where it belongs).
  static size_t find(const KeyState& k, Timestamp start);
  void erase(KeyId key, KeyState& k, size_t i, Timestamp clock);
  void leave_exact();  // computes every open window's aggregate and keeps them from then on
  // Inserts into aggs_[key] and counts any growth of its capacity.
  void insert_agg(KeyId key, size_t i, const Aggregate& a) {
    std::vector<Aggregate>& aggs = aggs_[key];
    const size_t before = aggs.capacity();
    aggs.insert(aggs.begin() + ptrdiff_t(i), a);
    agg_capacity_ += aggs.capacity() - before;
  }
  // The in-order log (from_log_): an event's add, the firing of the due ends, and the handover
  // of the pending windows to the per-key lists and the calendar.
  bool in_log_order(Timestamp t, Timestamp clock) const {
    return t.ms >= newest_ms_ && clock <= t && far_from_limits(t);
  }
  bool add_to_log(KeyId key, KeyState& k, Timestamp t, double v);
  static bool has_point_at(const KeyState& k, int64_t t);  // one of k's retained events is at t
  void fire_from_log(Timestamp clock, Emitter& em);
  // Emits the windows ending at `end` of the keys in `left` (their left windows) and `right`
  // (their right windows, if not empty), both sorted, in key order; returns how many.
  size_t emit_from_log(int64_t end, std::span<const KeyId> left, std::span<const KeyId> right,
                       Timestamp clock, Emitter& em);
  void leave_log();

  static constexpr int64_t kLimit = int64_t(1) << 61;  // in_order() keeps far from saturation

  Duration diff_;
  LatenessPolicy policy_;
  bool small_diff_ = diff_.ms < kLimit;
  Timestamp fired_clock_ = Timestamp::min();  // of the last fire() (none is due at -inf)
  Timestamp keep_clock_ = Timestamp::min(), keep_ = keep_for(keep_clock_);
  BlockPool pool_;              // holds the arrays of keys_
  std::vector<KeyState> keys_;  // indexed by KeyId (dense), grown on first use
  std::vector<std::vector<Aggregate>> aggs_;  // eager mode: per key, beside KeyState::starts
  size_t agg_capacity_ = 0;                   // the capacities of aggs_[key], summed
  size_t point_count_ = 0, window_count_ = 0;
  size_t dead_points_ = 0, dead_slots_ = 0;  // trimmed / purged but not yet erased (still memory)
  bool exact_ = true;
  ExactSums exact_sums_;            // while it admits every value, exact mode holds
  SlidingCalendar fires_, purges_;  // one entry per unfired / fired open window
  std::vector<Timestamp> starts_;   // reused per event
  std::vector<SlidingCalendar::Entry> batch_;  // reused per fired end
  bool from_log_;                              // no event out of order yet
  int64_t newest_ms_ = std::numeric_limits<int64_t>::min();  // of all events, while from_log_
  SlidingInOrderLog log_;
  KeySorter sorter_;
  std::vector<KeyId> left_keys_;  // reused per fired end
};

}  // namespace tidemark
