#pragma once
// Fixed-size time windows (tumbling, hopping) by stream slicing: each event updates one slice of
// its key, and a window is the combination of its slices, so a hopping window costs one update
// per event, never one per overlapping window.
//
// Slices are gcd(SIZE, ADVANCE) long and aligned at OFFSET: slice j is [O + j*g, O + (j+1)*g).
// Window m is [O + m*ADVANCE, +SIZE), i.e. slices [m*a, m*a + n) with a = ADVANCE/g, n = SIZE/g.
// Per key (KeyIds are dense) the slices live in a ring; per window index the open-window counts
// and the keys to fire live in WindowBuckets, so firing goes in (end, key) order without a heap.
// A clock jump that fires many window indexes at once (the end-of-trace flush) goes through a
// cursor per key instead, which reuses a window's aggregate for the next windows as long as the
// same slices hold events (exact sums make the result independent of how slices are grouped).
// A window of a key is open iff it is not closed and one of its slices holds an event: the clock
// never decreases, so every event in an open window's slices was accepted by that window.
//
// Hopping windows start in another layout (slicing::Layout): while events arrive in slice order
// and no window of an arriving event has fired, all keys' slices sit in slice-major columns
// (SliceColumns), and each window index fires as one sweep over the keys; the first event that
// breaks this (or more keys, a longer span or sparser windows than columns suit) moves the state
// into the rings above for the rest of the run. Both give the same emissions in the same order.
//
// The fast path covers times within +-2^60 ms, sizes below 2^40 ms, lateness amounts up to the
// int64 limit (the oracle's infinite wait; clock bounds are computed in 128 bits), bounded spans
// of open slices, and, for hopping windows (n > 1), values whose sums are exact in any order
// (integers with a total magnitude below 2^53), because slicing changes the order of additions.
// Outside that, the operator hands its state once to WindowRingOperator (one aggregate per key
// and window, in rings; it hands over to GenericTimeWindowOperator beyond its own bounds) and
// delegates.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "tidemark/core/emitter.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/huge_page_allocator.hpp"
#include "tidemark/core/lateness.hpp"
#include "tidemark/core/state_budget.hpp"
#include "tidemark/windows/aggregate.hpp"
#include "tidemark/windows/assigners.hpp"
#include "tidemark/windows/dense_table.hpp"
#include "tidemark/windows/slice_columns.hpp"
#include "tidemark/windows/slicing.hpp"
#include "tidemark/windows/window_buckets.hpp"
#include "tidemark/windows/window_ring_operator.hpp"

namespace tidemark {

namespace slicing {

// A slice or window index that may be kNone, stored so that zero bytes mean kNone: a fresh key's
// state is then all zero bytes, and the key tables grow into fresh pages without a pass that
// writes their defaults (a million keys' state; see ZeroedHugePageAllocator).
class MaybeIndex {
 public:
  static constexpr bool kZeroBytesAreDefault = true;
  operator int64_t() const { return int64_t(bits_ ^ kNoneBits); }
  MaybeIndex& operator=(int64_t m) {
    bits_ = uint64_t(m) ^ kNoneBits;
    return *this;
  }

 private:
  static constexpr uint64_t kNoneBits = uint64_t(kNone);
  uint64_t bits_ = 0;
};

// Where hopping windows keep their slices: in slice-major columns while the stream arrives in
// slice order (see SliceColumns), then in a ring per key; or in rings from the start.
enum class Layout { kColumnsWhileInOrder, kKeyRings };

struct PlainSlot {
  Aggregate agg;
};
// With a scan: a prefix or suffix aggregate within the slice's block of n slices.
struct ScanSlot {
  Aggregate agg;
  Aggregate scan;
};

}  // namespace slicing

template <class Assigner>
class TimeWindowOperator {
  // Tumbling windows are single slices; hopping windows combine n slices through block scans.
  static constexpr bool kScans = !std::is_same_v<Assigner, TumblingAssigner>;
  using Slot = std::conditional_t<kScans, slicing::ScanSlot, slicing::PlainSlot>;
  using Fallback = WindowRingOperator<Assigner>;
  static constexpr int64_t kNone = slicing::kNone;
  // Tumbling keys hold their usual one or two open slices inline (see KeyState).
  static constexpr uint32_t kInline = kScans ? 0 : 2;

 public:
  TimeWindowOperator(Assigner assigner, LatenessPolicy policy,
                     slicing::Layout layout = slicing::Layout::kColumnsWhileInOrder)
      : assigner_(assigner),
        policy_(policy),
        size_(assigner.size().ms),
        advance_(assigner.advance().ms),
        offset_(assigner.offset().ms),
        g_(slicing::gcd(size_, advance_)),
        a_(advance_ / g_),
        n_(size_ / g_),
        delays_(slicing::delays_of(policy)),
        dense_(kScans && layout == slicing::Layout::kColumnsWhileInOrder),
        columns_(n_) {
    if (size_ >= slicing::kDurationLimit) {
      fallback_ = std::make_unique<Fallback>(assigner_, policy_);
      dense_ = false;
    }
    set_clock(Timestamp::min());
  }

  // Never inlined: it runs once per clock change, and inlined into the Driver's per-event loop
  // it would use up the growth g++ allows that loop, which then calls add() instead of inlining.
  [[gnu::noinline]] void fire(Timestamp clock, Emitter& em) {
    ++revision_;
    if (fallback_) [[unlikely]] return fallback_->fire(clock, em);
    set_clock(clock);
    if (dense_) return fire_columns(em);
    if (!buckets_.empty()) {
      fire_windows(std::max(next_fire_, buckets_.first()), std::min(fired_max_, buckets_.end() - 1),
                   em);
    }
    next_fire_ = std::max(next_fire_, fired_max_ + 1);
    while (!buckets_.empty() && buckets_.first() < alive_min_) open_ -= buckets_.pop_front();
  }

  bool add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
    // In-order event in its key's newest slice, whose windows have not fired: one combine into
    // the key's small newest-slice record, which stays in cache where the key state would not.
    if (t.ms >= cache_lo_ && t.ms < cache_hi_ && clock.ms < cache_first_fire_ &&
        key < key_count_) {
      Newest& nw = newest_[key];
      if (nw.tag == cache_tag_ && nw.count != kMaxCachedCount && exact(v)) {
        nw.add(v);
        return true;
      }
      if constexpr (kScans) {
        if (dense_ && nw.tag != cache_tag_ && cache_j_ == column_slice_) {
          return first_in_column(key, t, nw, v, clock, em);
        }
      }
    }
    return add_slow(key, t, v, clock, em);
  }

  void set_state_budget(const StateBudget* budget) {
    budget_ = budget;
    if (fallback_) fallback_->set_state_budget(budget);
  }
  size_t open_windows() const { return fallback_ ? fallback_->open_windows() : open_; }
  size_t state_bytes() const {
    if (fallback_) return fallback_->state_bytes();
    if (dense_) {
      return columns_.bytes() + dense_top_.size() * sizeof(slicing::MaybeIndex) + buckets_.bytes();
    }
    // The keys seen, not the tables' capacity (see grow_to_hold).
    return key_count_ * (sizeof(KeyState) + sizeof(Newest)) + ring_bytes_ + buckets_.bytes();
  }
  // Whether the slices are still in columns (slicing::Layout): for tests and diagnostics.
  bool in_columns() const { return dense_; }
  // Changes whenever the sizes above may have: every call but a fast-path add bumps it.
  uint64_t revision() const { return revision_; }
  // The key's newest-slice record always; its slice state (both lines it may span) only once the
  // key states outgrow the caches. A prefetch never faults, so a key past the tables (not seen
  // yet) needs no check; the addresses are integers, as they may lie outside the arrays.
  void prefetch(KeyId key) const {
    __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(newest_) +
                                                     uintptr_t(key) * sizeof(Newest)));
    if (key_count_ > (size_t(1) << 16)) {
      const uintptr_t at =
          reinterpret_cast<uintptr_t>(keys_.data()) + uintptr_t(key) * sizeof(KeyState);
      __builtin_prefetch(reinterpret_cast<const void*>(at));
      __builtin_prefetch(reinterpret_cast<const void*>(at + sizeof(KeyState) - 1));
    }
  }

 private:
  // Block scans (hopping only): suffix scans valid for the block starting at sfx_lo, prefix
  // scans for slices [pfx_lo, pfx_upto) of the block starting at pfx_lo.
  struct BlockScans {
    slicing::MaybeIndex sfx_lo, pfx_lo, pfx_upto;
  };
  struct NoScans {};
  // One key's slices [base, base + len) in a ring of `cap` (a power of two) slots: inline while
  // cap <= kInline, else on the heap, the pointer sharing the inline bytes: a tumbling key's usual
  // one or two open slices (a window kept open for grace beside the next) are inline in 96 bytes.
  // One inline slot would make it one cache line, faster at a million keys (~75 vs ~90 ms) but
  // slower wherever late events keep two slices open (a heap ring per key, one more line to read).
  // Fresh, it is all zero bytes (the inline slots are written before they are read).
  struct KeyState : std::conditional_t<kScans, BlockScans, NoScans> {
    static constexpr bool kZeroBytesAreDefault = true;
    int64_t base = 0;
    slicing::MaybeIndex top;   // newest slice holding an event
    slicing::MaybeIndex next;  // window index of the key's next on-time firing
    uint16_t head = 0, len = 0;  // below kMaxKeySpan
    uint32_t cap = 0;
    union {
      std::array<Slot, kInline> local;
      Slot* ring = nullptr;  // owned while cap > kInline
    };

    KeyState() = default;
    KeyState(KeyState&& o) noexcept
        : std::conditional_t<kScans, BlockScans, NoScans>(o),
          base(o.base), top(o.top), next(o.next), head(o.head), len(o.len), cap(o.cap) {
      if (cap > kInline) {
        ring = o.ring;
      } else {
        local = o.local;
      }
      o.cap = o.len = 0;
    }
    KeyState& operator=(KeyState&&) = delete;
    ~KeyState() {
      if (cap > kInline) delete[] ring;
    }
  };
  static_assert(sizeof(KeyState) == (kScans ? 64 : 96));
  // A key being fired over a run of windows: its next window to emit, that window's aggregate,
  // the last window with the same aggregate (see same_slices_until), and where in the ring its
  // next look at the ring will read (a prefetch hint: slots from an address). One cache line.
  struct FireCursor {
    KeyId key;
    uint32_t hint_slots;  // slots to prefetch from `hint` on
    int64_t m;
    int64_t same_until;
    uintptr_t hint;
    Aggregate agg;
  };
  static_assert(sizeof(FireCursor) == 64);
  // Write-back copy of the aggregate of the key's newest slice (ks.top) while the fast path adds
  // to it; the ring's slot is stale until flush(). 32 bytes, aligned: one cache line per event,
  // where a 64-bit slice index and count would make half the records straddle two lines. The
  // slice is `tag` (see tag_of; kNoTag: nothing cached) and the count fits 32 bits while cached.
  // In the column layout the current slice's column holds these records.
  using Newest = slicing::Newest;
  static constexpr uint32_t kNoTag = 0;
  static constexpr uint32_t kUntagged = std::numeric_limits<uint32_t>::max();  // never stored
  static constexpr uint32_t kMaxCachedCount = std::numeric_limits<uint32_t>::max();
  // Slices tag_base_ + [0, kTagRange) have tags 1..kTagRange; others are never cached.
  static constexpr int64_t kTagRange = (int64_t(1) << 32) - 2;

  uint32_t tag_of(int64_t j) const {
    const int64_t d = j - tag_base_;
    return d >= 0 && d < kTagRange ? uint32_t(d + 1) : kUntagged;
  }
  int64_t slice_of_tag(uint32_t tag) const { return tag_base_ + int64_t(tag) - 1; }
  // Moves the tag range up to hold slice j, which is above it: cached slices are written back
  // first, since their tags are about to mean other slices. Once per 2^31 slices of progress.
  void retag(int64_t j) {
    if (dense_) to_rings();  // the columns' tags are about to mean other slices
    for (size_t k = 0; k < newest_table_.size(); ++k) flush(KeyId(k));
    tag_base_ = j - (int64_t(1) << 31);
  }

  void flush(KeyId key) {
    Newest& nw = newest_[key];
    if (nw.tag == kNoTag) return;
    slot(keys_[key], slice_of_tag(nw.tag)).agg = {nw.count, nw.sum, nw.min, nw.max};
    nw.tag = kNoTag;
  }
  // Caches slice j of the key if it is the newest: later in-order events take the fast path.
  void cache_newest(KeyId key, int64_t j) {
    KeyState& ks = keys_[key];
    const uint32_t tag = tag_of(j);
    if (ks.top != j || tag == kUntagged) return;
    const Aggregate& a = slot(ks, j).agg;
    if (a.count >= kMaxCachedCount) return;
    newest_[key] = {tag, uint32_t(a.count), a.sum, a.min, a.max};
  }

  // ---- clock-derived bounds ---------------------------------------------------------------

  // fired_max_: newest window whose fire time is <= C; alive_min_: oldest window not closed.
  void set_clock(Timestamp c) {
    clock_ms_ = c.ms;
    const slicing::ClockBounds b = slicing::clock_bounds(c, {offset_, size_, advance_}, delays_);
    fired_max_ = b.fired_max;
    alive_min_ = b.alive_min;
    alive_slice_min_ = int64_t(std::clamp<slicing::Int128>(slicing::Int128(alive_min_) * a_,
                                                    -slicing::kIndexLimit, slicing::kIndexLimit));
  }

  // Forced inline, as cover(): add_slow() inlines both, and a second caller (the column layout)
  // would make g++ call them instead.
  [[gnu::always_inline]] int64_t slice_of(int64_t t) {
    if (t >= cache_lo_ && t < cache_hi_) return cache_j_;
    const int64_t j = slicing::floor_div(t - offset_, g_);
    if (j - tag_base_ >= kTagRange) retag(j);
    cache_j_ = j;
    cache_tag_ = tag_of(j);
    cache_lo_ = offset_ + j * g_;
    cache_hi_ = cache_lo_ + g_;
    const int64_t oldest = slicing::floor_div(j - n_, a_) + 1;  // oldest window holding slice j
    cache_oldest_ = oldest;
    cache_newest_ = newest_window_of(j);
    // Saturated: a fire time past the int64 limit is never reached by a finite clock.
    cache_first_fire_ = int64_t(
        std::min<slicing::Int128>(slicing::Int128(offset_ + (oldest * a_ + n_) * g_) + delays_.fire,
                                  std::numeric_limits<int64_t>::max()));
    return j;
  }

  Window window(int64_t m) const {
    const Timestamp s{offset_ + m * advance_};
    return {s, s + Duration{size_}};
  }

  // Whether v can join slices without changing any sum: always for single-slice windows.
  bool exact(double v) {
    if (!kScans || n_ == 1) return true;
    return exact_sums_.admit(v);
  }

  // ---- per-key slice ring -----------------------------------------------------------------

  static Slot* slots(KeyState& ks) {
    if constexpr (kInline > 0) {
      if (ks.cap <= kInline) return ks.local.data();
    }
    return ks.ring;
  }
  static Slot& slot(KeyState& ks, int64_t j) {
    return slots(ks)[(ks.head + uint64_t(j - ks.base)) & (ks.cap - 1)];
  }

  void grow(KeyState& ks, size_t need) {
    if (need <= ks.cap) return;
    if (kInline > 0 && need <= kInline) {  // first slices of a key: the inline ring
      ks.cap = kInline;
      ks.head = 0;
      return;
    }
    size_t cap = std::max<size_t>(ks.cap * 2, kScans ? 8 : 4);
    while (cap < need) cap *= 2;
    Slot* next = new Slot[cap]();
    const Slot* old = slots(ks);
    for (uint32_t i = 0; i < ks.len; ++i) next[i] = old[(ks.head + i) & (ks.cap - 1)];
    ring_bytes_ += (cap - (ks.cap > kInline ? ks.cap : 0)) * sizeof(Slot);
    if (ks.cap > kInline) delete[] ks.ring;
    ks.ring = next;  // the inline slots, if they were in use, are copied: their bytes are reused
    ks.cap = uint32_t(cap);
    ks.head = 0;
  }

  // Extends the ring with empty slices so that it holds [lo, hi]. A suffix scan ends at the last
  // slice held and a prefix scan starts at the first, so growing at the end keeps both valid (the
  // new slices are empty), but growing at the start leaves a suffix scan without the new slices'
  // entries: it is dropped, as are all scans of a ring that starts afresh.
  [[gnu::always_inline]] void cover(KeyState& ks, int64_t lo, int64_t hi) {
    if (ks.len == 0) {
      drop_scans(ks);
      grow(ks, size_t(hi - lo + 1));
      ks.base = lo;
      ks.head = 0;
      ks.len = uint16_t(hi - lo + 1);
      for (uint32_t i = 0; i < ks.len; ++i) slots(ks)[i] = Slot{};
      return;
    }
    const int64_t end = ks.base + ks.len;
    const int64_t new_lo = std::min(lo, ks.base), new_end = std::max(hi + 1, end);
    grow(ks, size_t(new_end - new_lo));
    if (new_lo < ks.base) {
      if constexpr (kScans) ks.sfx_lo = kNone;
      const uint32_t d = uint32_t(ks.base - new_lo);
      ks.head = uint16_t((ks.head - d) & (ks.cap - 1));
      ks.base = new_lo;
      ks.len = uint16_t(ks.len + d);
      for (uint32_t i = 0; i < d; ++i) slots(ks)[(ks.head + i) & (ks.cap - 1)] = Slot{};
    }
    for (int64_t j = end; j < new_end; ++j) {
      ++ks.len;
      slot(ks, j) = Slot{};
    }
  }

  // Forgets the slices whose windows have all closed.
  void trim(KeyState& ks) {
    if (ks.len == 0 || ks.base >= alive_slice_min_) return;
    const int64_t d = std::min<int64_t>(ks.len, alive_slice_min_ - ks.base);
    ks.head = uint16_t((ks.head + uint64_t(d)) & (ks.cap - 1));
    ks.base += d;
    ks.len = uint16_t(ks.len - d);
    if (ks.top != kNone && ks.top < ks.base) ks.top = kNone;
  }

  static void drop_scans(KeyState& ks) {
    if constexpr (kScans) ks.sfx_lo = ks.pfx_lo = ks.pfx_upto = kNone;
  }

  // A late event changed slice j: drop the scans that include it.
  void invalidate(KeyState& ks, int64_t j) {
    if constexpr (kScans) {
      if (ks.sfx_lo != kNone && j >= ks.sfx_lo && j < ks.sfx_lo + n_) ks.sfx_lo = kNone;
      if (ks.pfx_lo != kNone && j >= ks.pfx_lo && j < ks.pfx_upto) ks.pfx_upto = j;
    }
  }

  // The aggregate of window m by combining its slices one by one.
  Aggregate window_agg(KeyState& ks, int64_t m) {
    const int64_t s = m * a_;
    if (n_ == 1) return (ks.len && s >= ks.base && s < ks.base + ks.len) ? slot(ks, s).agg : Aggregate{};
    Aggregate acc{};
    const int64_t hi = std::min(s + n_, ks.base + int64_t(ks.len));
    for (int64_t j = std::max(s, ks.base); j < hi; ++j) acc = combine(acc, slot(ks, j).agg);
    return acc;
  }

  // The aggregate of window m for its on-time firing: O(1) amortized through block scans.
  Aggregate ontime_agg(KeyState& ks, int64_t m) {
    if constexpr (!kScans) {
      return window_agg(ks, m);
    } else {
      if (n_ == 1) return window_agg(ks, m);
      // Slices past the ring's end hold no event: scans stop at the last slice held.
      const int64_t s = m * a_, last = s + n_ - 1;
      const int64_t block = slicing::floor_div(s, n_) * n_;
      if (block == s) return prefix_at(ks, block, last);
      return combine(suffix_at(ks, block, s), prefix_at(ks, block + n_, last));
    }
  }

  // Combination of the slices [block, q] (q within the block starting at `block`).
  Aggregate prefix_at(KeyState& ks, int64_t block, int64_t q) {
    if constexpr (kScans) {
      const int64_t lo = std::max(block, ks.base);
      q = std::min(q, ks.base + int64_t(ks.len) - 1);
      if (q < lo) return {};
      if (ks.pfx_lo != block) {
        if (ks.sfx_lo == block) ks.sfx_lo = kNone;
        ks.pfx_lo = block;
        ks.pfx_upto = lo;
      }
      if (ks.pfx_upto < lo) ks.pfx_upto = lo;
      if (q >= ks.pfx_upto) {
        Aggregate acc = ks.pfx_upto > lo ? slot(ks, ks.pfx_upto - 1).scan : Aggregate{};
        for (int64_t j = ks.pfx_upto; j <= q; ++j) {
          Slot& sl = slot(ks, j);
          acc = combine(acc, sl.agg);
          sl.scan = acc;
        }
        ks.pfx_upto = q + 1;
      }
      return slot(ks, q).scan;
    } else {
      return {};
    }
  }

  // Combination of the slices [s, block + n) (s within the block starting at `block`).
  Aggregate suffix_at(KeyState& ks, int64_t block, int64_t s) {
    if constexpr (kScans) {
      const int64_t lo = std::max(block, ks.base);
      const int64_t hi = std::min(block + n_, ks.base + int64_t(ks.len)) - 1;
      if (hi < lo || s > hi) return {};
      if (ks.sfx_lo != block) {
        if (ks.pfx_lo == block) ks.pfx_lo = kNone;
        Aggregate acc{};
        for (int64_t j = hi; j >= lo; --j) {
          Slot& sl = slot(ks, j);
          acc = combine(sl.agg, acc);
          sl.scan = acc;
        }
        ks.sfx_lo = block;
      }
      return slot(ks, std::max(s, lo)).scan;
    } else {
      return {};
    }
  }

  // The next window after m holding an event of the key, or kNone.
  int64_t next_window(KeyState& ks, int64_t m) {
    if (ks.top == kNone) return kNone;
    const int64_t from = std::max((m + 1) * a_, ks.base);
    for (int64_t j = from; j <= ks.top; ++j) {
      if (slot(ks, j).agg.count != 0) return std::max(m + 1, slicing::floor_div(j - n_, a_) + 1);
    }
    return kNone;
  }

  // ---- on-time firing ---------------------------------------------------------------------

  // Fires windows [from, last], in (window, key) order. Each key with a window due has a cursor,
  // and consecutive windows with the same slices holding events have the same aggregate, so a
  // cursor emits them without going back to the key's ring: the end-of-trace flush, which fires
  // every window at once, costs about one cursor read per emission, not one ring walk. The few
  // cursors that must go back are seen coming, and their key state is fetched ahead.
  void fire_windows(int64_t from, int64_t last, Emitter& em) {
    if (from == last) return fire_window(from, em);
    constexpr size_t kAhead = 8;
    cursors_.clear();
    for (int64_t m = from; m <= last;) {
      admit_due_keys(m, last);
      const Window w = window(m);
      int64_t next_due = slicing::kIndexLimit;
      size_t kept = 0;
      for (size_t i = 0; i < cursors_.size(); ++i) {
        if (i + kAhead < cursors_.size()) {
          const FireCursor& ahead = cursors_[i + kAhead];
          if (ahead.m == m && ahead.same_until == m) prefetch_ring(ahead);
        }
        FireCursor& c = cursors_[i];
        if (c.m == m) {
          em.emit(c.key, w, lower(c.agg), EmissionKind::kOnTime);
          if (!advance(c, last)) continue;
        }
        next_due = std::min(next_due, c.m);
        if (kept != i) cursors_[kept] = c;
        ++kept;
      }
      cursors_.resize(kept);
      // Skip the windows that no cursor and no newly due key fires.
      for (++m; m <= last && m < next_due && buckets_.at(m).keys.empty();) ++m;
    }
  }

  // A single window index (the clock advancing steadily): its keys emit straight from the
  // bucket, in key order, with nothing to carry to a next window.
  void fire_window(int64_t m, Emitter& em) {
    const Window w = window(m);
    for_each_due_key(m, [&](KeyId k, KeyState& ks) {
      em.emit(k, w, lower(ontime_agg(ks, m)), EmissionKind::kOnTime);
      ks.next = next_window(ks, m);
      if (ks.next != kNone) buckets_.enqueue(ks.next, k);
    });
  }

  // The keys whose next on-time firing is window m join the cursors, which stay in key order.
  void admit_due_keys(int64_t m, int64_t last) {
    std::vector<FireCursor>& due = cursors_.empty() ? cursors_ : due_;
    if (&due == &due_) due.clear();
    for_each_due_key(m, [&](KeyId k, KeyState& ks) {
      FireCursor& c = due.emplace_back();
      c.key = k;
      c.m = m;
      aim(c, ks, last);
    });
    if (&due == &cursors_ || due.empty()) return;
    merged_.clear();
    std::merge(cursors_.begin(), cursors_.end(), due.begin(), due.end(),
               std::back_inserter(merged_),
               [](const FireCursor& x, const FireCursor& y) { return x.key < y.key; });
    cursors_.swap(merged_);
  }

  // Calls f(key, its state), in key order, for each key whose next on-time firing is window m
  // (its newest slice written back first), skipping stale entries (the key's next firing moved)
  // and duplicates; then empties the list.
  template <class F>
  void for_each_due_key(int64_t m, F&& f) {
    std::vector<KeyId>& keys = buckets_.sorted_keys(m, keys_.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      prefetch_due(keys, i, m);
      const KeyId k = keys[i];
      KeyState& ks = keys_[k];
      if (ks.next != m || (i > 0 && k == keys[i - 1])) continue;
      flush(k);
      f(k, ks);
    }
    keys.clear();
  }

  // While going through window m's firing list at i: the key state a few keys ahead, and the
  // ring slots that the key state of the keys half as far ahead (fetched by now) points to.
  void prefetch_due(const std::vector<KeyId>& keys, size_t i, int64_t m) const {
    constexpr size_t kAhead = 8;
    if (i + 2 * kAhead < keys.size()) prefetch_key(keys[i + 2 * kAhead]);
    if (i + kAhead >= keys.size()) return;
    const KeyState& ahead = keys_[keys[i + kAhead]];
    if (ahead.next != m || ahead.top == kNone) return;
    // The newest slice (flush), the end of the prefix scan so far and the window's first slice
    // held (ontime_agg).
    const auto fetch = [&](int64_t j) {
      j = std::min<int64_t>(std::max(j, ahead.base), ahead.top);
      __builtin_prefetch(reinterpret_cast<const void*>(slot_address(ahead, j)));
    };
    fetch(ahead.top);
    if constexpr (kScans) {
      if (ahead.pfx_upto != kNone) fetch(ahead.pfx_upto - 1);
    }
    fetch(m * a_);
  }

  // Moves a cursor past its window c.m; false (and the key's next firing recorded) once the key
  // has no more windows in [.., last].
  bool advance(FireCursor& c, int64_t last) {
    if (c.m < c.same_until) {
      ++c.m;
      return true;
    }
    KeyState& ks = keys_[c.key];
    const int64_t next = next_window(ks, c.m);
    if (next == kNone || next > last) {
      ks.next = next;
      if (next != kNone) buckets_.enqueue(next, c.key);
      return false;
    }
    c.m = next;
    aim(c, ks, last);
    return true;
  }

  // Reads the cursor's window c.m from the key's ring.
  void aim(FireCursor& c, KeyState& ks, int64_t last) {
    c.agg = ontime_agg(ks, c.m);
    c.same_until = same_slices_until(ks, c.m, last);
    // Once the cursor reaches same_until, the next window is likely the one after: the ring slots
    // from its block's start (for a suffix scan) to its last slice, within the slices held.
    const int64_t s = (c.same_until + 1) * a_;
    const int64_t lo = std::max(slicing::floor_div(s, n_) * n_, ks.base);
    const int64_t hi = std::min<int64_t>({s + n_ - 1, ks.top, lo + kMaxHintSlots - 1});
    c.hint = slot_address(ks, std::min<int64_t>(lo, ks.top));
    c.hint_slots = uint32_t(std::max<int64_t>(hi - lo + 1, 1));
  }
  static constexpr int64_t kMaxHintSlots = 16;

  // Where slot j of the key would be, as an integer: a prefetch never faults, so hints need no
  // bounds check.
  static uintptr_t slot_address(const KeyState& ks, int64_t j) {
    const Slot* base = kInline > 0 && ks.cap <= kInline ? ks.local.data() : ks.ring;
    return reinterpret_cast<uintptr_t>(base) +
           ((ks.head + uint64_t(j - ks.base)) & (ks.cap - 1)) * sizeof(Slot);
  }
  void prefetch_key(KeyId k) const {
    const auto at = reinterpret_cast<uintptr_t>(keys_.data()) + uintptr_t(k) * sizeof(KeyState);
    __builtin_prefetch(reinterpret_cast<const void*>(at));
    __builtin_prefetch(reinterpret_cast<const void*>(at + sizeof(KeyState) - 1));
  }
  // The cursor's key state and hinted slots (contiguous unless the ring wraps: then some of the
  // prefetches are wasted, never wrong).
  void prefetch_ring(const FireCursor& c) const {
    prefetch_key(c.key);
    for (uint32_t i = 0; i < c.hint_slots; ++i) {
      __builtin_prefetch(reinterpret_cast<const void*>(c.hint + i * sizeof(Slot)));
    }
  }

  // The last window index from m on (at most `last`) whose slices holding events are those of
  // window m, which holds one: its aggregate is the same, as sums are exact in any order.
  int64_t same_slices_until(KeyState& ks, int64_t m, int64_t last) {
    if (m >= last || n_ == 1) return m;
    const int64_t s = m * a_, e = s + n_;  // window m: slices [s, e)
    const int64_t held_end = std::min(e, ks.top + 1);
    int64_t f = std::max(s, ks.base);  // the window's oldest slice with events leaves after it
    while (f < held_end && slot(ks, f).agg.count == 0) ++f;
    if (f >= held_end) return m;  // not reached: window m holds an event
    int64_t until = std::min(last, slicing::floor_div(f, a_));
    for (int64_t x = std::max(e, ks.base); x <= ks.top; ++x) {  // the next slice to enter
      if (slot(ks, x).agg.count != 0) {
        until = std::min(until, slicing::floor_div(x - n_, a_));
        break;
      }
    }
    return until;
  }

  // ---- the general case of add ------------------------------------------------------------

  bool add_slow(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
    ++revision_;
    if (fallback_) return fallback_->add(key, t, v, clock, em);
    if (clock.ms != clock_ms_) set_clock(clock);
    if (t.ms < -slicing::kTimeLimit || t.ms > slicing::kTimeLimit || !exact(v)) {
      return to_fallback().add(key, t, v, clock, em);
    }
    if constexpr (kScans) {
      if (dense_) {
        const int added = add_to_columns(key, t, v);
        if (added >= 0) return added == 1;
      }
    }
    const int64_t j = slice_of(t.ms);
    const int64_t m_hi = cache_newest_;  // slice_of's, for slice j
    const int64_t m_acc = std::max(cache_oldest_, alive_min_);
    if (m_acc > m_hi) return false;  // every window of t has closed

    if (key >= key_count_) grow_keys(key);
    flush(key);
    KeyState& ks = keys_[key];
    trim(ks);
    const int64_t lo = ks.len ? std::min(ks.base, j) : j;
    const int64_t hi = std::max(ks.len ? ks.base + int64_t(ks.len) - 1 : j,
                                std::max(ks.top == kNone ? j : ks.top, j) + n_ - 1);
    if (hi - lo >= slicing::kMaxKeySpan || !buckets_.fits(m_acc, m_hi, slicing::kMaxWindowSpan)) {
      return to_fallback().add(key, t, v, clock, em);
    }

    cover(ks, j, j);
    Slot& s = slot(ks, j);
    if (s.agg.count == 0) {
      // The windows of j that held no event open now: those containing neither the previous
      // nor the next slice of the key that holds an event.
      int64_t first = m_acc, last = m_hi;
      if (ks.top != kNone && j > ks.top) {
        first = std::max(first, newest_window_of(ks.top) + 1);
      } else if (ks.top != kNone) {
        for (int64_t i = j - 1; i >= ks.base; --i) {
          if (slot(ks, i).agg.count != 0) {
            first = std::max(first, newest_window_of(i) + 1);
            break;
          }
        }
        for (int64_t i = j + 1; i <= ks.top; ++i) {
          if (slot(ks, i).agg.count != 0) {
            last = std::min(last, slicing::floor_div(i - n_, a_));
            break;
          }
        }
      }
      open_windows(first, last);
      if (ks.top == kNone || j > ks.top) ks.top = j;
    }
    Slot& sj = slot(ks, j);
    sj.agg = combine(sj.agg, lift(v));
    invalidate(ks, j);

    // The oldest window of j that has not fired is the key's next firing, if none is earlier.
    const int64_t m_unfired = std::max(m_acc, fired_max_ + 1);
    if (m_unfired <= m_hi && (ks.next == kNone || m_unfired < ks.next)) {
      ks.next = m_unfired;
      buckets_.enqueue(m_unfired, key);
    }
    // Late but within grace: every fired window of j emits its full contents at once.
    const int64_t m_fired = std::min(m_hi, fired_max_);
    for (int64_t m = m_acc; m <= m_fired; ++m) {
      em.emit(key, window(m), lower(window_agg(ks, m)), EmissionKind::kUpdate);
    }
    cache_newest(key, j);
    return true;
  }

  // ---- the column layout ------------------------------------------------------------------

  // add() for a key's first event in the current column's slice, whose windows have not fired:
  // it opens the windows of the slice that do not hold the key's newest slice, usually one.
  // Not inlined: add() must stay small enough for the Driver's loop to inline it.
  [[gnu::noinline]] bool first_in_column(KeyId key, Timestamp t, Newest& nw, double v,
                                         Timestamp clock, Emitter& em) {
    const int64_t first = first_window_to_open(key, std::max(cache_oldest_, alive_min_));
    if (buckets_.empty() || first < buckets_.first() || cache_newest_ >= buckets_.end() ||
        !exact(v)) {
      return add_slow(key, t, v, clock, em);
    }
    ++revision_;
    start_in_column(key, nw, v, first);
    return true;
  }

  // The key's first event in the current column's slice (cache_j_): the windows of the slice
  // from `first` on (those that do not hold the key's newest slice, addressable in buckets_)
  // open, and its record starts.
  void start_in_column(KeyId key, Newest& r, double v, int64_t first) {
    for (int64_t m = first; m <= cache_newest_; ++m) ++buckets_.at(m).open;
    if (first <= cache_newest_) open_ += uint64_t(cache_newest_ - first + 1);
    dense_top_[key] = cache_j_;
    seen_keys_ = std::max(seen_keys_, size_t(key) + 1);
    const Aggregate a = combine(Aggregate{}, lift(v));
    r = {cache_tag_, 1, a.sum, a.min, a.max};
  }

  // add_slow() while the slices are in columns: 1 accepted, 0 late, or -1 when the event needs
  // the rings (the state has moved there): it is older than the newest slice, or a window of
  // its slice has fired, or the columns would grow past their bounds. Not inlined into
  // add_slow(), whose ring path would then call what it inlines now.
  [[gnu::noinline]] int add_to_columns(KeyId key, Timestamp t, double v) {
    const int64_t j = slice_of(t.ms);  // may move the state to the rings (retag)
    if (!dense_) return -1;
    const int64_t m_hi = cache_newest_;
    const int64_t m_acc = std::max(cache_oldest_, alive_min_);
    if (m_acc > m_hi) return 0;  // every window of t has closed
    columns_.drop_before(alive_slice_min_);
    const uint32_t tag = cache_tag_;
    const bool current = !columns_.empty() && j == columns_.hi();
    const size_t keys = std::max(columns_.keys(), std::bit_ceil(size_t(key) + 1));
    const int64_t span = columns_.empty() ? 1 : j - columns_.lo() + 1;
    const size_t column_bytes = size_t(span) * keys * kColumnBytesPerKey;
    const bool fits = tag != kUntagged && (columns_.empty() || j >= columns_.hi()) &&
                      m_acc > fired_max_ && keys <= kColumnMaxKeys && span <= kColumnMaxSpan &&
                      column_bytes <= kColumnMaxBytes &&
                      (!budget_ || column_bytes <= columns_.bytes() ||
                       budget_->allows(state_bytes() + column_bytes - columns_.bytes())) &&
                      buckets_.fits(m_acc, m_hi, slicing::kMaxWindowSpan) &&
                      !(current && key < key_count_ && newest_[key].tag == tag &&
                        newest_[key].count == kMaxCachedCount);
    if (!fits) {
      to_rings();
      return -1;
    }
    if (key >= key_count_) grow_columns(keys);
    if (!current) {
      columns_.extend_to(j, [&](int64_t slice) { return tag_of(slice); });
      newest_ = columns_.column(j);
      column_slice_ = j;
    }
    Newest& r = newest_[key];
    if (r.tag == tag) {
      r.add(v);
      return 1;
    }
    const int64_t first = first_window_to_open(key, m_acc);
    if (first <= m_hi) {
      buckets_.reserve(first);
      buckets_.reserve(m_hi);
    }
    start_in_column(key, r, v, first);
    return 1;
  }
  // The oldest window of the current slice that a first event of the key in it opens.
  int64_t first_window_to_open(KeyId key, int64_t m_acc) const {
    const int64_t top = dense_top_[key];
    return top == kNone ? m_acc : std::max(m_acc, newest_window_of(top) + 1);
  }
  // The newest window holding slice j. A window's length is most often a multiple of its
  // advance, and then a slice is an advance (a_ == 1): no division, whose latency a key's first
  // event in a slice would otherwise wait on.
  int64_t newest_window_of(int64_t j) const { return a_ == 1 ? j : slicing::floor_div(j, a_); }
  static constexpr size_t kColumnMaxKeys = size_t(1) << 16;
  static constexpr int64_t kColumnMaxSpan = 1024;  // slices held
  static constexpr size_t kColumnBytesPerKey = slicing::SliceColumns::kBytesPerKey;
  static constexpr size_t kColumnMaxBytes = size_t(1) << 30;

  void grow_columns(size_t keys) {
    columns_.resize_keys(keys);
    dense_top_.resize(keys);
    key_count_ = keys;
    newest_ = columns_.empty() ? nullptr : columns_.column(columns_.hi());
  }

  // fire() in the column layout: each due window is one sweep over the keys, in key order, of
  // the window's two block scans (suffix within its first block, prefix within its second).
  void fire_columns(Emitter& em) {
    if (!buckets_.empty()) {
      const int64_t last = std::min(fired_max_, buckets_.end() - 1);
      for (int64_t m = std::max(next_fire_, buckets_.first()); m <= last; ++m) {
        const uint64_t opens = buckets_.at(m).open;  // keys with events in window m
        if (opens == 0) continue;
        const int64_t s = m * a_, block = slicing::floor_div(s, n_) * n_;
        const Aggregate* sfx = block == s ? nullptr : columns_.suffix(block, s);
        const Aggregate* pfx = columns_.prefix(block == s ? block : block + n_, s + n_ - 1);
        sweep(m, sfx, pfx, opens, em);
      }
    }
    next_fire_ = std::max(next_fire_, fired_max_ + 1);
    while (!buckets_.empty() && buckets_.first() < alive_min_) open_ -= buckets_.pop_front();
    columns_.drop_before(alive_slice_min_);
    // Few keys with events per window: a sweep over all keys costs more than the rings would.
    if (swept_ > 8 * swept_emitted_ + (uint64_t(1) << 22)) to_rings();
  }

  void sweep(int64_t m, const Aggregate* sfx, const Aggregate* pfx, uint64_t opens, Emitter& em) {
    const Window w = window(m);
    const size_t keys = columns_.keys();
    uint64_t found = 0;
    size_t k = 0;
    // No combine with an empty side: a single slice's sum keeps its sign (-0).
    const auto emit_if_any = [&](const Aggregate& a) {
      if (a.count == 0) return;
      em.emit(KeyId(k), w, lower(a), EmissionKind::kOnTime);
      ++found;
    };
    if (sfx && pfx) {
      for (; k < keys && found < opens; ++k) emit_if_any(combine(sfx[k], pfx[k]));
    } else if (sfx || pfx) {
      const Aggregate* one = sfx ? sfx : pfx;
      for (; k < keys && found < opens; ++k) emit_if_any(one[k]);
    }
    TIDEMARK_ASSERT(found == opens);
    swept_ += k;
    swept_emitted_ += found;
  }

  // Moves the slices from the columns to a ring per key, with each key's next on-time firing
  // queued, and continues in that layout for the rest of the run.
  [[gnu::noinline, gnu::cold]] void to_rings() {
    dense_ = false;
    const size_t keys = seen_keys_;
    newest_ = nullptr;
    key_count_ = 0;
    if (keys > 0) grow_keys(KeyId(keys - 1));
    if (!columns_.empty()) {
      const int64_t lo = columns_.lo(), hi = columns_.hi();
      for (size_t k = 0; k < keys; ++k) {  // keys past seen_keys_ hold nothing
        KeyState& ks = keys_[k];
        int64_t next = kNone;
        for (int64_t j = lo; j <= hi; ++j) {
          const Aggregate a = columns_.value(j, k);
          if (a.count == 0) continue;
          cover(ks, j, j);
          slot(ks, j).agg = a;
          ks.top = j;
          const int64_t first = std::max(slicing::floor_div(j - n_, a_) + 1, fired_max_ + 1);
          if (next == kNone && first <= slicing::floor_div(j, a_)) next = first;
        }
        if (next != kNone) {
          ks.next = next;
          buckets_.enqueue(next, KeyId(k));
        }
      }
    }
    columns_ = slicing::SliceColumns(n_);
    decltype(dense_top_)().swap(dense_top_);
  }

  // Windows [first, last] of a key get their first event.
  void open_windows(int64_t first, int64_t last) {
    if (first > last) return;
    buckets_.reserve(first);
    buckets_.reserve(last);
    for (int64_t m = first; m <= last; ++m) ++buckets_.at(m).open;
    open_ += uint64_t(last - first + 1);
  }

  void grow_keys(KeyId key) {
    grow_to_hold(keys_, key);
    grow_to_hold(newest_table_, key);
    newest_ = newest_table_.data();
    key_count_ = keys_.size();
  }

  // Hands every open window to WindowRingOperator (one aggregate per key and window), which
  // handles the rest of the run, handing over to the general operator in turn past its bounds.
  Fallback& to_fallback() {
    if (dense_) to_rings();
    // Each open window becomes an aggregate of its own (a slice held for n windows, n of them).
    const size_t ring_bytes = open_ * sizeof(Aggregate);
    if (budget_ && !budget_->allows(ring_bytes)) {
      budget_->exceeded(ring_bytes, Timestamp{clock_ms_},
                        fmt::format("{} open windows, one aggregate each", open_));
    }
    fallback_ = std::make_unique<Fallback>(assigner_, policy_, Timestamp{clock_ms_});
    fallback_->set_state_budget(budget_);
    for (size_t k = 0; k < keys_.size(); ++k) {
      flush(KeyId(k));
      KeyState& ks = keys_[k];
      trim(ks);
      if (ks.top == kNone) continue;
      const int64_t from = std::max(slicing::floor_div(ks.base - n_, a_) + 1, alive_min_);
      const int64_t to = slicing::floor_div(ks.top, a_);
      for (int64_t m = from; m <= to; ++m) {
        const Aggregate agg = window_agg(ks, m);
        if (agg.count != 0) fallback_->restore(KeyId(k), window(m), agg, m <= fired_max_);
      }
    }
    decltype(keys_)().swap(keys_);
    decltype(newest_table_)().swap(newest_table_);
    newest_ = nullptr;
    key_count_ = 0;
    buckets_ = WindowBuckets();
    ring_bytes_ = 0;
    open_ = 0;
    return *fallback_;
  }

  Assigner assigner_;
  LatenessPolicy policy_;
  int64_t size_, advance_, offset_;
  int64_t g_, a_, n_;                  // slice length; window advance and size in slices
  slicing::PolicyDelays delays_;

  std::vector<KeyState, ZeroedHugePageAllocator<KeyState>> keys_;  // by KeyId
  std::vector<Newest, ZeroedHugePageAllocator<Newest>> newest_table_;  // by KeyId
  // The fast path's records: newest_table_, or in the column layout the current slice's column.
  Newest* newest_ = nullptr;
  size_t key_count_ = 0;  // of keys_ and newest_, kept beside them for the fast path's bounds check
  uint64_t revision_ = 0;
  WindowBuckets buckets_;
  std::vector<FireCursor> cursors_, due_, merged_;  // scratch of fire_windows
  uint64_t open_ = 0;
  size_t ring_bytes_ = 0;
  ExactSums exact_sums_;

  int64_t clock_ms_ = 0;
  int64_t fired_max_ = 0, alive_min_ = 0, alive_slice_min_ = 0;
  int64_t next_fire_ = -slicing::kIndexLimit;  // windows before it have been fired

  // The last slice looked up: [cache_lo_, cache_hi_) is slice cache_j_, which windows
  // [cache_oldest_, cache_newest_] hold; the oldest fires at cache_first_fire_.
  int64_t cache_lo_ = 1, cache_hi_ = 0, cache_j_ = 0, cache_first_fire_ = 0;
  int64_t cache_oldest_ = 0, cache_newest_ = 0;
  uint32_t cache_tag_ = kUntagged;  // tag_of(cache_j_)
  int64_t tag_base_ = -(int64_t(1) << 31);

  // The column layout (hopping windows while the stream arrives in slice order): the slices
  // [columns_.lo(), columns_.hi()] of every key, and each key's newest slice holding an event.
  bool dense_;
  slicing::SliceColumns columns_;
  std::vector<slicing::MaybeIndex, ZeroedHugePageAllocator<slicing::MaybeIndex>> dense_top_;
  uint64_t swept_ = 0, swept_emitted_ = 0;  // records visited by firing sweeps, and emitted
  size_t seen_keys_ = 0;                     // 1 + the largest key added to the columns
  int64_t column_slice_ = slicing::kNone;    // the slice of the column newest_ is, if dense_

  std::unique_ptr<Fallback> fallback_;
  const StateBudget* budget_ = nullptr;
};

}  // namespace tidemark
