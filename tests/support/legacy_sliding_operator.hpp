#pragma once
// The sliding operator that SlidingOperator replaced, unchanged but for its name: per-window eager
// aggregates, one timer per key. tests/windows/sliding/sliding_differential_test.cpp uses it as an
// oracle.

#include <cstddef>
#include <vector>

#include "keyed_timer_queue.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/output/emitter.hpp"
#include "tidemark/core/runtime/lateness.hpp"
#include "tidemark/core/window.hpp"
#include "tidemark/windows/aggregate/aggregate.hpp"

namespace tidemark::test {

class LegacySlidingOperator {
 public:
  LegacySlidingOperator(Duration difference, LatenessPolicy policy)
      : diff_(difference), policy_(policy) {}

  void fire(Timestamp clock, Emitter& em);
  bool add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em);
  size_t open_windows() const { return window_count_; }
  size_t state_bytes() const;

 private:
  struct Slot {
    Timestamp start;
    Aggregate agg;
    bool fired = false;
  };
  struct Point {
    Timestamp time;
    double value;
  };
  using Points = std::vector<Point>;  // accepted events of a key, sorted by time
  // The state of one key: its windows sit together, sorted, so an event touches a few cache
  // lines instead of one hash node per window. Windows fire in start order, so the fired ones
  // (kept for grace) are a prefix of the open windows. The fire queue holds each key's first
  // unfired window, the purge queue its first fired one.
  struct KeyState {
    Points points;
    std::vector<Slot> slots;  // open windows slots[head..], sorted by start
    size_t head = 0;          // purged windows before it are erased in batches
    size_t fired = 0;         // length of the fired prefix of the open windows
  };

  KeyState& state_of(KeyId key) {
    if (key >= keys_.size()) keys_.resize(size_t(key) + 1);
    return keys_[key];
  }
  Window window_at(Timestamp start) const { return {start, start + Duration{diff_.ms + 1}}; }
  Aggregate aggregate(const Points& points, Window w) const;
  // Creates or updates the window at `start`, which is slots[i] or belongs at index i (i is
  // updated to where it ends up); `with` is the new event's value, if it is inside.
  bool apply(KeyId key, KeyState& k, size_t& i, Timestamp start, const Aggregate& with,
             Timestamp clock, Emitter& em);
  void trim(Points& points, Timestamp clock);
  // Index of the window of `k` at `start` (or where it belongs).
  static size_t find(const KeyState& k, Timestamp start);
  void erase(KeyState& k, size_t i, Timestamp clock);
  void arm_fire(KeyId key, KeyState& k);   // for the first unfired window, or none
  void arm_purge(KeyId key, KeyState& k);  // for the first fired window, or none

  Duration diff_;
  LatenessPolicy policy_;
  std::vector<KeyState> keys_;  // indexed by KeyId (dense), grown on first use
  size_t point_count_ = 0, window_count_ = 0;
  size_t dead_slots_ = 0;           // purged windows not yet erased (still memory)
  KeyedTimerQueue fires_, purges_;  // one entry per key with such a window
  std::vector<Timestamp> starts_;   // reused per event
};

}  // namespace tidemark::test
