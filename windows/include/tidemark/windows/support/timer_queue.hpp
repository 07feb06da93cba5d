#pragma once
// Pending window firings, popped in the order docs/design.md §5 fixes: fire time, then end,
// key, start.

#include <functional>
#include <queue>
#include <vector>

#include "tidemark/core/event.hpp"
#include "tidemark/core/time/time.hpp"

namespace tidemark {

struct Timer {
  Timestamp due;
  Timestamp end;
  KeyId key;
  Timestamp start;
  friend constexpr auto operator<=>(const Timer&, const Timer&) = default;
};

// A min-heap of timers over a reused vector (no allocation once it has grown).
class TimerQueue {
 public:
  void push(const Timer& t) { heap_.push(t); }
  bool due(Timestamp clock) const { return !heap_.empty() && heap_.top().due <= clock; }
  Timer pop() {
    Timer t = heap_.top();
    heap_.pop();
    return t;
  }
  size_t size() const { return heap_.size(); }

 private:
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> heap_;
};

}  // namespace tidemark
