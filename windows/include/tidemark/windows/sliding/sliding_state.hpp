#pragma once
// What every mode of SlidingOperator keeps (sliding_in_order_mode.hpp, sliding_list_mode.hpp):
// the retained events of every key, its open windows if the mode stores them, and the window
// count. How window aggregates are kept is the modes' SlidingAggregates strategy.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/runtime/lateness.hpp"
#include "tidemark/core/window.hpp"
#include "tidemark/windows/aggregate/aggregate.hpp"
#include "tidemark/windows/sliding/forward_range_aggregate.hpp"
#include "tidemark/windows/support/block_pool.hpp"
#include "tidemark/windows/support/dense_table.hpp"

namespace tidemark {

struct SlidingPoint {
  Timestamp time;
  double value;
};

// The state of one key, one cache line: its events and windows sit together, sorted, in blocks
// of the pool, so an event touches a few cache lines instead of one hash node per window.
// Windows fire in start order, so the fired ones (kept for grace) are a prefix of the open
// windows.
struct alignas(64) SlidingKeyState {
  PooledArray<SlidingPoint> points;  // retained events points[phead..], sorted by time
  PooledArray<Timestamp> starts;     // open windows starts[head..], sorted
  uint32_t phead = 0;                // events before it are trimmed and erased in batches
  uint32_t head = 0;                 // purged windows before it are erased in batches
  uint32_t fired = 0;                // length of the fired prefix of the open windows
  // Lazy aggregates: the aggregate of the window that fired last, for the next one to fire
  // (the key's windows fire in start order); reset when points are inserted or erased.
  ForwardRangeAggregate next_fired;
};
static_assert(sizeof(SlidingKeyState) == 64, "one cache line per key");

// The retained events of `k` inside `w`, combined in time order.
Aggregate aggregate_of(const SlidingKeyState& k, Window w);

class SlidingState {
 public:
  SlidingState(Duration difference, LatenessPolicy policy) : diff_(difference), policy_(policy) {
    // Beyond it DIFF + 2 overflows (SlidingSpec rejects it with a message).
    TIDEMARK_ASSERT(difference >= Duration{} && difference <= SlidingSpec::kMaxDifference);
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

 protected:
  using Point = SlidingPoint;
  using KeyState = SlidingKeyState;

  static constexpr int64_t kLimit = int64_t(1) << 61;  // keeps arithmetic far from saturation

  Window window_at(Timestamp start) const { return {start, start + Duration{diff_.ms + 1}}; }
  static Aggregate aggregate(const KeyState& k, Window w) { return aggregate_of(k, w); }
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
  // The key's state, the tables (and the mode's aggregates) grown to hold it first.
  template <class Aggs>
  KeyState& state_of(KeyId key, Aggs& aggregates) {
    if (key >= keys_.size()) {
      grow_to_hold(keys_, key);
      aggregates.hold(key);
    }
    return keys_[key];
  }
  size_t keys_bytes() const { return keys_.size() * sizeof(KeyState); }
  // The memory behind the events: the pool's blocks (arrays round up to powers of two, and freed
  // blocks wait for reuse).
  size_t allocated_bytes() const { return keys_bytes() + pool_.bytes(); }

  Duration diff_;
  LatenessPolicy policy_;
  bool small_diff_ = diff_.ms < kLimit;
  Timestamp fired_clock_ = Timestamp::min();  // of the last fire() (none is due at -inf)
  Timestamp keep_clock_ = Timestamp::min(), keep_ = keep_for(keep_clock_);
  BlockPool pool_;              // holds the arrays of keys_
  std::vector<KeyState> keys_;  // indexed by KeyId (dense), grown on first use
  size_t point_count_ = 0, window_count_ = 0;
  size_t dead_points_ = 0;  // trimmed but not yet erased (still memory)
};

}  // namespace tidemark
