#include "tidemark/windows/sliding/sliding_state.hpp"

namespace tidemark {

Aggregate aggregate_of(const SlidingKeyState& k, Window w) {
  // Branch-free lower bound of w.start: the probes are unpredictable.
  const SlidingPoint* first = k.points.data() + k.phead;
  const SlidingPoint* const last = k.points.data() + k.points.size();
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
