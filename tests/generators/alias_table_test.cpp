// Vose's alias method: draws follow the weights, zero weights are never drawn.
#include "tidemark/generators/alias_table.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

using tidemark::gen::AliasTable;
using tidemark::gen::Rng;

namespace {

std::vector<double> shares(const AliasTable& table, uint64_t seed, size_t draws) {
  Rng rng(seed);
  std::vector<double> count(table.size(), 0);
  for (size_t i = 0; i < draws; ++i) {
    const uint32_t k = table(rng);
    REQUIRE(k < table.size());
    count[k] += 1;
  }
  for (double& c : count) c /= double(draws);
  return count;
}

// Within 5 standard errors of a share estimated from n draws: sqrt(p(1-p)/n).
void check_shares(const std::vector<double>& got, const std::vector<double>& weights, size_t n) {
  double total = 0;
  for (double w : weights) total += w;
  for (size_t k = 0; k < weights.size(); ++k) {
    const double p = weights[k] / total;
    INFO("outcome " << k);
    CHECK(got[k] == Approx(p).margin(5 * std::sqrt(p * (1 - p) / double(n)) + 1e-12));
  }
}

}  // namespace

TEST_CASE("alias table draws follow unequal weights", "[alias_table]") {
  const std::vector<double> weights = {1, 2, 3, 4, 0.5, 9.5};
  const size_t n = 400'000;
  check_shares(shares(AliasTable(weights), 1, n), weights, n);
}

TEST_CASE("alias table never draws a zero weight", "[alias_table]") {
  const std::vector<double> weights = {0, 1, 0, 3, 0};
  const auto got = shares(AliasTable(weights), 2, 200'000);
  CHECK(got[0] == 0);
  CHECK(got[2] == 0);
  CHECK(got[4] == 0);
  check_shares(got, weights, 200'000);
}

TEST_CASE("a one-outcome alias table always draws it", "[alias_table]") {
  const AliasTable one({7.0});
  Rng rng(3);
  for (int i = 0; i < 1000; ++i) REQUIRE(one(rng) == 0);
}

TEST_CASE("zipf alias table gives rank i the weight 1/(i+1)^s", "[alias_table]") {
  const uint32_t n = 50;
  const double s = 1.3;
  std::vector<double> weights(n);
  for (uint32_t i = 0; i < n; ++i) weights[i] = std::pow(double(i + 1), -s);
  const size_t draws = 400'000;
  check_shares(shares(AliasTable::zipf(n, s), 4, draws), weights, draws);
}

TEST_CASE("alias table draws are the same for a seed", "[alias_table]") {
  const AliasTable table = AliasTable::zipf(1000, 0.9);
  Rng a(9), b(9), c(10);
  size_t differ = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint32_t x = table(a);
    REQUIRE(x == table(b));
    differ += x != table(c);
  }
  CHECK(differ > 900);
}
