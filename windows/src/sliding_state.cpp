#include "tidemark/windows/sliding_state.hpp"

namespace tidemark {

Aggregate SlidingState::aggregate(const KeyState& k, Window w) {
  // Branch-free lower bound of w.start: the probes are unpredictable.
  const Point* first = k.points.data() + k.phead;
  const Point* const last = k.points.data() + k.points.size();
  for (size_t n = size_t(last - first); n > 1;) {
    const size_t half = n / 2;
    first = first[half - 1].time < w.start ? first + half : first;
    n -= half;
  }
  if (first != last && first->time < w.start) ++first;
  Aggregate a = identity();
  for (; first != last && first->time < w.end; ++first) a = combine(a, lift(first->value));
  return a;
}

// Every open window's aggregate from its events: exact integers, so equal to what the eager
// path would have accumulated in its own order.
void SlidingState::leave_exact() {
  exact_ = false;
  aggs_.resize(keys_.size());
  for (size_t key = 0; key < keys_.size(); ++key) {
    const KeyState& k = keys_[key];
    std::vector<Aggregate>& aggs = aggs_[key];
    const size_t before = aggs.capacity();
    aggs.assign(k.starts.size(), identity());
    agg_capacity_ += aggs.capacity() - before;
    for (size_t i = k.head; i < k.starts.size(); ++i) {
      aggs[i] = aggregate(k, window_at(k.starts[i]));
    }
  }
}

// Drops events that no window able to accept events will need: the last window an event p
// matters to is its right window, ending at p + DIFF + 2 and closing `allowed` later.
void SlidingState::trim(KeyState& k, Timestamp keep) {
  PooledArray<Point>& points = k.points;
  size_t h = k.phead;
  if (h < points.size() && points.back().time < keep) {
    h = points.size();  // all of them (at the end of a run): no walk through cold lines
  } else {
    while (h < points.size() && points[h].time < keep) ++h;
  }
  const size_t gone = h - k.phead;
  if (gone == 0) return;
  point_count_ -= gone;
  dead_points_ += gone;
  const uint32_t first = uint32_t(h);
  if (h == points.size() || (h >= 16 && 2 * h >= points.size())) {
    points.erase(0, h);
    dead_points_ -= h;
    h = 0;
  }
  k.next_fired.drop_before(first, first - uint32_t(h));
  k.phead = uint32_t(h);
}

}  // namespace tidemark
