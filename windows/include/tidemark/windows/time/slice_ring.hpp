#pragma once
// One key's slices in a ring: the per-key store of the sliced time-window operator.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "tidemark/windows/aggregate/aggregate.hpp"
#include "tidemark/windows/time/slicing.hpp"

namespace tidemark::slicing {

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

struct PlainSlot {
  Aggregate agg;
};
// With a scan: a prefix or suffix aggregate within the slice's block of n slices.
struct ScanSlot {
  Aggregate agg;
  Aggregate scan;
};

// Block scans (hopping only): suffix scans valid for the block starting at sfx_lo, prefix
// scans for slices [pfx_lo, pfx_upto) of the block starting at pfx_lo.
struct BlockScanMarks {
  MaybeIndex sfx_lo, pfx_lo, pfx_upto;
};
struct NoScanMarks {};

// One key's slices [base, base + len) in a ring of `cap` (a power of two) slots: inline while
// cap <= kInline, else on the heap, the pointer sharing the inline bytes: a tumbling key's usual
// one or two open slices (a window kept open for grace beside the next) are inline in 96 bytes.
// One inline slot would make it one cache line, faster at a million keys (~75 vs ~90 ms) but
// slower wherever late events keep two slices open (a heap ring per key, one more line to read).
// Fresh, it is all zero bytes (the inline slots are written before they are read).
template <bool kScans, uint32_t kInline>
struct SliceRing : std::conditional_t<kScans, BlockScanMarks, NoScanMarks> {
  using Marks = std::conditional_t<kScans, BlockScanMarks, NoScanMarks>;
  using Slot = std::conditional_t<kScans, ScanSlot, PlainSlot>;
  static constexpr bool kZeroBytesAreDefault = true;

  int64_t base = 0;
  MaybeIndex top;              // newest slice holding an event
  MaybeIndex next;             // window index of the key's next on-time firing
  uint16_t head = 0, len = 0;  // below kMaxKeySpan
  uint32_t cap = 0;
  union {
    std::array<Slot, kInline> local;
    Slot* ring = nullptr;  // owned while cap > kInline
  };

  SliceRing() = default;
  SliceRing(SliceRing&& o) noexcept
      : Marks(o), base(o.base), top(o.top), next(o.next), head(o.head), len(o.len), cap(o.cap) {
    if (cap > kInline) {
      ring = o.ring;
    } else {
      local = o.local;
    }
    o.cap = o.len = 0;
  }
  SliceRing& operator=(SliceRing&&) = delete;
  ~SliceRing() {
    if (cap > kInline) delete[] ring;
  }

  Slot* slots() {
    if constexpr (kInline > 0) {
      if (cap <= kInline) return local.data();
    }
    return ring;
  }
  Slot& slot(int64_t j) { return slots()[(head + uint64_t(j - base)) & (cap - 1)]; }
  int64_t end() const { return base + int64_t(len); }

  // Where slot j would be, as an integer: a prefetch never faults, so hints need no bounds check.
  uintptr_t slot_address(int64_t j) const {
    const Slot* at = kInline > 0 && cap <= kInline ? local.data() : ring;
    return reinterpret_cast<uintptr_t>(at) +
           ((head + uint64_t(j - base)) & (cap - 1)) * sizeof(Slot);
  }

  // Extends the ring with empty slices so that it holds [lo, hi], adding the heap bytes it
  // allocates to `heap_bytes`. A suffix scan ends at the last slice held and a prefix scan starts
  // at the first, so growing at the end keeps both valid (the new slices are empty), but growing
  // at the start leaves a suffix scan without the new slices' entries: it is dropped, as are all
  // scans of a ring that starts afresh.
  [[gnu::always_inline]] void cover(int64_t lo, int64_t hi, size_t& heap_bytes) {
    if (len == 0) {
      drop_scans();
      grow(size_t(hi - lo + 1), heap_bytes);
      base = lo;
      head = 0;
      len = uint16_t(hi - lo + 1);
      for (uint32_t i = 0; i < len; ++i) slots()[i] = Slot{};
      return;
    }
    const int64_t old_end = end();
    const int64_t new_lo = std::min(lo, base), new_end = std::max(hi + 1, old_end);
    grow(size_t(new_end - new_lo), heap_bytes);
    if (new_lo < base) {
      if constexpr (kScans) this->sfx_lo = kNone;
      const uint32_t d = uint32_t(base - new_lo);
      head = uint16_t((head - d) & (cap - 1));
      base = new_lo;
      len = uint16_t(len + d);
      for (uint32_t i = 0; i < d; ++i) slots()[(head + i) & (cap - 1)] = Slot{};
    }
    for (int64_t j = old_end; j < new_end; ++j) {
      ++len;
      slot(j) = Slot{};
    }
  }

  // Forgets the slices before `alive_slice_min`, whose windows have all closed.
  void trim(int64_t alive_slice_min) {
    if (len == 0 || base >= alive_slice_min) return;
    const int64_t d = std::min<int64_t>(len, alive_slice_min - base);
    head = uint16_t((head + uint64_t(d)) & (cap - 1));
    base += d;
    len = uint16_t(len - d);
    if (top != kNone && top < base) top = kNone;
  }

  void drop_scans() {
    if constexpr (kScans) this->sfx_lo = this->pfx_lo = this->pfx_upto = kNone;
  }

  // A late event changed slice j: drop the scans of blocks of n slices that include it.
  void invalidate(int64_t j, int64_t n) {
    if constexpr (kScans) {
      if (this->sfx_lo != kNone && j >= this->sfx_lo && j < this->sfx_lo + n) this->sfx_lo = kNone;
      if (this->pfx_lo != kNone && j >= this->pfx_lo && j < this->pfx_upto) this->pfx_upto = j;
    }
  }

 private:
  void grow(size_t need, size_t& heap_bytes) {
    if (need <= cap) return;
    if (kInline > 0 && need <= kInline) {  // first slices of a key: the inline ring
      cap = kInline;
      head = 0;
      return;
    }
    size_t bigger = std::max<size_t>(cap * 2, kScans ? 8 : 4);
    while (bigger < need) bigger *= 2;
    Slot* fresh = new Slot[bigger]();
    const Slot* old = slots();
    for (uint32_t i = 0; i < len; ++i) fresh[i] = old[(head + i) & (cap - 1)];
    heap_bytes += (bigger - (cap > kInline ? cap : 0)) * sizeof(Slot);
    if (cap > kInline) delete[] ring;
    ring = fresh;  // the inline slots, if they were in use, are copied: their bytes are reused
    cap = uint32_t(bigger);
    head = 0;
  }
};

}  // namespace tidemark::slicing
