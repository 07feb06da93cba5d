// gen::Rng: xoshiro256** seeded through splitmix64, and its samplers. Traces must be byte-identical
// for a seed everywhere, so the sequence itself is the contract, not only its statistics.
#include "tidemark/generators/random.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <limits>

using tidemark::gen::Rng;

TEST_CASE("the engine's first outputs are xoshiro256** seeded by splitmix64", "[random]") {
  // Worked out from the reference algorithms (Vigna's splitmix64.c and xoshiro256starstar.c):
  // the state is four splitmix64 outputs of the seed; splitmix64(0)'s first is 0xe220a8397b1dcdaf.
  Rng zero(0);
  CHECK(zero.next() == 0x99ec5f36cb75f2b4ull);
  CHECK(zero.next() == 0xbf6e1f784956452aull);
  CHECK(zero.next() == 0x1a5f849d4933e6e0ull);
  Rng answer(42);
  CHECK(answer.next() == 0x15780b2e0c2ec716ull);
  CHECK(answer.next() == 0x6104d9866d113a7eull);
  CHECK(answer.next() == 0xae17533239e499a1ull);
}

TEST_CASE("one seed gives one sequence, another seed another", "[random]") {
  Rng a(7), b(7), c(8);
  int differ = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = a.next();
    REQUIRE(x == b.next());
    differ += x != c.next();
  }
  CHECK(differ == 1000);
}

TEST_CASE("uniform() is the top 53 bits of next() scaled to 0 <= u < 1", "[random]") {
  Rng rng(3), twin(3);
  double sum = 0;
  const int n = 100'000;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    REQUIRE(u == double(twin.next() >> 11) / 9007199254740992.0);  // 2^53
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
  }
  // The mean of n uniforms has standard deviation 1/sqrt(12 n), about 0.0009 here.
  CHECK(sum / n == Approx(0.5).margin(0.005));
}

TEST_CASE("below(n) is the high word of next() times n, so always below n", "[random]") {
  Rng rng(11), twin(11);
  for (const uint64_t n : {uint64_t(1), uint64_t(2), uint64_t(3), uint64_t(1000),
                           std::numeric_limits<uint64_t>::max()}) {
    for (int i = 0; i < 1000; ++i) {
      const uint64_t x = rng.below(n);
      REQUIRE(x == uint64_t((__uint128_t(twin.next()) * n) >> 64));
      REQUIRE(x < n);
    }
  }
  // The largest output maps to n - 1: 2^64 - 1 times n, shifted, is n - 1 for every n >= 1.
  CHECK(uint64_t((__uint128_t(std::numeric_limits<uint64_t>::max()) * 6) >> 64) == 5);
}

TEST_CASE("below(6) draws each face about equally often", "[random]") {
  Rng rng(2026);
  std::array<int, 6> counts{};
  const int n = 60'000;
  for (int i = 0; i < n; ++i) ++counts[rng.below(6)];
  // Each count is binomial(60000, 1/6): mean 10000, standard deviation about 91.
  for (const int c : counts) CHECK(std::abs(c - 10'000) < 600);
}
