#include "tidemark/generators/rounding.hpp"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "test_support.hpp"

using namespace tidemark::gen;

namespace {

uint64_t bits(double x) {
  return std::bit_cast<uint64_t>(x);
}

// Halves, near-halves, signed zeros, the 2^52 boundary, huge values, inf and NaN.
std::vector<double> edge_cases() {
  std::vector<double> v = {0.0,
                           -0.0,
                           0.3,
                           -0.3,
                           0.5,
                           -0.5,
                           1.5,
                           -1.5,
                           2.5,
                           -2.5,
                           0.49999999999999994,
                           -0.49999999999999994,
                           1e-300,
                           -1e-300,
                           0x1p52,
                           -0x1p52,
                           0x1p52 - 0.5,
                           -(0x1p52 - 0.5),
                           0x1p52 + 1,
                           0x1p53 + 2,
                           1e300,
                           -1e300,
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()};
  for (double h = 0.5; h < 1e6; h += 1.0) v.push_back(h), v.push_back(-h);
  for (double x : {123.45, 2004.5, 1999.9999999999998}) v.push_back(x), v.push_back(-x);
  return v;
}

}  // namespace

TEST_CASE("nearbyint_exact equals std::nearbyint bit for bit", "[generators]") {
  for (double x : edge_cases()) {
    INFO(x);
    REQUIRE(bits(nearbyint_exact(x)) == bits(std::nearbyint(x)));
  }
  CHECK(std::isnan(nearbyint_exact(std::numeric_limits<double>::quiet_NaN())));
  tidemark::test::Rng rng(7);
  for (int i = 0; i < 1'000'000; ++i) {
    // Random bit patterns (all exponents) and values the generator rounds (x * 100 of values).
    const double any = std::bit_cast<double>(rng.next());
    const double value = double(int64_t(rng.next() % 2'000'000) - 1'000'000) / 7.0;
    if (!std::isnan(any)) REQUIRE(bits(nearbyint_exact(any)) == bits(std::nearbyint(any)));
    REQUIRE(bits(nearbyint_exact(value)) == bits(std::nearbyint(value)));
  }
}

TEST_CASE("floor_to_int64 equals int64_t(std::floor(x))", "[generators]") {
  for (double x : edge_cases()) {
    if (!(std::fabs(x) < 0x1p62)) continue;
    INFO(x);
    REQUIRE(floor_to_int64(x) == int64_t(std::floor(x)));
  }
  tidemark::test::Rng rng(8);
  for (int i = 0; i < 1'000'000; ++i) {
    // Clock drift corrections: up to +-1e10 ms with fractions, plus 0.5 as DeviceClocks adds.
    const double x = double(int64_t(rng.next() % 20'000'000'001) - 10'000'000'000) / 997.0 + 0.5;
    REQUIRE(floor_to_int64(x) == int64_t(std::floor(x)));
  }
}
