#pragma once
// Where SlicedWindows keeps its slices: the two layouts it holds one of (a std::variant), the
// columns first for hopping windows while the stream arrives in slice order, the rings from the
// first event that breaks it (or from the start) to the end of the run.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tidemark/core/event.hpp"
#include "tidemark/core/runtime/huge_page_allocator.hpp"
#include "tidemark/windows/time/slice_columns.hpp"
#include "tidemark/windows/time/slice_ring.hpp"
#include "tidemark/windows/time/slice_ring_firing.hpp"
#include "tidemark/windows/time/slice_tags.hpp"

namespace tidemark::slicing {

// Where hopping windows keep their slices: in slice-major columns while the stream arrives in
// slice order (see SliceColumns), then in a ring per key; or in rings from the start.
enum class Layout { kColumnsWhileInOrder, kKeyRings };

// Every key's slices [columns.lo(), columns.hi()] in slice-major columns, whose newest column
// holds the keys' newest-slice records.
struct ColumnLayout {
  explicit ColumnLayout(int64_t n) : columns(n) {}

  SliceColumns columns;
  std::vector<MaybeIndex, ZeroedHugePageAllocator<MaybeIndex>> tops;  // newest slice with events
  uint64_t swept = 0, swept_emitted = 0;  // records visited by firing sweeps, and emitted
  size_t seen_keys = 0;                   // 1 + the largest key added
};

// A SliceRing per key, and beside it the key's newest-slice record (by KeyId, dense): a
// write-back cache of the ring's newest slot, which the fast path adds to and which stays in
// cache where the ring would not. The slot is stale while the record holds its slice.
template <class Ring>
struct RingLayout {
  std::vector<Ring, ZeroedHugePageAllocator<Ring>> keys;
  std::vector<Newest, ZeroedHugePageAllocator<Newest>> newest;
  size_t ring_bytes = 0;  // on the heap, beyond the tables
  FireScratch fire_scratch;

  // Writes the key's record back into its ring, if it holds a slice.
  void write_back(KeyId key, const SliceTags& tags) {
    Newest& nw = newest[key];
    if (nw.tag == SliceTags::kNoTag) return;
    keys[key].slot(tags.slice_of(nw.tag)).agg = {nw.count, nw.sum, nw.min, nw.max};
    nw.tag = SliceTags::kNoTag;
  }
  // Caches slice j (tagged `tag`) in the key's record if it is the key's newest and fits one.
  void cache(KeyId key, int64_t j, uint32_t tag) {
    Ring& ks = keys[key];
    if (ks.top != j || tag == SliceTags::kUntagged) return;
    const Aggregate& a = ks.slot(j).agg;
    if (a.count >= Newest::kMaxCount) return;
    newest[key] = {tag, uint32_t(a.count), a.sum, a.min, a.max};
  }
};

}  // namespace tidemark::slicing
