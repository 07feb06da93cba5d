#pragma once
// Pending firings with at most one timer per key: an indexed binary min-heap over keys, popped in
// the order of docs/design.md §5 (fire time, then end, key, start). Moving a key's timer is
// O(log keys), so operators that know each key's next window keep the heap at the size of the
// key set.

#include <cstdint>
#include <vector>

#include "tidemark/core/event.hpp"
#include "tidemark/core/time/time.hpp"
#include "tidemark/windows/support/timer_queue.hpp"

namespace tidemark::test {

class KeyedTimerQueue {
 public:
  // Sets the timer of t.key, replacing the one it had.
  void set(const Timer& t) {
    if (t.key >= pos_.size()) pos_.resize(size_t(t.key) + 1, kNone);
    uint32_t i = pos_[t.key];
    if (i == kNone) {
      i = uint32_t(heap_.size());
      heap_.push_back(t);
      sift_up(i);
      return;
    }
    const bool earlier = t < heap_[i];
    heap_[i] = t;
    if (earlier) {
      sift_up(i);
    } else {
      sift_down(i);
    }
  }
  // Drops the timer of `key`, if any.
  void remove(KeyId key) {
    if (key >= pos_.size() || pos_[key] == kNone) return;
    const uint32_t i = pos_[key];
    pos_[key] = kNone;
    const Timer last = heap_.back();
    heap_.pop_back();
    if (i == heap_.size()) return;
    heap_[i] = last;
    pos_[last.key] = i;
    sift_up(i);
    sift_down(pos_[last.key]);
  }
  bool due(Timestamp clock) const { return !heap_.empty() && heap_.front().due <= clock; }
  const Timer& top() const { return heap_.front(); }
  size_t size() const { return heap_.size(); }
  size_t bytes() const {
    return heap_.capacity() * sizeof(Timer) + pos_.capacity() * sizeof(uint32_t);
  }

 private:
  static constexpr uint32_t kNone = ~uint32_t{0};

  void place(uint32_t i, const Timer& t) {
    heap_[i] = t;
    pos_[t.key] = i;
  }
  void sift_up(uint32_t i) {
    const Timer t = heap_[i];
    while (i > 0) {
      const uint32_t parent = (i - 1) / 2;
      if (!(t < heap_[parent])) break;
      place(i, heap_[parent]);
      i = parent;
    }
    place(i, t);
  }
  void sift_down(uint32_t i) {
    const Timer t = heap_[i];
    const uint32_t n = uint32_t(heap_.size());
    for (;;) {
      uint32_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap_[child + 1] < heap_[child]) ++child;
      if (!(heap_[child] < t)) break;
      place(i, heap_[child]);
      i = child;
    }
    place(i, t);
  }

  std::vector<Timer> heap_;
  std::vector<uint32_t> pos_;  // per key: index in heap_, or kNone
};

}  // namespace tidemark::test
