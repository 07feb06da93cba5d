#pragma once
// On-time firing of the windows of keys kept in SliceRings, in (window, key) order: a window index
// due alone emits its keys straight from its bucket; a run of them (a clock jump, the end-of-trace
// flush) goes through a cursor per key, which carries a window's aggregate to the next windows
// as long as the same slices hold events.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

#include "tidemark/core/output/emitter.hpp"
#include "tidemark/windows/aggregate/aggregate.hpp"
#include "tidemark/windows/time/slice_ring_scans.hpp"
#include "tidemark/windows/time/slicing.hpp"
#include "tidemark/windows/time/window_buckets.hpp"

namespace tidemark::slicing {

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

// The cursors of a run, kept from run to run so that firing allocates nothing once warm.
struct FireScratch {
  std::vector<FireCursor> cursors, due, merged;
};

// Firing over one operator's state for one fire() call; window m is [offset + m*advance, +size)
// in time and slices [m*a, m*a + n). `Keys`: the SliceRings by KeyId. `flush(key)` writes back
// whatever the key's ring lacks (the newest-slice cache) before its ring is read.
template <class Keys, class Flush>
class SliceRingFiring {
  using Ring = typename Keys::value_type;
  using Slot = typename Ring::Slot;

 public:
  SliceRingFiring(const WindowGrid& grid, int64_t a, int64_t n, const SliceRingScans<Ring>& scans,
                  Keys& keys, WindowBuckets& buckets, FireScratch& scratch, Flush flush)
      : grid_(grid),
        a_(a),
        n_(n),
        scans_(scans),
        keys_(keys),
        buckets_(buckets),
        scratch_(scratch),
        flush_(flush) {}

  // Fires windows [from, last], in (window, key) order. Each key with a window due has a cursor,
  // and consecutive windows with the same slices holding events have the same aggregate, so a
  // cursor emits them without going back to the key's ring: the end-of-trace flush, which fires
  // every window at once, costs about one cursor read per emission, not one ring walk. The few
  // cursors that must go back are seen coming, and their key state is fetched ahead.
  void fire(int64_t from, int64_t last, Emitter& em) {
    if (from == last) return fire_window(from, em);
    constexpr size_t kAhead = 8;
    std::vector<FireCursor>& cursors = scratch_.cursors;
    cursors.clear();
    for (int64_t m = from; m <= last;) {
      admit_due_keys(m, last);
      const Window w = window(m);
      int64_t next_due = kIndexLimit;
      size_t kept = 0;
      for (size_t i = 0; i < cursors.size(); ++i) {
        if (i + kAhead < cursors.size()) {
          const FireCursor& ahead = cursors[i + kAhead];
          if (ahead.m == m && ahead.same_until == m) prefetch_ring(ahead);
        }
        FireCursor& c = cursors[i];
        if (c.m == m) {
          em.emit(c.key, w, lower(c.agg), EmissionKind::kOnTime);
          if (!advance(c, last)) continue;
        }
        next_due = std::min(next_due, c.m);
        if (kept != i) cursors[kept] = c;
        ++kept;
      }
      cursors.resize(kept);
      // Skip the windows that no cursor and no newly due key fires.
      for (++m; m <= last && m < next_due && buckets_.at(m).keys.empty();) ++m;
    }
  }

 private:
  // A single window index (the clock advancing steadily): its keys emit straight from the
  // bucket, in key order, with nothing to carry to a next window.
  void fire_window(int64_t m, Emitter& em) {
    const Window w = window(m);
    for_each_due_key(m, [&](KeyId k, Ring& ks) {
      em.emit(k, w, lower(scans_.ontime_agg(ks, m)), EmissionKind::kOnTime);
      ks.next = scans_.next_window(ks, m);
      if (ks.next != kNone) buckets_.enqueue(ks.next, k);
    });
  }

  // The keys whose next on-time firing is window m join the cursors, which stay in key order.
  void admit_due_keys(int64_t m, int64_t last) {
    std::vector<FireCursor>&cursors = scratch_.cursors, &merged = scratch_.merged;
    std::vector<FireCursor>& due = cursors.empty() ? cursors : scratch_.due;
    if (&due == &scratch_.due) due.clear();
    for_each_due_key(m, [&](KeyId k, Ring& ks) {
      FireCursor& c = due.emplace_back();
      c.key = k;
      c.m = m;
      aim(c, ks, last);
    });
    if (&due == &cursors || due.empty()) return;
    merged.clear();
    std::merge(cursors.begin(), cursors.end(), due.begin(), due.end(), std::back_inserter(merged),
               [](const FireCursor& x, const FireCursor& y) { return x.key < y.key; });
    cursors.swap(merged);
  }

  // Calls f(key, its ring), in key order, for each key whose next on-time firing is window m
  // (its newest slice written back first), skipping stale entries (the key's next firing moved)
  // and duplicates; then empties the list.
  template <class F>
  void for_each_due_key(int64_t m, F&& f) {
    std::vector<KeyId>& keys = buckets_.sorted_keys(m, keys_.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      prefetch_due(keys, i, m);
      const KeyId k = keys[i];
      Ring& ks = keys_[k];
      if (ks.next != m || (i > 0 && k == keys[i - 1])) continue;
      flush_(k);
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
    const Ring& ahead = keys_[keys[i + kAhead]];
    if (ahead.next != m || ahead.top == kNone) return;
    // The newest slice (flush), the end of the prefix scan so far and the window's first slice
    // held (ontime_agg).
    const auto fetch = [&](int64_t j) {
      j = std::min<int64_t>(std::max(j, ahead.base), ahead.top);
      __builtin_prefetch(reinterpret_cast<const void*>(ahead.slot_address(j)));
    };
    fetch(ahead.top);
    if constexpr (std::is_same_v<Slot, ScanSlot>) {
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
    Ring& ks = keys_[c.key];
    const int64_t next = scans_.next_window(ks, c.m);
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
  void aim(FireCursor& c, Ring& ks, int64_t last) {
    c.agg = scans_.ontime_agg(ks, c.m);
    c.same_until = scans_.same_slices_until(ks, c.m, last);
    // Once the cursor reaches same_until, the next window is likely the one after: the ring slots
    // from its block's start (for a suffix scan) to its last slice, within the slices held.
    const int64_t s = (c.same_until + 1) * a_;
    const int64_t lo = std::max(floor_div(s, n_) * n_, ks.base);
    const int64_t hi = std::min<int64_t>({s + n_ - 1, ks.top, lo + kMaxHintSlots - 1});
    c.hint = ks.slot_address(std::min<int64_t>(lo, ks.top));
    c.hint_slots = uint32_t(std::max<int64_t>(hi - lo + 1, 1));
  }
  static constexpr int64_t kMaxHintSlots = 16;

  void prefetch_key(KeyId k) const {
    const auto at = reinterpret_cast<uintptr_t>(keys_.data()) + uintptr_t(k) * sizeof(Ring);
    __builtin_prefetch(reinterpret_cast<const void*>(at));
    __builtin_prefetch(reinterpret_cast<const void*>(at + sizeof(Ring) - 1));
  }
  // The cursor's key state and hinted slots (contiguous unless the ring wraps: then some of the
  // prefetches are wasted, never wrong).
  void prefetch_ring(const FireCursor& c) const {
    prefetch_key(c.key);
    for (uint32_t i = 0; i < c.hint_slots; ++i) {
      __builtin_prefetch(reinterpret_cast<const void*>(c.hint + i * sizeof(Slot)));
    }
  }

  Window window(int64_t m) const {
    const Timestamp s{grid_.offset + m * grid_.advance};
    return {s, s + Duration{grid_.size}};
  }

  WindowGrid grid_;
  int64_t a_, n_;
  const SliceRingScans<Ring>& scans_;
  Keys& keys_;
  WindowBuckets& buckets_;
  FireScratch& scratch_;
  Flush flush_;
};

}  // namespace tidemark::slicing
