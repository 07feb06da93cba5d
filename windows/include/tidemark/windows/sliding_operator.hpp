#pragma once
// Record-driven sliding windows with the semantics of Kafka Streams' SlidingWindows: two events
// share a window iff their times differ by at most DIFF; each distinct set of events is one
// window. Candidate starts are t - DIFF (left windows) and t + 1 (right windows) of the events.

#include <vector>

#include "tidemark/core/emitter.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/lateness.hpp"
#include "tidemark/windows/aggregate.hpp"
#include "tidemark/windows/keyed_state.hpp"
#include "tidemark/windows/timer_queue.hpp"

namespace tidemark {

class SlidingOperator {
 public:
  SlidingOperator(Duration difference, LatenessPolicy policy)
      : diff_(difference), policy_(policy) {}

  void fire(Timestamp clock, Emitter& em);
  bool add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em);
  size_t open_windows() const { return slots_->size(); }
  size_t state_bytes() const;

 private:
  struct Slot {
    Aggregate agg;
    bool fired = false;
  };
  struct Point {
    Timestamp time;
    double value;
  };
  using Points = std::vector<Point>;  // accepted events of a key, sorted by time

  Window window_at(Timestamp start) const { return {start, start + Duration{diff_.ms + 1}}; }
  Aggregate aggregate(const Points& points, Window w) const;
  // Creates or updates the window at `start`; `with` is the new event's value, if it is inside.
  bool apply(KeyId key, const Points& points, Timestamp start, const Aggregate& with,
             Timestamp clock, Emitter& em);
  void trim(Points& points, Timestamp clock);

  Duration diff_;
  LatenessPolicy policy_;
  PooledMap<WindowKey, Slot, WindowKeyHash> slots_;
  PooledMap<KeyId, Points> points_;
  size_t point_count_ = 0;
  TimerQueue fires_, purges_;
  std::vector<Timestamp> starts_;  // reused per event
};

}  // namespace tidemark
