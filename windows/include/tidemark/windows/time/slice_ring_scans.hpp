#pragma once
// Window aggregates read from one key's SliceRing: window m is slices [m*a, m*a + n). An on-time
// firing costs O(1) amortized through block scans: the slices are cut into blocks of n, and a
// window is the suffix of one block combined with the prefix of the next.

#include <algorithm>
#include <cstdint>

#include "tidemark/windows/aggregate/aggregate.hpp"
#include "tidemark/windows/time/slice_ring.hpp"
#include "tidemark/windows/time/slicing.hpp"

namespace tidemark::slicing {

template <class Ring>
class SliceRingScans {
  static constexpr bool kScans = std::is_same_v<typename Ring::Slot, ScanSlot>;

 public:
  SliceRingScans(int64_t a, int64_t n) : a_(a), n_(n) {}

  // The aggregate of window m by combining its slices one by one.
  Aggregate window_agg(Ring& ks, int64_t m) const {
    const int64_t s = m * a_;
    if (n_ == 1) return (ks.len && s >= ks.base && s < ks.end()) ? ks.slot(s).agg : Aggregate{};
    Aggregate acc{};
    const int64_t hi = std::min(s + n_, ks.end());
    for (int64_t j = std::max(s, ks.base); j < hi; ++j) acc = combine(acc, ks.slot(j).agg);
    return acc;
  }

  // The aggregate of window m for its on-time firing: O(1) amortized through block scans.
  Aggregate ontime_agg(Ring& ks, int64_t m) const {
    if constexpr (!kScans) {
      return window_agg(ks, m);
    } else {
      if (n_ == 1) return window_agg(ks, m);
      // Slices past the ring's end hold no event: scans stop at the last slice held.
      const int64_t s = m * a_, last = s + n_ - 1;
      const int64_t block = floor_div(s, n_) * n_;
      if (block == s) return prefix_at(ks, block, last);
      return combine(suffix_at(ks, block, s), prefix_at(ks, block + n_, last));
    }
  }

  // The next window after m holding an event of the key, or kNone.
  int64_t next_window(Ring& ks, int64_t m) const {
    if (ks.top == kNone) return kNone;
    const int64_t from = std::max((m + 1) * a_, ks.base);
    for (int64_t j = from; j <= ks.top; ++j) {
      if (ks.slot(j).agg.count != 0) return std::max(m + 1, floor_div(j - n_, a_) + 1);
    }
    return kNone;
  }

  // The last window index from m on (at most `last`) whose slices holding events are those of
  // window m, which holds one: its aggregate is the same, as sums are exact in any order.
  int64_t same_slices_until(Ring& ks, int64_t m, int64_t last) const {
    if (m >= last || n_ == 1) return m;
    const int64_t s = m * a_, e = s + n_;  // window m: slices [s, e)
    const int64_t held_end = std::min(e, ks.top + 1);
    int64_t f = std::max(s, ks.base);  // the window's oldest slice with events leaves after it
    while (f < held_end && ks.slot(f).agg.count == 0) ++f;
    if (f >= held_end) return m;  // not reached: window m holds an event
    int64_t until = std::min(last, floor_div(f, a_));
    for (int64_t x = std::max(e, ks.base); x <= ks.top; ++x) {  // the next slice to enter
      if (ks.slot(x).agg.count != 0) {
        until = std::min(until, floor_div(x - n_, a_));
        break;
      }
    }
    return until;
  }

 private:
  // Combination of the slices [block, q] (q within the block starting at `block`).
  Aggregate prefix_at(Ring& ks, int64_t block, int64_t q) const {
    const int64_t lo = std::max(block, ks.base);
    q = std::min(q, ks.end() - 1);
    if (q < lo) return {};
    if (ks.pfx_lo != block) {
      if (ks.sfx_lo == block) ks.sfx_lo = kNone;
      ks.pfx_lo = block;
      ks.pfx_upto = lo;
    }
    if (ks.pfx_upto < lo) ks.pfx_upto = lo;
    if (q >= ks.pfx_upto) {
      Aggregate acc = ks.pfx_upto > lo ? ks.slot(ks.pfx_upto - 1).scan : Aggregate{};
      for (int64_t j = ks.pfx_upto; j <= q; ++j) {
        auto& sl = ks.slot(j);
        acc = combine(acc, sl.agg);
        sl.scan = acc;
      }
      ks.pfx_upto = q + 1;
    }
    return ks.slot(q).scan;
  }

  // Combination of the slices [s, block + n) (s within the block starting at `block`).
  Aggregate suffix_at(Ring& ks, int64_t block, int64_t s) const {
    const int64_t lo = std::max(block, ks.base);
    const int64_t hi = std::min(block + n_, ks.end()) - 1;
    if (hi < lo || s > hi) return {};
    if (ks.sfx_lo != block) {
      if (ks.pfx_lo == block) ks.pfx_lo = kNone;
      Aggregate acc{};
      for (int64_t j = hi; j >= lo; --j) {
        auto& sl = ks.slot(j);
        acc = combine(sl.agg, acc);
        sl.scan = acc;
      }
      ks.sfx_lo = block;
    }
    return ks.slot(std::max(s, lo)).scan;
  }

  int64_t a_, n_;
};

}  // namespace tidemark::slicing
