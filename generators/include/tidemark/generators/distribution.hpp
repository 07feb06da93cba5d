#pragma once
// A one-dimensional distribution written as text (`lognormal:50ms,1.0`), parsed once with the
// offending value in the message, and sampled with our own samplers.

#include <span>
#include <string>
#include <string_view>

#include "tidemark/generators/random.hpp"
#include "tidemark/generators/samplers.hpp"

namespace tidemark::gen {

// none | fixed:A | uniform:A,B | exponential:MEAN | normal:MEAN,SD | lognormal:MEDIAN,SIGMA |
// pareto:SCALE,SHAPE. A and B are durations (`250ms`, `2s`) for time distributions and plain
// numbers for values; SIGMA and SHAPE are always plain numbers.
struct Distribution {
  enum class Kind { kNone, kFixed, kUniform, kExponential, kNormal, kLognormal, kPareto };
  Kind kind = Kind::kNone;
  double a = 0, b = 0;  // parameters in ms (durations) or plain units, as listed above
  bool durations = true;

  // Throws ConfigError naming `option` and the text. `durations`: A/B are durations.
  static Distribution parse(std::string_view text, std::string_view option, bool durations);
  std::string to_string() const;
  bool is_none() const { return kind == Kind::kNone; }
  // Mean of the distribution (+inf for Pareto with shape <= 1).
  double mean() const;

  double sample(Rng& rng, NormalSampler& normal) const {
    switch (kind) {
      case Kind::kNone:
        return 0;
      case Kind::kFixed:
        return a;
      case Kind::kUniform:
        return a + (b - a) * rng.uniform();
      case Kind::kExponential:
        return sample_exponential(rng, a);
      case Kind::kNormal:
        return a + b * normal(rng);
      case Kind::kLognormal:
        return a * std::exp(b * normal(rng));
      case Kind::kPareto:
        return sample_pareto(rng, a, b);
    }
    return 0;
  }
  // out[i] = sample(rng, normal) for each i in order; one dispatch for the whole span.
  void fill(Rng& rng, NormalSampler& normal, std::span<double> out) const;
};

}  // namespace tidemark::gen
