#pragma once
// Transport delay from send to receive, in whole milliseconds of true time.

#include <algorithm>
#include <cstdint>
#include <span>

#include "tidemark/generators/distribution.hpp"
#include "tidemark/generators/random.hpp"

namespace tidemark::gen {

// Samples the delay distribution, rounded to the nearest ms and capped at kMaxDelayMs so a
// heavy (Pareto) tail cannot push times past year 9999.
class NetworkDelay {
 public:
  static constexpr double kMaxDelayMs = 30.0 * 86'400'000;  // 30 days
  NetworkDelay(const Distribution& d, uint64_t seed);

  int64_t sample() {
    if (none_) return 0;
    const double d = dist_.sample(rng_, normal_);
    return int64_t(std::clamp(d, 0.0, kMaxDelayMs) + 0.5);
  }
  // out[i] = sample() for each i in order.
  void fill(std::span<int64_t> out);

 private:
  Distribution dist_;
  Rng rng_;
  NormalSampler normal_;
  bool none_;
};

}  // namespace tidemark::gen
