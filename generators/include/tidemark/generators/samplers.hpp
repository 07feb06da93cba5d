#pragma once
// Continuous samplers of our own over Rng. They use only IEEE arithmetic, sqrt (correctly rounded
// everywhere) and std::log / std::exp, which glibc on x86_64 computes identically across its
// versions; a libm with different last-bit rounding could change the last digit of a sample.
// The generators target is built with -ffp-contract=off so no compiler fuses a*b+c differently.

#include <cmath>

#include "tidemark/generators/random.hpp"

namespace tidemark::gen {

// Exponential with the given mean (inverse CDF on 1-U, which lies in (0, 1]).
inline double sample_exponential(Rng& rng, double mean) {
  return -mean * std::log(1.0 - rng.uniform());
}

// Pareto with scale xm (the minimum) and shape alpha: xm / (1-U)^(1/alpha).
inline double sample_pareto(Rng& rng, double xm, double alpha) {
  return xm * std::exp(-std::log(1.0 - rng.uniform()) / alpha);
}

// Standard normal by Marsaglia's polar method (no sin/cos); keeps the second value of each pair.
class NormalSampler {
 public:
  double operator()(Rng& rng) {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * rng.uniform() - 1.0;
      v = 2.0 * rng.uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

 private:
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace tidemark::gen
