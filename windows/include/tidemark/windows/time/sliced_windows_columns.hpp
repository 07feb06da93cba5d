#pragma once
// The column layout of SlicedWindows (hopping windows while the stream arrives in slice order):
// every key's slices in slice-major columns (SliceColumns), an event adding into the current
// slice's column, each due window firing as one sweep over the keys of two block-scan columns,
// until the first event that breaks the order moves the slices into the rings (to_rings()).
// Included by sliced_windows.hpp, which declares these members.

#include "tidemark/windows/time/sliced_windows.hpp"

namespace tidemark {

// add_fast() for a key's first event in the current column's slice, whose windows have not
// fired: it opens the windows of the slice that do not hold the key's newest slice, usually
// one; false if that needs add(). Not inlined: add_fast() must stay small enough for the
// Driver's loop to inline it.
template <class Assigner>
bool SlicedWindows<Assigner>::first_in_column(KeyId key, Newest& nw, double v) {
  Columns& c = *std::get_if<Columns>(&layout_);  // column_slice_ is set only in columns
  const int64_t first = first_window_to_open(c, key, std::max(slice_.oldest, alive_min_));
  if (buckets_.empty() || first < buckets_.first() || slice_.newest >= buckets_.end() ||
      !exact(v)) {
    return false;
  }
  ++revision_;
  start_in_column(c, key, nw, v, first);
  return true;
}

// The key's first event in the current column's slice (slice_.j): the windows of the slice
// from `first` on (those that do not hold the key's newest slice, addressable in buckets_)
// open, and its record starts.
template <class Assigner>
inline void SlicedWindows<Assigner>::start_in_column(Columns& c, KeyId key, Newest& r, double v,
                                                     int64_t first) {
  for (int64_t m = first; m <= slice_.newest; ++m) ++buckets_.at(m).open;
  if (first <= slice_.newest) open_ += uint64_t(slice_.newest - first + 1);
  c.tops[key] = slice_.j;
  c.seen_keys = std::max(c.seen_keys, size_t(key) + 1);
  const Aggregate a = combine(Aggregate{}, lift(v));
  r = {slice_.tag, 1, a.sum, a.min, a.max};
}

template <class Assigner>
Added SlicedWindows<Assigner>::add_in(Columns& c, KeyId key, Timestamp t, double v, Emitter& em) {
  const int added = add_to_columns(c, key, t, v);
  if (added >= 0) return added == 1 ? Added::kAccepted : Added::kLate;
  return add_in(std::get<Rings>(layout_), key, t, v, em);  // the slices are in the rings now
}

// add() while the slices are in columns: 1 accepted, 0 late, or -1 when the event needs
// the rings (the slices have moved there, and `c` is gone): it is older than the newest slice,
// or a window of its slice has fired, or the columns would grow past their bounds, or its slice
// is past the tags' range. Not inlined into add(), whose ring path would then call what it
// inlines now.
template <class Assigner>
int SlicedWindows<Assigner>::add_to_columns(Columns& c, KeyId key, Timestamp t, double v) {
  if (!slice_.holds(t.ms) && !tags_.reaches(slicing::floor_div(t.ms - offset_, g_))) {
    to_rings(c);  // the columns' tags are about to mean other slices
    return -1;
  }
  const int64_t j = slice_of(t.ms);
  const int64_t m_hi = slice_.newest;
  const int64_t m_acc = std::max(slice_.oldest, alive_min_);
  if (m_acc > m_hi) return 0;  // every window of t has closed
  slicing::SliceColumns& columns = c.columns;
  columns.drop_before(alive_slice_min_);
  const uint32_t tag = slice_.tag;
  const bool current = !columns.empty() && j == columns.hi();
  const size_t keys = std::max(columns.keys(), std::bit_ceil(size_t(key) + 1));
  const int64_t span = columns.empty() ? 1 : j - columns.lo() + 1;
  const size_t column_bytes = size_t(span) * keys * kColumnBytesPerKey;
  const bool fits = tag != kUntagged && (columns.empty() || j >= columns.hi()) &&
                    m_acc > fired_max_ && keys <= kColumnMaxKeys && span <= kColumnMaxSpan &&
                    column_bytes <= kColumnMaxBytes &&
                    (!budget_ || column_bytes <= columns.bytes() ||
                     budget_->allows(state_bytes() + column_bytes - columns.bytes())) &&
                    buckets_.fits(m_acc, m_hi, slicing::kMaxWindowSpan) &&
                    !(current && key < key_count_ && newest_[key].tag == tag &&
                      newest_[key].count == kMaxCachedCount);
  if (!fits) {
    to_rings(c);
    return -1;
  }
  if (key >= key_count_) grow_columns(c, keys);
  if (!current) {
    columns.extend_to(j, [&](int64_t slice) { return tag_of(slice); });
    newest_ = columns.column(j);
    column_slice_ = j;
  }
  Newest& r = newest_[key];
  if (r.tag == tag) {
    r.add(v);
    return 1;
  }
  const int64_t first = first_window_to_open(c, key, m_acc);
  if (first <= m_hi) {
    buckets_.reserve(first);
    buckets_.reserve(m_hi);
  }
  start_in_column(c, key, r, v, first);
  return 1;
}

// The oldest window of the current slice that a first event of the key in it opens.
template <class Assigner>
inline int64_t SlicedWindows<Assigner>::first_window_to_open(const Columns& c, KeyId key,
                                                             int64_t m_acc) const {
  const int64_t top = c.tops[key];
  return top == kNone ? m_acc : std::max(m_acc, newest_window_of(top) + 1);
}

// fire() in the column layout: each due window is one sweep over the keys, in key order, of
// the window's two block scans (suffix within its first block, prefix within its second).
template <class Assigner>
inline void SlicedWindows<Assigner>::fire_in(Columns& c, Emitter& em) {
  if (!buckets_.empty()) {
    const int64_t last = std::min(fired_max_, buckets_.end() - 1);
    for (int64_t m = std::max(next_fire_, buckets_.first()); m <= last; ++m) {
      const uint64_t opens = buckets_.at(m).open;  // keys with events in window m
      if (opens == 0) continue;
      const int64_t s = m * a_, block = slicing::floor_div(s, n_) * n_;
      const Aggregate* sfx = block == s ? nullptr : c.columns.suffix(block, s);
      const Aggregate* pfx = c.columns.prefix(block == s ? block : block + n_, s + n_ - 1);
      sweep(c, m, sfx, pfx, opens, em);
    }
  }
  next_fire_ = std::max(next_fire_, fired_max_ + 1);
  while (!buckets_.empty() && buckets_.first() < alive_min_) open_ -= buckets_.pop_front();
  c.columns.drop_before(alive_slice_min_);
  // Few keys with events per window: a sweep over all keys costs more than the rings would.
  if (c.swept > 8 * c.swept_emitted + (uint64_t(1) << 22)) to_rings(c);
}

template <class Assigner>
inline size_t SlicedWindows<Assigner>::bytes_of(const Columns& c) const {
  return c.columns.bytes() + c.tops.size() * sizeof(slicing::MaybeIndex);
}

template <class Assigner>
inline void SlicedWindows<Assigner>::sweep(Columns& c, int64_t m, const Aggregate* sfx,
                                           const Aggregate* pfx, uint64_t opens, Emitter& em) {
  const Window w = window(m);
  const size_t keys = c.columns.keys();
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
  c.swept += k;
  c.swept_emitted += found;
}

// Moves the slices from the columns to a ring per key, with each key's next on-time firing
// queued, and continues in that layout for the rest of the run.
template <class Assigner>
typename SlicedWindows<Assigner>::Rings& SlicedWindows<Assigner>::to_rings(Columns& c) {
  Rings r;
  const size_t keys = c.seen_keys;
  newest_ = nullptr;
  key_count_ = 0;
  column_slice_ = kNone;
  if (keys > 0) grow_keys(r, KeyId(keys - 1));
  if (!c.columns.empty()) {
    const int64_t lo = c.columns.lo(), hi = c.columns.hi();
    for (size_t k = 0; k < keys; ++k) {  // keys past seen_keys hold nothing
      KeyState& ks = r.keys[k];
      int64_t next = kNone;
      for (int64_t j = lo; j <= hi; ++j) {
        const Aggregate a = c.columns.value(j, k);
        if (a.count == 0) continue;
        ks.cover(j, j, r.ring_bytes);
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
  // The table pointers stay valid: moving a vector keeps its elements where they are.
  return layout_.template emplace<Rings>(std::move(r));
}

template <class Assigner>
inline void SlicedWindows<Assigner>::grow_columns(Columns& c, size_t keys) {
  c.columns.resize_keys(keys);
  c.tops.resize(keys);
  key_count_ = keys;
  newest_ = c.columns.empty() ? nullptr : c.columns.column(c.columns.hi());
}

}  // namespace tidemark
