#pragma once
// The sliced strategy for fixed-size time windows (tumbling, hopping): each event updates one
// slice of its key, and a window is the combination of its slices, so a hopping window costs one
// update per event, never one per overlapping window. Slices are gcd(SIZE, ADVANCE) long and
// aligned at OFFSET: slice j is [O + j*g, O + (j+1)*g); window m is [O + m*ADVANCE, +SIZE), i.e.
// slices [m*a, m*a + n) with a = ADVANCE/g, n = SIZE/g. Per key (KeyIds are dense) the slices
// live in a SliceRing; per window index the open-window counts and the keys to fire live in
// WindowBuckets, so firing goes in (end, key) order without a heap (SliceRingFiring). A window
// of a key is open iff it is not closed and one of its slices holds an event: the clock never
// decreases, so every event in an open window's slices was accepted by that window.
//
// Hopping windows start in slice-major columns (slicing::ColumnLayout) while the stream arrives
// in slice order; the first event that breaks this moves the slices into the rings
// (slicing::RingLayout), once: a std::variant of the two, handed over in to_rings().
//
// It holds times within +-2^60 ms, sizes below 2^40 ms, bounded spans of open slices, and, for
// hopping windows (n > 1), values whose sums are exact in any order (integers with a total
// magnitude below 2^53), as slicing changes the order of additions. Beyond that it hands over to
// WindowRingOperator (see TimeWindowOperator).

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
#include <variant>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/output/emitter.hpp"
#include "tidemark/core/runtime/huge_page_allocator.hpp"
#include "tidemark/core/runtime/lateness.hpp"
#include "tidemark/core/runtime/state_budget.hpp"
#include "tidemark/windows/aggregate/aggregators.hpp"
#include "tidemark/windows/spec/assigners.hpp"
#include "tidemark/windows/support/dense_table.hpp"
#include "tidemark/windows/time/fallback_chain.hpp"
#include "tidemark/windows/time/slice_columns.hpp"
#include "tidemark/windows/time/slice_layouts.hpp"
#include "tidemark/windows/time/slice_lookup.hpp"
#include "tidemark/windows/time/slice_ring.hpp"
#include "tidemark/windows/time/slice_ring_firing.hpp"
#include "tidemark/windows/time/slice_ring_scans.hpp"
#include "tidemark/windows/time/slice_tags.hpp"
#include "tidemark/windows/time/slicing.hpp"
#include "tidemark/windows/time/window_buckets.hpp"
#include "tidemark/windows/time/window_ring_operator.hpp"

namespace tidemark {

template <class Assigner>
class SlicedWindows {
  // Tumbling windows are single slices; hopping windows combine n slices through block scans.
  static constexpr bool kScans = !std::is_same_v<Assigner, TumblingAssigner>;
  static constexpr int64_t kNone = slicing::kNone;
  // Tumbling keys hold their usual one or two open slices inline (see SliceRing).
  static constexpr uint32_t kInline = kScans ? 0 : 2;
  using KeyState = slicing::SliceRing<kScans, kInline>;
  using Slot = typename KeyState::Slot;
  static_assert(sizeof(KeyState) == (kScans ? 64 : 96));
  using Columns = slicing::ColumnLayout;
  using Rings = slicing::RingLayout<KeyState>;
  // Tumbling windows have no columns: their slices are in rings from the start.
  using Layouts = std::conditional_t<kScans, std::variant<Rings, Columns>, std::variant<Rings>>;

 public:
  using Successor = WindowRingOperator<Assigner>;

  SlicedWindows(Assigner assigner, LatenessPolicy policy,
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
        scans_(a_, n_) {
    if constexpr (kScans) {
      if (layout == slicing::Layout::kColumnsWhileInOrder) layout_.template emplace<Columns>(n_);
    }
    set_clock(Timestamp::min());
  }

  bool holds_grid() const { return size_ < slicing::kDurationLimit; }

  void fire(Timestamp clock, Emitter& em) {
    ++revision_;
    set_clock(clock);
    std::visit([&](auto& layout) { fire_in(layout, em); }, layout_);
  }

  // False if the event needs add().
  [[gnu::always_inline]] bool add_fast(KeyId key, Timestamp t, double v, Timestamp clock) {
    // In-order event in its key's newest slice, whose windows have not fired: one combine into
    // the key's small newest-slice record, which stays in cache where the key state would not.
    if (slice_.holds(t.ms) && clock.ms < slice_.first_fire && key < key_count_) {
      Newest& nw = newest_[key];
      if (nw.tag == slice_.tag && nw.count != kMaxCachedCount && exact(v)) {
        nw.add(v);
        return true;
      }
      if constexpr (kScans) {
        // Only the column layout sets column_slice_.
        if (nw.tag != slice_.tag && slice_.j == column_slice_) {
          return first_in_column(key, nw, v);
        }
      }
    }
    return false;
  }

  void set_state_budget(const StateBudget* budget) { budget_ = budget; }
  size_t open_windows() const { return open_; }
  size_t state_bytes() const {
    return std::visit([&](const auto& layout) { return bytes_of(layout); }, layout_) +
           buckets_.bytes();
  }
  // Whether the slices are still in columns (slicing::Layout): for tests and diagnostics.
  bool in_columns() const { return !std::holds_alternative<Rings>(layout_); }
  // Changes whenever the sizes above may have: every call but a fast-path add bumps it.
  uint64_t revision() const { return revision_; }
  void note_change() { ++revision_; }
  // The key's newest-slice record always; its slice state (both lines it may span) only once the
  // key states outgrow the caches. A prefetch never faults, so a key past the tables (not seen
  // yet) needs no check; the addresses are integers, as they may lie outside the arrays.
  void prefetch(KeyId key) const {
    __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(newest_) +
                                                     uintptr_t(key) * sizeof(Newest)));
    if (key_count_ > (size_t(1) << 16)) {
      const uintptr_t at =
          reinterpret_cast<uintptr_t>(key_states_) + uintptr_t(key) * sizeof(KeyState);
      __builtin_prefetch(reinterpret_cast<const void*>(at));
      __builtin_prefetch(reinterpret_cast<const void*>(at + sizeof(KeyState) - 1));
    }
  }

 private:
  // Write-back copy of the aggregate of the key's newest slice (ks.top) while the fast path adds
  // to it; the ring's slot is stale until flush(). 32 bytes, aligned: one cache line per event,
  // where a 64-bit slice index and count would make half the records straddle two lines. The
  // slice is `tag` (see tag_of; kNoTag: nothing cached) and the count fits 32 bits while cached.
  // In the column layout the current slice's column holds these records.
  using Newest = slicing::Newest;
  static constexpr uint32_t kNoTag = slicing::SliceTags::kNoTag;
  static constexpr uint32_t kUntagged = slicing::SliceTags::kUntagged;
  static constexpr uint32_t kMaxCachedCount = Newest::kMaxCount;

  uint32_t tag_of(int64_t j) const { return tags_.tag_of(j); }
  // Moves the tag range up to hold slice j, which is above it: cached slices are written back
  // first, since their tags are about to mean other slices (the columns' too: they move to the
  // rings). Once per 2^31 slices of progress.
  void retag(int64_t j) {
    Rings& r = rings();
    for (size_t k = 0; k < r.newest.size(); ++k) flush(r, KeyId(k));
    tags_.move_to(j);
  }

  void flush(Rings& r, KeyId key) { r.write_back(key, tags_); }

  // ---- clock-derived bounds ---------------------------------------------------------------

  // fired_max_: newest window whose fire time is <= C; alive_min_: oldest window not closed.
  void set_clock(Timestamp c) {
    clock_ms_ = c.ms;
    const slicing::ClockBounds b = slicing::clock_bounds(c, {offset_, size_, advance_}, delays_);
    fired_max_ = b.fired_max;
    alive_min_ = b.alive_min;
    alive_slice_min_ = int64_t(std::clamp<slicing::Int128>(
        slicing::Int128(alive_min_) * a_, -slicing::kIndexLimit, slicing::kIndexLimit));
  }

  // Forced inline, as cover(): add_in() inlines both, and a second caller (the column layout)
  // would make g++ call them instead.
  [[gnu::always_inline]] int64_t slice_of(int64_t t) {
    if (slice_.holds(t)) return slice_.j;
    const int64_t j = slicing::floor_div(t - offset_, g_);
    if (!tags_.reaches(j)) retag(j);
    const int64_t lo = offset_ + j * g_;
    const int64_t oldest = slicing::floor_div(j - n_, a_) + 1;  // oldest window holding slice j
    // Saturated: a fire time past the int64 limit is never reached by a finite clock.
    const int64_t first_fire = int64_t(
        std::min<slicing::Int128>(slicing::Int128(offset_ + (oldest * a_ + n_) * g_) + delays_.fire,
                                  std::numeric_limits<int64_t>::max()));
    slice_ = {lo, lo + g_, j, oldest, newest_window_of(j), first_fire, tag_of(j)};
    return j;
  }

  Window window(int64_t m) const {
    const Timestamp s{offset_ + m * advance_};
    return {s, s + Duration{size_}};
  }

  // Whether v can join slices without changing any sum: always for single-slice windows.
  [[gnu::always_inline]] bool exact(double v) {
    if (!kScans || n_ == 1) return true;
    return exact_sums_.admit(v);
  }

  // ---- the rings ---------------------------------------------------------------------------

  void fire_in(Rings& r, Emitter& em) {
    if (!buckets_.empty()) {
      const int64_t from = std::max(next_fire_, buckets_.first());
      const int64_t last = std::min(fired_max_, buckets_.end() - 1);
      const auto flush_key = [this, &r](KeyId k) { flush(r, k); };
      slicing::SliceRingFiring<decltype(r.keys), decltype(flush_key)>(
          {offset_, size_, advance_}, a_, n_, scans_, r.keys, buckets_, r.fire_scratch, flush_key)
          .fire(from, last, em);
    }
    next_fire_ = std::max(next_fire_, fired_max_ + 1);
    while (!buckets_.empty() && buckets_.first() < alive_min_) open_ -= buckets_.pop_front();
  }

  // The keys seen, not the tables' capacity (see grow_to_hold).
  size_t bytes_of(const Rings& r) const {
    return key_count_ * (sizeof(KeyState) + sizeof(Newest)) + r.ring_bytes;
  }

 public:
  // Inlined into the chain's one out-of-line call per slow event, as are exact() and the ring
  // layout's add_in: a call per level cost 8% more instructions per event on hopping windows.
  [[gnu::always_inline]] Added add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
    ++revision_;
    if (clock.ms != clock_ms_) set_clock(clock);
    if (t.ms < -slicing::kTimeLimit || t.ms > slicing::kTimeLimit || !exact(v)) {
      return Added::kHandOver;
    }
    // A direct test, not std::visit: g++ keeps the visitor's lambda out of line, one more call
    // per slow event.
    if (Rings* r = std::get_if<Rings>(&layout_)) [[likely]] {
      return add_in(*r, key, t, v, em);
    }
    if constexpr (kScans) return add_in(std::get<Columns>(layout_), key, t, v, em);
    TIDEMARK_ASSERT(false);
    return Added::kHandOver;
  }

 private:
  [[gnu::always_inline]] Added add_in(Rings& r, KeyId key, Timestamp t, double v, Emitter& em) {
    const int64_t j = slice_of(t.ms);
    const int64_t m_hi = slice_.newest;  // slice_of's, for slice j
    const int64_t m_acc = std::max(slice_.oldest, alive_min_);
    if (m_acc > m_hi) return Added::kLate;  // every window of t has closed

    if (key >= key_count_) grow_keys(r, key);
    flush(r, key);
    KeyState& ks = r.keys[key];
    ks.trim(alive_slice_min_);
    const int64_t lo = ks.len ? std::min(ks.base, j) : j;
    const int64_t hi = std::max(ks.len ? ks.base + int64_t(ks.len) - 1 : j,
                                std::max(ks.top == kNone ? j : ks.top, j) + n_ - 1);
    if (hi - lo >= slicing::kMaxKeySpan || !buckets_.fits(m_acc, m_hi, slicing::kMaxWindowSpan)) {
      return Added::kHandOver;
    }

    ks.cover(j, j, r.ring_bytes);
    Slot& s = ks.slot(j);
    if (s.agg.count == 0) {
      // The windows of j that held no event open now: those containing neither the previous
      // nor the next slice of the key that holds an event.
      int64_t first = m_acc, last = m_hi;
      if (ks.top != kNone && j > ks.top) {
        first = std::max(first, newest_window_of(ks.top) + 1);
      } else if (ks.top != kNone) {
        for (int64_t i = j - 1; i >= ks.base; --i) {
          if (ks.slot(i).agg.count != 0) {
            first = std::max(first, newest_window_of(i) + 1);
            break;
          }
        }
        for (int64_t i = j + 1; i <= ks.top; ++i) {
          if (ks.slot(i).agg.count != 0) {
            last = std::min(last, slicing::floor_div(i - n_, a_));
            break;
          }
        }
      }
      open_windows(first, last);
      if (ks.top == kNone || j > ks.top) ks.top = j;
    }
    Slot& sj = ks.slot(j);
    sj.agg = combine(sj.agg, lift(v));
    ks.invalidate(j, n_);

    // The oldest window of j that has not fired is the key's next firing, if none is earlier.
    const int64_t m_unfired = std::max(m_acc, fired_max_ + 1);
    if (m_unfired <= m_hi && (ks.next == kNone || m_unfired < ks.next)) {
      ks.next = m_unfired;
      buckets_.enqueue(m_unfired, key);
    }
    // Late but within grace: every fired window of j emits its full contents at once.
    const int64_t m_fired = std::min(m_hi, fired_max_);
    for (int64_t m = m_acc; m <= m_fired; ++m) {
      em.emit(key, window(m), lower(scans_.window_agg(ks, m)), EmissionKind::kUpdate);
    }
    r.cache(key, j, tag_of(j));  // later in-order events of the key take the fast path
    return Added::kAccepted;
  }

  // The rings, which take the slices over from the columns if these still hold them.
  Rings& rings() {
    if constexpr (kScans) {
      if (Columns* c = std::get_if<Columns>(&layout_)) return to_rings(*c);
    }
    return std::get<Rings>(layout_);
  }

  // ---- the column layout (defined in sliced_windows_columns.hpp) -----------------------------

  [[gnu::noinline]] bool first_in_column(KeyId key, Newest& nw, double v);
  void start_in_column(Columns& c, KeyId key, Newest& r, double v, int64_t first);
  Added add_in(Columns& c, KeyId key, Timestamp t, double v, Emitter& em);
  [[gnu::noinline]] int add_to_columns(Columns& c, KeyId key, Timestamp t, double v);
  int64_t first_window_to_open(const Columns& c, KeyId key, int64_t m_acc) const;
  void fire_in(Columns& c, Emitter& em);
  void sweep(Columns& c, int64_t m, const Aggregate* sfx, const Aggregate* pfx, uint64_t opens,
             Emitter& em);
  size_t bytes_of(const Columns& c) const;
  // Moves the slices into the rings for the rest of the run; `c` is gone after it.
  [[gnu::noinline, gnu::cold]] Rings& to_rings(Columns& c);
  void grow_columns(Columns& c, size_t keys);

  // The newest window holding slice j. A window's length is most often a multiple of its
  // advance, and then a slice is an advance (a_ == 1): no division, whose latency a key's first
  // event in a slice would otherwise wait on.
  int64_t newest_window_of(int64_t j) const { return a_ == 1 ? j : slicing::floor_div(j, a_); }
  static constexpr size_t kColumnMaxKeys = size_t(1) << 16;
  static constexpr int64_t kColumnMaxSpan = 1024;  // slices held
  static constexpr size_t kColumnBytesPerKey = slicing::SliceColumns::kBytesPerKey;
  static constexpr size_t kColumnMaxBytes = size_t(1) << 30;

  // Windows [first, last] of a key get their first event.
  void open_windows(int64_t first, int64_t last) {
    if (first > last) return;
    buckets_.reserve(first);
    buckets_.reserve(last);
    for (int64_t m = first; m <= last; ++m) ++buckets_.at(m).open;
    open_ += uint64_t(last - first + 1);
  }

  void grow_keys(Rings& r, KeyId key) {
    grow_to_hold(r.keys, key);
    grow_to_hold(r.newest, key);
    newest_ = r.newest.data();
    key_states_ = r.keys.data();
    key_count_ = r.keys.size();
  }

 public:
  // The ring operator, once the budget allows what it will hold: each open window becomes an
  // aggregate of its own (a slice held for n windows, n of them).
  std::unique_ptr<Successor> successor() {
    rings();
    const size_t ring_bytes = open_ * sizeof(Aggregate);
    if (budget_ && !budget_->allows(ring_bytes)) {
      budget_->exceeded(ring_bytes, Timestamp{clock_ms_},
                        fmt::format("{} open windows, one aggregate each", open_));
    }
    return std::make_unique<Successor>(assigner_, policy_, Timestamp{clock_ms_});
  }

  // Hands every open window to the ring operator (one aggregate per key and window).
  void hand_over_to(Successor& next) {
    Rings& r = rings();
    for (size_t k = 0; k < r.keys.size(); ++k) {
      flush(r, KeyId(k));
      KeyState& ks = r.keys[k];
      ks.trim(alive_slice_min_);
      if (ks.top == kNone) continue;
      const int64_t from = std::max(slicing::floor_div(ks.base - n_, a_) + 1, alive_min_);
      const int64_t to = slicing::floor_div(ks.top, a_);
      for (int64_t m = from; m <= to; ++m) {
        const Aggregate agg = scans_.window_agg(ks, m);
        if (agg.count != 0) next.restore(KeyId(k), window(m), agg, m <= fired_max_);
      }
    }
    layout_.template emplace<Rings>();
    newest_ = nullptr;
    key_states_ = nullptr;
    key_count_ = 0;
    buckets_ = WindowBuckets();
    open_ = 0;
  }

 private:
  Assigner assigner_;
  LatenessPolicy policy_;
  int64_t size_, advance_, offset_;
  int64_t g_, a_, n_;  // slice length; window advance and size in slices
  slicing::PolicyDelays delays_;
  slicing::SliceRingScans<KeyState> scans_;

  Layouts layout_;
  // The fast path's records: the rings' newest-slice records, or the current slice's column.
  Newest* newest_ = nullptr;
  const KeyState* key_states_ = nullptr;  // the rings' keys, for prefetch()
  size_t key_count_ = 0;  // of the tables above, kept beside them for the fast path's bounds check
  uint64_t revision_ = 0;
  WindowBuckets buckets_;
  uint64_t open_ = 0;
  StatsAggregator::OrderFreeGuard exact_sums_;  // while it admits every value, slices regroup

  int64_t clock_ms_ = 0;
  int64_t fired_max_ = 0, alive_min_ = 0, alive_slice_min_ = 0;
  int64_t next_fire_ = -slicing::kIndexLimit;  // windows before it have been fired

  slicing::SliceLookup slice_;  // the last slice looked up (slice_of)
  slicing::SliceTags tags_;

  int64_t column_slice_ = slicing::kNone;  // the slice of the column newest_ is, in columns
  const StateBudget* budget_ = nullptr;
};

}  // namespace tidemark

#include "tidemark/windows/time/sliced_windows_columns.hpp"  // IWYU pragma: export
