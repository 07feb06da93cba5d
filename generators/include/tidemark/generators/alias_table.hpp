#pragma once
// Sampling from a fixed discrete distribution in O(1) per draw (Vose's alias method).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tidemark/generators/random.hpp"

namespace tidemark::gen {

// A discrete distribution over 0..n-1 with given (unnormalised, positive) weights. Construction
// is a fixed algorithm, so draws are reproducible for a seed.
class AliasTable {
 public:
  explicit AliasTable(const std::vector<double>& weights);
  // Zipf popularity: weight of rank i (0-based) is 1 / (i+1)^s.
  static AliasTable zipf(uint32_t n, double s);

  uint32_t operator()(Rng& rng) const {
    const uint32_t i = uint32_t(rng.below(prob_.size()));
    const double u = rng.uniform();
    // A select by mask, not a branch: the outcome is a coin flip for most entries.
    const uint32_t keep = 0u - uint32_t(u < prob_[i]);
    return (i & keep) | (alias_[i] & ~keep);
  }
  size_t size() const { return prob_.size(); }

 private:
  std::vector<double> prob_;
  std::vector<uint32_t> alias_;
};

}  // namespace tidemark::gen
