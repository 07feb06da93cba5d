#pragma once
// The aggregate algebra (lift / combine / lower / identity) behind count, sum, min, max, mean:
// every window algorithm works with it, and partial aggregates combine associatively.

#include <cmath>
#include <cstdint>
#include <limits>

#include "tidemark/core/output/emission.hpp"

namespace tidemark {

struct Aggregate {
  uint64_t count = 0;
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
};

constexpr Aggregate identity() {
  return {};
}
constexpr Aggregate lift(double v) {
  return {1, v, v, v};
}
constexpr Aggregate combine(const Aggregate& a, const Aggregate& b) {
  return {a.count + b.count, a.sum + b.sum, a.min < b.min ? a.min : b.min,
          a.max > b.max ? a.max : b.max};
}
// Admits values while every sum over them stays exact in any order of additions: integers (not
// -0) below 2^31 in magnitude whose total magnitude stays below 2^53. Operators that regroup
// additions (slices, lazily computed windows) may do so only while it admits every value.
class ExactSums {
 public:
  // Forced inline: it runs on the per-event fast path, where a call costs more than the test.
  [[gnu::always_inline]] bool admit(double v) {
    const double mag = std::fabs(v);
    if (!(mag < 0x1p31)) return false;
    const int64_t i = int64_t(v);
    if (double(i) != v || (i == 0 && std::signbit(v))) return false;
    abs_total_ += mag;
    return abs_total_ < 0x1p53;
  }

 private:
  double abs_total_ = 0;  // sum of |value| over the values admitted so far
};

constexpr WindowStats lower(const Aggregate& a) {
  if (a.count == 0) return {};
  return {a.count, a.sum, a.min, a.max, a.sum / double(a.count)};
}

}  // namespace tidemark
