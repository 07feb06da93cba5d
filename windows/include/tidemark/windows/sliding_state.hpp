#pragma once
// What both modes of SlidingOperator keep (sliding_in_order_mode.hpp, sliding_list_mode.hpp): the
// retained events of every key, the window count, and how aggregates are kept. Aggregates are
// lazy while every value is an integer below 2^31 in magnitude (none -0) and their total
// magnitude stays below 2^53: sums are then exact in any order, so a window's aggregate is
// computed from its events when it is emitted. At the first other value every open window's
// aggregate is computed once and kept eagerly from then on, in the original order of additions,
// so results are bit-identical either way.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/lateness.hpp"
#include "tidemark/core/window.hpp"
#include "tidemark/windows/aggregate.hpp"
#include "tidemark/windows/block_pool.hpp"
#include "tidemark/windows/dense_table.hpp"
#include "tidemark/windows/forward_range_aggregate.hpp"

namespace tidemark {

class SlidingState {
 public:
  SlidingState(Duration difference, LatenessPolicy policy) : diff_(difference), policy_(policy) {
    // Beyond it DIFF + 2 overflows (WindowSpec::sliding rejects it with a message).
    TIDEMARK_ASSERT(difference >= Duration{} && difference <= WindowSpec::kMaxSlidingDifference);
  }

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
  bool lazy_aggregates() const { return exact_; }

 protected:
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
    // Lazy aggregates: the aggregate of the window that fired last, for the next one to fire
    // (the key's windows fire in start order); reset when points are inserted or erased.
    ForwardRangeAggregate next_fired;
  };
  static_assert(sizeof(KeyState) == 64, "one cache line per key");

  static constexpr int64_t kLimit = int64_t(1) << 61;  // keeps arithmetic far from saturation

  KeyState& state_of(KeyId key) {
    if (key >= keys_.size()) {
      grow_to_hold(keys_, key);
      if (!exact_) grow_to_hold(aggs_, key);
    }
    return keys_[key];
  }
  // Switches to eager aggregates at the first value whose sums may not be exact.
  void admit(double v) {
    if (exact_ && !exact_sums_.admit(v)) [[unlikely]]
      leave_exact();
  }
  Window window_at(Timestamp start) const { return {start, start + Duration{diff_.ms + 1}}; }
  // The retained events of `k` inside `w`, combined in time order.
  static Aggregate aggregate(const KeyState& k, Window w);
  // |t| < kLimit and DIFF < kLimit, so that no arithmetic around t saturates.
  bool far_from_limits(Timestamp t) const {
    return uint64_t(t.ms) + uint64_t(kLimit - 1) <= uint64_t(2 * kLimit - 2) && small_diff_;
  }
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
  // Drops k's events before `keep`, if its oldest is.
  void trim_if_due(KeyState& k, Timestamp clock) {
    const Timestamp keep = keep_at(clock);
    if (k.phead < k.points.size() && k.points[k.phead].time < keep) trim(k, keep);
  }
  void trim(KeyState& k, Timestamp keep);  // drops k's events before `keep`
  // Inserts into aggs_[key] and counts any growth of its capacity.
  void insert_agg(KeyId key, size_t i, const Aggregate& a) {
    std::vector<Aggregate>& aggs = aggs_[key];
    const size_t before = aggs.capacity();
    aggs.insert(aggs.begin() + ptrdiff_t(i), a);
    agg_capacity_ += aggs.capacity() - before;
  }
  size_t keys_bytes() const {
    return keys_.size() * sizeof(KeyState) + aggs_.size() * sizeof(std::vector<Aggregate>);
  }
  // The memory behind the events and eager aggregates: the pool's blocks (arrays round up to
  // powers of two, and freed blocks wait for reuse) and the aggregates' capacity.
  size_t allocated_bytes() const {
    return keys_bytes() + agg_capacity_ * sizeof(Aggregate) + pool_.bytes();
  }

  Duration diff_;
  LatenessPolicy policy_;
  bool small_diff_ = diff_.ms < kLimit;
  Timestamp fired_clock_ = Timestamp::min();  // of the last fire() (none is due at -inf)
  Timestamp keep_clock_ = Timestamp::min(), keep_ = keep_for(keep_clock_);
  BlockPool pool_;                            // holds the arrays of keys_
  std::vector<KeyState> keys_;                // indexed by KeyId (dense), grown on first use
  std::vector<std::vector<Aggregate>> aggs_;  // eager aggregates: per key, beside starts
  size_t agg_capacity_ = 0;                   // the capacities of aggs_[key], summed
  size_t point_count_ = 0, window_count_ = 0;
  size_t dead_points_ = 0;  // trimmed but not yet erased (still memory)
  bool exact_ = true;       // aggregates are lazy
  ExactSums exact_sums_;    // while it admits every value, aggregates stay lazy

 private:
  void leave_exact();  // computes every open window's aggregate and keeps them from then on
};

}  // namespace tidemark
