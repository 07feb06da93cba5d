#pragma once
// The aggregate of a time range of sorted points, kept from one query to the next while the range
// only moves forward (both its start and its end never decrease): each point enters and leaves
// the running aggregate once, instead of every window re-walking its points.
//
// For exact values only (integers that ExactSums admits): the running sum adds and subtracts, and
// every partial sum is exact, so it equals the sum in any order of additions; min and max do not
// depend on the order. When the point leaving is the current min or max, they are recomputed from
// the range at the next query (at worst, one walk of the range, as without this).

#include <algorithm>
#include <cstdint>

#include "tidemark/core/time.hpp"
#include "tidemark/windows/aggregate.hpp"

namespace tidemark {

class ForwardRangeAggregate {
 public:
  // Forgets the range: the next query starts from a binary search.
  void reset() { valid_ = false; }

  // Count, sum, min and max of the points p[i], i in [first, size), with start <= time < end;
  // p[first, size) is sorted by time. Unless reset() was called since the last query: p has
  // only grown at its end since, `first` is the same, and start and end are no smaller.
  template <class Point>
  Aggregate query(const Point* p, uint32_t first, uint32_t size, Timestamp start, Timestamp end) {
    if (!valid_) restart(p, first, size, start);
    while (lo_ < hi_ && p[lo_].time < start) leave(p[lo_++].value);
    if (lo_ == hi_) {  // nothing left of the last range: skip to the new one
      if (lo_ < size && p[lo_].time < start) {
        restart(p, lo_, size, start);
      } else {
        clear();
      }
    }
    for (; hi_ < size && p[hi_].time < end; ++hi_) enter(p[hi_].value);
    if (lo_ == hi_) return identity();
    if (stale_) {
      min_ = max_ = p[lo_].value;
      for (uint32_t i = lo_ + 1; i < hi_; ++i) enter_min_max(p[i].value);
      stale_ = false;
    }
    return {uint64_t(hi_ - lo_), sum_, min_, max_};
  }

 private:
  template <class Point>
  void restart(const Point* p, uint32_t first, uint32_t size, Timestamp start) {
    lo_ = uint32_t(std::lower_bound(p + first, p + size, start,
                                    [](const Point& q, Timestamp t) { return q.time < t; }) -
                   p);
    hi_ = lo_;
    valid_ = true;
    clear();
  }
  void clear() {  // for an empty range
    sum_ = 0;
    min_ = identity().min;
    max_ = identity().max;
    stale_ = false;
  }
  void leave(double v) {
    sum_ -= v;
    stale_ |= v == min_ || v == max_;
  }
  void enter(double v) {
    sum_ += v;
    enter_min_max(v);
  }
  void enter_min_max(double v) {  // as combine() does
    min_ = v < min_ ? v : min_;
    max_ = v > max_ ? v : max_;
  }

  uint32_t lo_ = 0, hi_ = 0;  // the range of the last query
  double sum_ = 0;
  double min_ = 0, max_ = 0;  // of the range, unless stale_
  bool stale_ = false, valid_ = false;
};

}  // namespace tidemark
