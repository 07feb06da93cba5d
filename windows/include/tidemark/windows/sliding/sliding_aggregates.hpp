#pragma once
// How the modes of SlidingOperator keep window aggregates: one strategy type each, bit-identical
// results either way.

#include <cstddef>
#include <span>
#include <vector>

#include "tidemark/core/window.hpp"
#include "tidemark/windows/aggregate/aggregate.hpp"
#include "tidemark/windows/sliding/forward_range_aggregate.hpp"
#include "tidemark/windows/sliding/sliding_state.hpp"
#include "tidemark/windows/support/dense_table.hpp"

namespace tidemark {

// While every value is an integer below 2^31 in magnitude (none -0) and their total magnitude
// stays below 2^53, sums are exact in any order: no window stores an aggregate, it is computed
// from the window's events when it is emitted.
class SlidingLazyAggregates {
 public:
  // A stored window needs no work for an event it accepts without an update: the modes' fast
  // paths rely on it.
  static constexpr bool kFromEvents = true;
  static constexpr size_t kSlotBytes = 0;  // per stored window

  // Whether sums stay exact with `v` added (every value of the run goes through it once).
  bool admits(double v) { return exact_sums_.admit(v); }

  // A stored window at index i of `key`'s windows: created (its aggregate from `inside()`),
  // reusing a slot, erased, the first n erased, all erased.
  void hold(KeyId) {}
  template <class Inside>
  void insert(KeyId, size_t, Inside&&) {}
  template <class Inside>
  void assign(KeyId, size_t, Inside&&) {}
  void erase(KeyId, size_t) {}
  void erase_front(KeyId, size_t) {}
  void clear(KeyId) {}

  // Window i of `key` (w) accepts `with`; its new aggregate if `wanted` (for an update), taking
  // its events from `range` if given (see ForwardRangeAggregate's rules).
  static Aggregate add(KeyId, const SlidingKeyState& k, size_t, Window w, const Aggregate& with,
                       bool wanted, ForwardRangeAggregate* range) {
    if (!wanted) return identity();
    const Aggregate inside =
        range ? range->query(k.points.data(), k.phead, uint32_t(k.points.size()), w.start, w.end)
              : aggregate_of(k, w);
    return combine(inside, with);
  }
  // The aggregate of the key's next window to fire, i (w); the key's windows fire in start order.
  static Aggregate fired(KeyId, SlidingKeyState& k, size_t, Window w) {
    return k.next_fired.query(k.points.data(), k.phead, uint32_t(k.points.size()), w.start, w.end);
  }
  // The same for a window found from the in-order log: no index.
  static Aggregate found(SlidingKeyState& k, Window w) { return fired(0, k, 0, w); }
  static void prefetch_fired(const SlidingKeyState& k) {
    __builtin_prefetch(k.points.data() + k.phead);
  }
  size_t keys_bytes() const { return 0; }
  size_t allocated_bytes() const { return 0; }

 private:
  ExactSums exact_sums_;
};

// From the first other value on: each stored window keeps its aggregate, added to in the
// original order of additions (events inside the window at its creation in time order, then
// later ones in arrival order).
class SlidingEagerAggregates {
 public:
  static constexpr bool kFromEvents = false;
  static constexpr size_t kSlotBytes = sizeof(Aggregate);

  // Every stored window's aggregate from its events (`diff`: the windows' difference). The sums
  // so far were exact, so they equal what the eager additions would have made in their order.
  SlidingEagerAggregates(std::span<const SlidingKeyState> keys, Duration diff);

  void hold(KeyId key) { grow_to_hold(aggs_, key); }
  template <class Inside>
  void insert(KeyId key, size_t i, Inside&& inside) {
    std::vector<Aggregate>& aggs = aggs_[key];
    const size_t before = aggs.capacity();
    aggs.insert(aggs.begin() + ptrdiff_t(i), inside());
    capacity_ += aggs.capacity() - before;
  }
  template <class Inside>
  void assign(KeyId key, size_t i, Inside&& inside) {
    aggs_[key][i] = inside();
  }
  void erase(KeyId key, size_t i) { aggs_[key].erase(aggs_[key].begin() + ptrdiff_t(i)); }
  void erase_front(KeyId key, size_t n) {
    aggs_[key].erase(aggs_[key].begin(), aggs_[key].begin() + ptrdiff_t(n));
  }
  void clear(KeyId key) { aggs_[key].clear(); }

  Aggregate add(KeyId key, const SlidingKeyState&, size_t i, Window, const Aggregate& with, bool,
                ForwardRangeAggregate*) {
    Aggregate& a = aggs_[key][i];
    a = combine(a, with);
    return a;
  }
  Aggregate fired(KeyId key, const SlidingKeyState&, size_t i, Window) const {
    return aggs_[key][i];
  }
  // Every event of the in-order log arrived in time order, the order of the eager additions.
  static Aggregate found(const SlidingKeyState& k, Window w) { return aggregate_of(k, w); }
  static void prefetch_fired(const SlidingKeyState&) {}
  size_t keys_bytes() const { return aggs_.size() * sizeof(std::vector<Aggregate>); }
  // The aggregates' capacity, as allocated.
  size_t allocated_bytes() const { return keys_bytes() + capacity_ * sizeof(Aggregate); }

 private:
  std::vector<std::vector<Aggregate>> aggs_;  // per key, beside SlidingKeyState::starts
  size_t capacity_ = 0;                       // the capacities of aggs_[key], summed
};

}  // namespace tidemark
