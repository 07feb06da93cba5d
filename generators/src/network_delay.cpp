#include "tidemark/generators/network_delay.hpp"

#include <array>

namespace tidemark::gen {

NetworkDelay::NetworkDelay(const Distribution& d, uint64_t seed)
    : dist_(d), rng_(seed), none_(d.is_none()) {}

void NetworkDelay::fill(std::span<int64_t> out) {
  if (none_) {
    std::fill(out.begin(), out.end(), 0);
    return;
  }
  std::array<double, 256> delays;
  for (size_t i = 0; i < out.size(); i += delays.size()) {
    const std::span<double> d = std::span(delays).first(std::min(delays.size(), out.size() - i));
    dist_.fill(rng_, normal_, d);
    for (size_t j = 0; j < d.size(); ++j) {
      out[i + j] = int64_t(std::clamp(d[j], 0.0, kMaxDelayMs) + 0.5);
    }
  }
}

}  // namespace tidemark::gen
