#pragma once
// Continuous samplers of our own over Rng. They use only IEEE arithmetic, sqrt (correctly rounded
// everywhere) and std::log / std::exp, which glibc on x86_64 computes identically across its
// versions; a libm with different last-bit rounding could change the last digit of a sample.
// The generators target is built with -ffp-contract=off so no compiler fuses a*b+c differently.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>

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
    const Pair p = pair(rng);
    spare_ = p.second;
    has_spare_ = true;
    return p.first;
  }
  // out[i] = (*this)(rng) for each i in order. Whole pairs go a chunk at a time: first the
  // accepted points in draw order (kept or overwritten without a branch, which would mispredict
  // on a fifth of the draws), then their scale factors, whose logs and roots then overlap.
  void fill(Rng& rng, std::span<double> out) {
    size_t i = 0;
    if (has_spare_ && !out.empty()) {
      out[i++] = spare_;
      has_spare_ = false;
    }
    constexpr size_t kChunk = 64;
    double u[kChunk], v[kChunk], s[kChunk];
    while (out.size() - i >= 2) {
      const size_t pairs = std::min((out.size() - i) / 2, kChunk);
      for (size_t k = 0; k < pairs;) {
        u[k] = 2.0 * rng.uniform() - 1.0;
        v[k] = 2.0 * rng.uniform() - 1.0;
        s[k] = u[k] * u[k] + v[k] * v[k];
        k += size_t(accepted(s[k]));
      }
      for (size_t k = 0; k < pairs; ++k) {
        const double f = scale(s[k]);
        out[i++] = u[k] * f;
        out[i++] = v[k] * f;
      }
    }
    if (i < out.size()) out[i] = (*this)(rng);
  }

 private:
  struct Pair {
    double first, second;
  };
  // A point (u, v) of the square is used when s = u^2 + v^2 lies in the unit disc, but not 0.
  static bool accepted(double s) { return s < 1.0 && s != 0.0; }
  static double scale(double s) { return std::sqrt(-2.0 * std::log(s) / s); }
  static Pair pair(Rng& rng) {
    double u, v, s;
    do {
      u = 2.0 * rng.uniform() - 1.0;
      v = 2.0 * rng.uniform() - 1.0;
      s = u * u + v * v;
    } while (!accepted(s));
    const double f = scale(s);
    return {u * f, v * f};
  }

  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace tidemark::gen
