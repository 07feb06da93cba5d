#pragma once
// The pending windows of SlidingOperator while events arrive in time order (no event before an
// earlier one, nor before the clock), as two queues of key groups instead of a calendar entry per
// window. An event at t is the newest of every key then, so its left window [t-DIFF, t+1) ends
// after every window still pending; the right window [p+1, p+DIFF+2) of an earlier event p holds
// exactly the key's events after p within DIFF+1, all arrived by the time it fires, so it exists
// iff that range is not empty. So every window is found from one event's time and key:
// - arrivals: (t, key) per key's distinct event time, in arrival (= time) order, waiting for
//   the left windows to fire at end t+1;
// - fired groups: the keys of each time whose left windows fired, sorted, waiting for their
//   right windows to fire DIFF+1 later, at end t+DIFF+2 (the test of emptiness is the firer's);
// both in end order, so the next end due is at the front of one of them; and, under grace, the
// number of windows that fired at each end and stay open until its close time.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tidemark/core/event.hpp"

namespace tidemark {

class SlidingInOrderLog {
 public:
  void add(int64_t t, KeyId key) { arrivals_.push({t, key}); }

  bool has_arrivals() const { return !arrivals_.empty(); }
  int64_t next_arrival_time() const { return arrivals_.front().t; }
  // Moves the keys of the oldest arrival time into `keys` (cleared first); returns that time.
  int64_t take_arrivals(std::vector<KeyId>& keys) {
    keys.clear();
    const int64_t t = arrivals_.front().t;
    const std::span<const Arrival> rest = arrivals_.items();
    size_t n = 0;
    for (; n < rest.size() && rest[n].t == t; ++n) keys.push_back(rest[n].key);
    arrivals_.pop(n);
    return t;
  }

  bool has_fired() const { return !groups_.empty(); }
  int64_t oldest_fired_time() const { return groups_.front().t; }
  std::span<const KeyId> oldest_fired_keys() const {
    return fired_keys_.items().first(groups_.front().size);
  }
  void push_fired(int64_t t, std::span<const KeyId> sorted_keys) {
    groups_.push({t, uint32_t(sorted_keys.size())});
    for (const KeyId k : sorted_keys) fired_keys_.push(k);
  }
  void pop_fired() {
    fired_keys_.pop(groups_.front().size);
    groups_.pop(1);
  }

  // Under grace, the windows that fired at `end` and stay open until their close time.
  void push_open_fired(int64_t end, size_t windows) { open_fired_.push({end, windows}); }
  bool has_open_fired() const { return !open_fired_.empty(); }
  int64_t oldest_open_fired_end() const { return open_fired_.front().end; }
  size_t pop_open_fired() {
    const size_t windows = open_fired_.front().windows;
    open_fired_.pop(1);
    return windows;
  }

  void clear() { *this = {}; }
  size_t bytes() const {
    return arrivals_.bytes() + groups_.bytes() + fired_keys_.bytes() + open_fired_.bytes();
  }

 private:
  // A queue in a vector whose consumed front is erased in batches.
  template <class T>
  class Queue {
   public:
    bool empty() const { return head_ == items_.size(); }
    const T& front() const { return items_[head_]; }
    std::span<const T> items() const { return std::span<const T>(items_).subspan(head_); }
    void push(const T& v) { items_.push_back(v); }
    void pop(size_t n) {
      head_ += n;
      if (head_ == items_.size()) {
        items_.clear();
        head_ = 0;
      } else if (head_ >= 4096 && 2 * head_ >= items_.size()) {
        items_.erase(items_.begin(), items_.begin() + ptrdiff_t(head_));
        head_ = 0;
      }
    }
    size_t bytes() const { return items_.capacity() * sizeof(T); }

   private:
    std::vector<T> items_;
    size_t head_ = 0;
  };
  struct Arrival {
    int64_t t;
    KeyId key;
  };
  struct Group {
    int64_t t;
    uint32_t size;  // its keys are the next `size` of fired_keys_
  };
  struct OpenFired {
    int64_t end;
    size_t windows;
  };
  Queue<Arrival> arrivals_;
  Queue<Group> groups_;
  Queue<KeyId> fired_keys_;
  Queue<OpenFired> open_fired_;
};

}  // namespace tidemark
