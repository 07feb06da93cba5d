#include "tidemark/generators/distribution.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/time/time.hpp"

namespace tidemark::gen {

namespace {

struct KindName {
  Distribution::Kind kind;
  std::string_view name;
  int params;
};
constexpr KindName kKinds[] = {
    {Distribution::Kind::kNone, "none", 0},
    {Distribution::Kind::kFixed, "fixed", 1},
    {Distribution::Kind::kUniform, "uniform", 2},
    {Distribution::Kind::kExponential, "exponential", 1},
    {Distribution::Kind::kNormal, "normal", 2},
    {Distribution::Kind::kLognormal, "lognormal", 2},
    {Distribution::Kind::kPareto, "pareto", 2},
};

std::string number_text(double v) {
  return fmt::format("{}", v);
}

}  // namespace

Distribution Distribution::parse(std::string_view text, std::string_view option, bool durations) {
  auto fail = [&](std::string_view why) -> Distribution {
    throw ConfigError(fmt::format(
        "--{} {}: {} (write none, fixed:A, uniform:A,B, exponential:MEAN, normal:MEAN,SD, "
        "lognormal:MEDIAN,SIGMA or pareto:SCALE,SHAPE{})",
        option, text, why, durations ? " with durations such as 50ms or 2s" : ""));
  };
  Distribution d;
  d.durations = durations;
  const size_t colon = text.find(':');
  std::string_view name = text.substr(0, colon);
  if (name == "exp") name = "exponential";
  const KindName* k = nullptr;
  for (const KindName& kn : kKinds) {
    if (kn.name == name) k = &kn;
  }
  if (!k) return fail(fmt::format("unknown distribution \"{}\"", name));
  d.kind = k->kind;
  std::vector<std::string_view> args;
  if (colon != std::string_view::npos) {
    std::string_view rest = text.substr(colon + 1);
    while (true) {
      const size_t comma = rest.find(',');
      args.push_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (int(args.size()) != k->params) {
    return fail(fmt::format("{} takes {} parameter(s), got {}", k->name, k->params, args.size()));
  }
  // Which parameters are durations: SIGMA (lognormal) and SHAPE (pareto) are plain numbers.
  auto value = [&](size_t i) -> double {
    const bool as_duration =
        durations && !(i == 1 && (d.kind == Kind::kLognormal || d.kind == Kind::kPareto));
    if (as_duration) return double(parse_duration(args[i], option).ms);
    double v = 0;
    const std::string_view s = args[i];
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v)) {
      fail(fmt::format("\"{}\" is not a number", s));
    }
    return v;
  };
  if (k->params >= 1) d.a = value(0);
  if (k->params >= 2) d.b = value(1);
  const bool nonneg = durations;  // delays and widths cannot be negative
  switch (d.kind) {
    case Kind::kNone:
      break;
    case Kind::kFixed:
      if (nonneg && d.a < 0) fail("must be >= 0");
      break;
    case Kind::kUniform:
      if (d.b < d.a) fail("needs A <= B");
      if (nonneg && d.a < 0) fail("must be >= 0");
      break;
    case Kind::kExponential:
      if (!(d.a > 0)) fail("the mean must be > 0");
      break;
    case Kind::kNormal:
      if (d.b < 0) fail("the standard deviation must be >= 0");
      if (nonneg) fail("a normal distribution can go negative; not allowed here");
      break;
    case Kind::kLognormal:
      if (!(d.a > 0) || d.b < 0) fail("needs MEDIAN > 0 and SIGMA >= 0");
      break;
    case Kind::kPareto:
      if (!(d.a > 0) || !(d.b > 0)) fail("needs SCALE > 0 and SHAPE > 0");
      break;
  }
  return d;
}

std::string Distribution::to_string() const {
  auto v = [&](double x, size_t i) {
    const bool as_duration =
        durations && !(i == 1 && (kind == Kind::kLognormal || kind == Kind::kPareto));
    return as_duration ? format_duration(Duration{int64_t(x)}) : number_text(x);
  };
  for (const KindName& kn : kKinds) {
    if (kn.kind != kind) continue;
    if (kn.params == 0) return std::string(kn.name);
    if (kn.params == 1) return fmt::format("{}:{}", kn.name, v(a, 0));
    return fmt::format("{}:{},{}", kn.name, v(a, 0), v(b, 1));
  }
  return "?";
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::kNone:
      return 0;
    case Kind::kFixed:
      return a;
    case Kind::kUniform:
      return (a + b) / 2;
    case Kind::kExponential:
      return a;
    case Kind::kNormal:
      return a;
    case Kind::kLognormal:
      return a * std::exp(b * b / 2);
    case Kind::kPareto:
      return b > 1 ? a * b / (b - 1) : std::numeric_limits<double>::infinity();
  }
  return 0;
}

void Distribution::fill(Rng& rng, NormalSampler& normal, std::span<double> out) const {
  switch (kind) {
    case Kind::kNone:
      for (double& x : out) x = 0;
      return;
    case Kind::kFixed:
      for (double& x : out) x = a;
      return;
    case Kind::kUniform:
      for (double& x : out) x = a + (b - a) * rng.uniform();
      return;
    case Kind::kExponential:
      for (double& x : out) x = sample_exponential(rng, a);
      return;
    case Kind::kNormal:
      normal.fill(rng, out);
      for (double& x : out) x = a + b * x;
      return;
    case Kind::kLognormal:
      normal.fill(rng, out);
      for (double& x : out) x = a * std::exp(b * x);
      return;
    case Kind::kPareto:
      for (double& x : out) x = sample_pareto(rng, a, b);
      return;
  }
}

}  // namespace tidemark::gen
