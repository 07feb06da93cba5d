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
    const int64_t into = align_remainder(t, size_, offset_);  // t - start
    return {Timestamp{saturating_sub(t.ms, into)},
            Timestamp{saturating_add(t.ms, size_.ms - into)}};
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
  // Each window is placed by how far t lies into it (below size), so that starts and ends near
  // int64's ends saturate one by one and the loop needs no saturating step.
  void assign(Timestamp t, std::vector<Window>& out) const {
    out.clear();
    const int64_t newest = align_remainder(t, advance_, offset_);  // t - newest start
    const int64_t older = (size_.ms - 1 - newest) / advance_.ms;   // windows before it
    for (int64_t into = newest + older * advance_.ms;; into -= advance_.ms) {
      out.push_back({Timestamp{saturating_sub(t.ms, into)},
                     Timestamp{saturating_add(t.ms, size_.ms - into)}});
      if (into == newest) break;
    }
  }
  int64_t max_windows() const { return (size_.ms + advance_.ms - 1) / advance_.ms; }
  Duration size() const { return size_; }
  Duration advance() const { return advance_; }
  Duration offset() const { return offset_; }

 private:
  Duration size_, advance_, offset_;
};

}  // namespace tidemark
