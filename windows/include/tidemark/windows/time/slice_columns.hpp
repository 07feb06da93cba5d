#pragma once
// Slices of every key, slice-major: one column of records per slice, indexed by KeyId. While a
// stream arrives in slice order, the sliced window operator keeps its hopping windows here
// instead of in a ring per key: an event adds into the current slice's column (its record is
// the same 32 bytes as the newest-slice record of the per-key layout), a key's first event in a
// slice writes nothing else, and a window fires as one sequential sweep over two scan columns
// (block prefix and suffix aggregates), never visiting a key's own memory.
//
// A record counts for its column only while its tag is the column's: a column reused for a newer
// slice, or a record never written, is empty without being cleared.
//
// Columns are carved from a few large zeroed blocks (ColumnArena), not allocated one by one:
// a column of 16k keys is 1 MiB, below the 2 MiB at which an allocation gets transparent huge
// pages, so on its own its first touch faulted 4 KiB at a time and was zeroed twice (by the
// kernel and by memset).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "tidemark/core/runtime/huge_page_allocator.hpp"
#include "tidemark/windows/aggregate/aggregate.hpp"

namespace tidemark::slicing {

// One key's aggregate of one slice: 32 bytes, aligned, one cache line per two keys. The slice is
// `tag` (kNoTag: empty); the count fits 32 bits.
struct alignas(32) Newest {
  static constexpr bool kZeroBytesAreDefault = true;
  static constexpr uint32_t kMaxCount = std::numeric_limits<uint32_t>::max();
  uint32_t tag = 0;
  uint32_t count = 0;
  double sum = 0, min = 0, max = 0;

  void add(double v) {
    ++count;
    sum += v;
    min = min < v ? min : v;  // as combine(agg, lift(v)), for -0 and NaN alike
    max = max > v ? max : v;
  }
};

// Storage for columns of one size, handed out from blocks of zero bytes that are never freed
// one by one: a block of 2 MiB or more is mapped fresh from the kernel and faulted in huge pages.
class ColumnArena {
 public:
  ColumnArena() = default;
  explicit ColumnArena(size_t column_bytes)
      : lines_(column_bytes / sizeof(Line)),
        per_block_(std::clamp<size_t>(kBlockBytes / std::max<size_t>(column_bytes, 1), 1,
                                      kMaxColumnsPerBlock)) {}

  // column_bytes of zero bytes (a multiple of 64), 64-byte aligned.
  std::byte* take() {
    if (blocks_.empty() || used_ == per_block_) {
      blocks_.emplace_back(per_block_ * lines_);
      used_ = 0;
    }
    return blocks_.back()[used_++ * lines_].bytes;
  }

 private:
  struct alignas(64) Line {
    static constexpr bool kZeroBytesAreDefault = true;
    std::byte bytes[64];
  };
  static constexpr size_t kBlockBytes = size_t(8) << 20;
  // With few keys a block stays under 2 MiB (heap, memset) rather than taking a huge page.
  static constexpr size_t kMaxColumnsPerBlock = 64;

  size_t lines_ = 0, per_block_ = 1, used_ = 0;
  std::vector<std::vector<Line, ZeroedHugePageAllocator<Line>>> blocks_;
};

class SliceColumns {
 public:
  static constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
  // A key's record and scan in each column.
  static constexpr size_t kBytesPerKey = sizeof(Newest) + sizeof(Aggregate);
  static_assert(kBytesPerKey == 64 && alignof(Newest) <= 64 && alignof(Aggregate) <= 64);

  // n: slices per block of the scans (a window's length in slices).
  explicit SliceColumns(int64_t n) : n_(n) {}
  // Columns point into the arena: a copy would share it.
  SliceColumns(const SliceColumns&) = delete;
  SliceColumns& operator=(const SliceColumns&) = delete;
  SliceColumns(SliceColumns&&) = default;
  SliceColumns& operator=(SliceColumns&&) = default;

  bool empty() const { return count_ == 0; }
  int64_t lo() const { return lo_; }  // slices [lo, hi] are held
  int64_t hi() const { return lo_ + int64_t(count_) - 1; }
  size_t columns() const { return count_; }
  size_t keys() const { return keys_; }
  // Memory held: every column allocated, held or kept for reuse. Resident memory can be more:
  // the rest of the arena's last block (all of it below 2 MiB, where blocks are memset; up to one
  // huge page above), and both arenas for a moment while resize_keys moves the columns.
  size_t bytes() const { return allocated_ * keys_ * kBytesPerKey; }

  Newest* column(int64_t j) { return at(j).rec; }
  const Newest* column(int64_t j) const { return at(j).rec; }
  uint32_t tag(int64_t j) const { return at(j).tag; }

  // Holds slices up to j (above hi(), or the first): new columns are empty; tag_of(slice) gives
  // each its tag.
  template <class TagOf>
  void extend_to(int64_t j, TagOf tag_of) {
    if (count_ == 0) {
      lo_ = j;
      pfx_lo_ = sfx_lo_ = kNone;
    } else if (sfx_lo_ != kNone && sfx_lo_ + n_ - 1 > hi()) {
      sfx_lo_ = kNone;  // the block's suffixes stopped at hi(): the new slices are in it
    }
    const size_t need = size_t(j - lo_) + 1;
    if (need > ring_.size()) grow(need);
    for (int64_t s = count_ == 0 ? j : hi() + 1; s <= j; ++s) {
      Column& c = ring_[(head_ + size_t(s - lo_)) & (ring_.size() - 1)];
      c.tag = tag_of(s);
      if (c.rec == nullptr && keys_ > 0) place(c, arena_.take());
    }
    count_ = need;
  }
  void drop_before(int64_t j) {
    while (count_ > 0 && lo_ < j) {
      head_ = (head_ + 1) & (ring_.size() - 1);
      ++lo_;
      --count_;
    }
  }
  // Every column holds `keys` records (new ones empty); only grows.
  void resize_keys(size_t keys) {
    if (keys <= keys_) return;
    const size_t old = keys_;
    keys_ = keys;
    ColumnArena arena(keys * kBytesPerKey);
    allocated_ = 0;
    for (size_t i = 0; i < ring_.size(); ++i) {
      Column& c = ring_[i];
      const bool held = ((i - head_) & (ring_.size() - 1)) < count_;
      if (!held && c.rec == nullptr) continue;  // never used: sized when it is
      const Column was = c;
      place(c, arena.take());
      // The old keys' records and cached scans move; the new keys' records are empty (zero
      // bytes) and their scans empty aggregates. A column held before there were keys has none.
      const size_t kept = was.rec != nullptr ? old : 0;
      if (kept > 0) {
        std::memcpy(static_cast<void*>(c.rec), was.rec, kept * sizeof(Newest));
        std::copy(was.scan, was.scan + kept, c.scan);
      }
      std::fill(c.scan + kept, c.scan + keys, Aggregate{});
    }
    arena_ = std::move(arena);
  }

  // The aggregates of slices [block, q] per key (q within the block starting at `block`), or
  // nullptr where no slice of them is held: prefix scans, extended as far as needed.
  const Aggregate* prefix(int64_t block, int64_t q) {
    if (count_ == 0) return nullptr;
    const int64_t lo = std::max(block, lo_);
    q = std::min(q, hi());
    if (q < lo) return nullptr;
    if (pfx_lo_ != block) {
      if (sfx_lo_ == block) sfx_lo_ = kNone;
      pfx_lo_ = block;
      pfx_upto_ = lo;
    }
    if (pfx_upto_ < lo) pfx_upto_ = lo;
    for (int64_t j = pfx_upto_; j <= q; ++j) {
      Column& c = at(j);
      if (j == lo) {
        for (size_t k = 0; k < keys_; ++k) c.scan[k] = value(c, k);
      } else {
        const Aggregate* prev = at(j - 1).scan;
        for (size_t k = 0; k < keys_; ++k) c.scan[k] = combine(prev[k], value(c, k));
      }
    }
    pfx_upto_ = std::max(pfx_upto_, q + 1);
    return at(q).scan;
  }
  // The aggregates of slices [s, block + n) per key (s within the block starting at `block`), or
  // nullptr where no slice of them is held: suffix scans of the whole block, once.
  const Aggregate* suffix(int64_t block, int64_t s) {
    if (count_ == 0) return nullptr;
    const int64_t lo = std::max(block, lo_), hi = std::min(block + n_ - 1, this->hi());
    if (hi < lo || s > hi) return nullptr;
    if (sfx_lo_ != block) {
      if (pfx_lo_ == block) pfx_lo_ = kNone;
      for (int64_t j = hi; j >= lo; --j) {
        Column& c = at(j);
        if (j == hi) {
          for (size_t k = 0; k < keys_; ++k) c.scan[k] = value(c, k);
        } else {
          const Aggregate* next = at(j + 1).scan;
          for (size_t k = 0; k < keys_; ++k) c.scan[k] = combine(value(c, k), next[k]);
        }
      }
      sfx_lo_ = block;
    }
    return at(std::max(s, lo)).scan;
  }

  // Key k's aggregate of slice j (held).
  Aggregate value(int64_t j, size_t k) const { return value(at(j), k); }

 private:
  // keys_ records, then keys_ scans, in one piece of the arena (nullptr: never used).
  struct Column {
    uint32_t tag = 0;
    Newest* rec = nullptr;
    Aggregate* scan = nullptr;  // a prefix or suffix aggregate within the slice's block
  };

  // Column c's records and scans in `at`: the records empty (zero bytes, as Newest's default);
  // the scans are written before they are read.
  void place(Column& c, std::byte* at) {
    c.rec = std::launder(reinterpret_cast<Newest*>(at));
    c.scan = std::launder(reinterpret_cast<Aggregate*>(at + keys_ * sizeof(Newest)));
    ++allocated_;
  }

  static Aggregate value(const Column& c, size_t k) {
    const Newest& r = c.rec[k];
    return r.tag == c.tag ? Aggregate{r.count, r.sum, r.min, r.max} : Aggregate{};
  }
  Column& at(int64_t j) { return ring_[(head_ + size_t(j - lo_)) & (ring_.size() - 1)]; }
  const Column& at(int64_t j) const {
    return ring_[(head_ + size_t(j - lo_)) & (ring_.size() - 1)];
  }
  void grow(size_t need) {
    size_t cap = std::max<size_t>(ring_.size() * 2, 8);
    while (cap < need) cap *= 2;
    std::vector<Column> next(cap);
    for (size_t i = 0; i < ring_.size(); ++i) {
      next[i] = std::move(ring_[(head_ + i) & (ring_.size() - 1)]);
    }
    ring_ = std::move(next);
    head_ = 0;
  }

  int64_t n_;
  ColumnArena arena_;         // columns of keys_ keys
  std::vector<Column> ring_;  // a power of two of columns; [count_, size) kept for reuse
  size_t head_ = 0, count_ = 0, keys_ = 0;
  size_t allocated_ = 0;  // columns that have held a slice
  int64_t lo_ = 0;
  // Scans: suffixes valid for the block starting at sfx_lo_, prefixes for slices
  // [pfx_lo_, pfx_upto_) of the block starting at pfx_lo_.
  int64_t pfx_lo_ = kNone, pfx_upto_ = kNone, sfx_lo_ = kNone;
};

}  // namespace tidemark::slicing
