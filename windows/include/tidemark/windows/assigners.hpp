#pragma once
// Window assigners for fixed-size time windows: which windows an event time falls into.

#include <vector>

#include "tidemark/core/window.hpp"

namespace tidemark {

// Tumbling: the one window [align_down(t), +SIZE).
class TumblingAssigner {
 public:
  TumblingAssigner(Duration size, Duration offset) : size_(size), offset_(offset) {}
  Window window_of(Timestamp t) const {
    const Timestamp s = align_down(t, size_, offset_);
    return {s, s + size_};
  }
  void assign(Timestamp t, std::vector<Window>& out) const {
    out.clear();
    out.push_back(window_of(t));
  }
  size_t max_windows() const { return 1; }
  Duration size() const { return size_; }
  Duration advance() const { return size_; }
  Duration offset() const { return offset_; }

 private:
  Duration size_, offset_;
};

// Hopping: every [s, s+SIZE) with s = OFFSET (mod ADVANCE) and t - SIZE < s <= t, newest last.
class HoppingAssigner {
 public:
  HoppingAssigner(Duration size, Duration advance, Duration offset)
      : size_(size), advance_(advance), offset_(offset) {}
  void assign(Timestamp t, std::vector<Window>& out) const {
    out.clear();
    const Timestamp last = align_down(t, advance_, offset_);
    const Timestamp lower = t - size_;  // exclusive bound on starts
    const int64_t older = (last.ms - lower.ms - 1) / advance_.ms;  // windows before `last`
    Timestamp s{last.ms - older * advance_.ms};
    for (; s <= last; s = s + advance_) out.push_back({s, s + size_});
  }
  int64_t max_windows() const { return (size_.ms + advance_.ms - 1) / advance_.ms; }
  Duration size() const { return size_; }
  Duration advance() const { return advance_; }
  Duration offset() const { return offset_; }

 private:
  Duration size_, advance_, offset_;
};

}  // namespace tidemark
