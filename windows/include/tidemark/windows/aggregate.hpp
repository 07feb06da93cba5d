#pragma once
// The aggregate algebra (lift / combine / lower / identity) behind count, sum, min, max, mean:
// every window algorithm works with it, and partial aggregates combine associatively.

#include <cstdint>
#include <limits>

#include "tidemark/core/emission.hpp"

namespace tidemark {

struct Aggregate {
  uint64_t count = 0;
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
};

constexpr Aggregate identity() { return {}; }
constexpr Aggregate lift(double v) { return {1, v, v, v}; }
constexpr Aggregate combine(const Aggregate& a, const Aggregate& b) {
  return {a.count + b.count, a.sum + b.sum, a.min < b.min ? a.min : b.min,
          a.max > b.max ? a.max : b.max};
}
constexpr WindowStats lower(const Aggregate& a) {
  if (a.count == 0) return {};
  return {a.count, a.sum, a.min, a.max, a.sum / double(a.count)};
}

}  // namespace tidemark
