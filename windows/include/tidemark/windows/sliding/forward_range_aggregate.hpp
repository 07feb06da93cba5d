#pragma once
// The aggregate of a time range of sorted points, kept from one query to the next while the range
// only moves forward (both its start and its end never decrease): each point enters and leaves
// the running aggregate once, instead of every window re-walking its points.
//
// For exact values only (integers that ExactSums admits, so within int32): the running sum adds
// and subtracts, and every partial sum is exact, so it equals the sum in any order of additions;
// min and max do not depend on the order. When the point leaving is the current min or max, they
// are recomputed from the range at the next query (at worst, one walk of the range, as without
// this). 24 bytes, so that it fits in a key's cache line beside the key's other state.

#include <algorithm>
#include <cstdint>
#include <limits>

#include "tidemark/core/time/time.hpp"
#include "tidemark/windows/aggregate/aggregate.hpp"

namespace tidemark {

class ForwardRangeAggregate {
 public:
  // Forgets the range: the next query starts from a binary search.
  void reset() {
    lo_ = 1;
    hi_ = 0;
  }

  // Index of the first point of the last range, or `otherwise` after reset(): where the next
  // query starts reading (for a prefetch).
  uint32_t first_or(uint32_t otherwise) const { return lo_ <= hi_ ? lo_ : otherwise; }

  // Points before `first` are dropped, and the ones from `first` on move down by `moved` places
  // (0 if they stay): the range is kept unless it held a dropped point.
  void drop_before(uint32_t first, uint32_t moved) {
    if (lo_ > hi_) return;
    if (lo_ < first) {
      reset();
    } else {
      lo_ -= moved;
      hi_ -= moved;
    }
  }

  // Count, sum, min and max of the points p[i], i in [first, size), with start <= time < end;
  // p[first, size) is sorted by time. Unless reset() was called since the last query: p has
  // only grown at its end since (or lost points through drop_before()), and start and end are
  // no smaller.
  template <class Point>
  Aggregate query(const Point* p, uint32_t first, uint32_t size, Timestamp start, Timestamp end) {
    if (lo_ > hi_) restart(p, first, size, start);
    while (lo_ < hi_ && p[lo_].time < start) leave(p[lo_++].value);
    if (lo_ == hi_) {  // nothing left of the last range: skip to the new one
      if (lo_ < size && p[lo_].time < start) {
        restart(p, lo_, size, start);
      } else {
        sum_ = 0;
      }
    }
    for (; hi_ < size && p[hi_].time < end; ++hi_) enter(p[hi_].value);
    if (lo_ == hi_) return identity();
    if (min_ > max_) {  // stale
      min_ = max_ = int32_t(p[lo_].value);
      for (uint32_t i = lo_ + 1; i < hi_; ++i) {
        const int32_t v = int32_t(p[i].value);
        min_ = std::min(min_, v);
        max_ = std::max(max_, v);
      }
    }
    return {uint64_t(hi_ - lo_), sum_, double(min_), double(max_)};
  }

 private:
  static constexpr int32_t kStaleMin = std::numeric_limits<int32_t>::max();
  static constexpr int32_t kStaleMax = std::numeric_limits<int32_t>::min();  // no value is this

  template <class Point>
  void restart(const Point* p, uint32_t first, uint32_t size, Timestamp start) {
    lo_ = uint32_t(std::lower_bound(p + first, p + size, start,
                                    [](const Point& q, Timestamp t) { return q.time < t; }) -
                   p);
    hi_ = lo_;
    sum_ = 0;
  }
  void leave(double v) {
    sum_ -= v;
    const int32_t i = int32_t(v);
    if (i == min_ || i == max_) {
      min_ = kStaleMin;
      max_ = kStaleMax;
    }
  }
  void enter(double v) {  // before ++hi_
    sum_ += v;
    const int32_t i = int32_t(v);
    if (lo_ == hi_) {  // into an empty range
      min_ = max_ = i;
    } else if (min_ <= max_) {
      min_ = std::min(min_, i);
      max_ = std::max(max_, i);
    }
  }

  uint32_t lo_ = 1, hi_ = 0;  // the range of the last query; none (reset) if lo_ > hi_
  double sum_ = 0;
  int32_t min_ = kStaleMin, max_ = kStaleMax;  // of the range; stale (recomputed) if min_ > max_
};

}  // namespace tidemark
