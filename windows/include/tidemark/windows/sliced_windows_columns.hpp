#pragma once
// The column layout of SlicedWindows (hopping windows while the stream arrives in slice order):
// every key's slices in slice-major columns (SliceColumns), an event adding into the current
// slice's column, each due window firing as one sweep over the keys of two block-scan columns,
// until the first event that breaks the order moves the state into the rings (to_rings()).
// Included by sliced_windows.hpp, which declares these members.

#include "tidemark/windows/sliced_windows.hpp"

namespace tidemark {

// add_fast() for a key's first event in the current column's slice, whose windows have not
// fired: it opens the windows of the slice that do not hold the key's newest slice, usually
// one; false if that needs add(). Not inlined: add_fast() must stay small enough for the
// Driver's loop to inline it.
template <class Assigner>
bool SlicedWindows<Assigner>::first_in_column(KeyId key, Newest& nw, double v) {
  const int64_t first = first_window_to_open(key, std::max(cache_oldest_, alive_min_));
  if (buckets_.empty() || first < buckets_.first() || cache_newest_ >= buckets_.end() ||
      !exact(v)) {
    return false;
  }
  ++revision_;
  start_in_column(key, nw, v, first);
  return true;
}

// The key's first event in the current column's slice (cache_j_): the windows of the slice
// from `first` on (those that do not hold the key's newest slice, addressable in buckets_)
// open, and its record starts.
template <class Assigner>
inline void SlicedWindows<Assigner>::start_in_column(KeyId key, Newest& r, double v,
                                                     int64_t first) {
  for (int64_t m = first; m <= cache_newest_; ++m) ++buckets_.at(m).open;
  if (first <= cache_newest_) open_ += uint64_t(cache_newest_ - first + 1);
  dense_top_[key] = cache_j_;
  seen_keys_ = std::max(seen_keys_, size_t(key) + 1);
  const Aggregate a = combine(Aggregate{}, lift(v));
  r = {cache_tag_, 1, a.sum, a.min, a.max};
}

// add() while the slices are in columns: 1 accepted, 0 late, or -1 when the event needs
// the rings (the state has moved there): it is older than the newest slice, or a window of
// its slice has fired, or the columns would grow past their bounds. Not inlined into
// add(), whose ring path would then call what it inlines now.
template <class Assigner>
int SlicedWindows<Assigner>::add_to_columns(KeyId key, Timestamp t, double v) {
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
template <class Assigner>
inline int64_t SlicedWindows<Assigner>::first_window_to_open(KeyId key, int64_t m_acc) const {
  const int64_t top = dense_top_[key];
  return top == kNone ? m_acc : std::max(m_acc, newest_window_of(top) + 1);
}

// fire() in the column layout: each due window is one sweep over the keys, in key order, of
// the window's two block scans (suffix within its first block, prefix within its second).
template <class Assigner>
inline void SlicedWindows<Assigner>::fire_columns(Emitter& em) {
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

template <class Assigner>
inline void SlicedWindows<Assigner>::sweep(int64_t m, const Aggregate* sfx, const Aggregate* pfx,
                                           uint64_t opens, Emitter& em) {
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
template <class Assigner>
void SlicedWindows<Assigner>::to_rings() {
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
        ks.cover(j, j, ring_bytes_);
        ks.slot(j).agg = a;
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

template <class Assigner>
inline void SlicedWindows<Assigner>::grow_columns(size_t keys) {
  columns_.resize_keys(keys);
  dense_top_.resize(keys);
  key_count_ = keys;
  newest_ = columns_.empty() ? nullptr : columns_.column(columns_.hi());
}

}  // namespace tidemark
