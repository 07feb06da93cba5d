#include "tidemark/windows/aggregate/aggregators.hpp"

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "test_support.hpp"

using namespace tidemark;

namespace {

bool same_bits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

bool same(const Aggregate& a, const Aggregate& b) {
  return a.count == b.count && same_bits(a.sum, b.sum) && same_bits(a.min, b.min) &&
         same_bits(a.max, b.max);
}
bool same(uint64_t a, uint64_t b) {
  return a == b;
}
bool same(const std::vector<double>& a, const std::vector<double>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), same_bits);
}
template <class A, class B>
bool same(const std::pair<A, B>& a, const std::pair<A, B>& b) {
  return same(a.first, b.first) && same(a.second, b.second);
}

// Whether A's partials hold floating-point sums, which regroup exactly only while guarded.
template <class A>
constexpr bool kSumsFloats =
    std::is_same_v<A, StatsAggregator> || std::is_same_v<A, StatsAndValuesAggregator>;

// Values a run meets: small integers that keep sums exact, or fractions and huge magnitudes.
std::vector<double> draw_values(test::Rng& rng, bool integers) {
  std::vector<double> v(size_t(rng.uniform(0, 12)));
  for (double& x : v) {
    x = integers ? double(rng.uniform(-1000, 1000))
                 : double(rng.uniform(-1000, 1000)) * 0.1 + (rng.chance(20) ? 1e17 : 0);
  }
  return v;
}

// Combines the lifted values in a random grouping (a random binary tree over a random order when
// `shuffle`, over arrival order otherwise).
template <Aggregator A>
typename A::Partial random_grouping(test::Rng& rng, std::vector<double> values, bool shuffle) {
  if (shuffle) {
    for (size_t i = values.size(); i > 1; --i) std::swap(values[i - 1], values[rng.next() % i]);
  }
  std::vector<typename A::Partial> parts;
  for (const double v : values) parts.push_back(A::lift(v));
  if (parts.empty()) return A::identity();
  while (parts.size() > 1) {
    const size_t i = size_t(rng.uniform(0, int64_t(parts.size()) - 2));
    parts[i] = A::combine(parts[i], parts[i + 1]);
    parts.erase(parts.begin() + std::ptrdiff_t(i) + 1);
  }
  return parts.front();
}

template <Aggregator A>
void check_laws(uint64_t seed) {
  test::Rng rng(seed);
  uint64_t admitted = 0;
  for (int run = 0; run < 2000; ++run) {
    const std::vector<double> values = draw_values(rng, rng.chance(50));
    const typename A::Partial folded = fold_in_arrival_order<A>(values);
    // identity is neutral on both sides
    CHECK(same(A::combine(A::identity(), folded), folded));
    CHECK(same(A::combine(folded, A::identity()), folded));
    // associativity with arrival order kept holds bit for bit whatever the values
    // (for floating-point sums only while the guard admits them)
    const bool free = order_free<A>(values);
    if (free || !kSumsFloats<A>) {
      CHECK(same(random_grouping<A>(rng, values, false), folded));
    }
    // any order and grouping, while the guard admits every value
    if (free) {
      admitted += values.empty() ? 0 : 1;
      CHECK(same(random_grouping<A>(rng, values, true), folded));
    }
  }
  if constexpr (!A::kCommutative) {  // values combined out of arrival order are never the same
    CHECK(admitted == 0);
  } else {
    CHECK(admitted > 500);
  }
}

}  // namespace

TEST_CASE("aggregators: identity, associativity and the order freedom they claim", "[aggregate]") {
  check_laws<StatsAggregator>(1);
  check_laws<CountAggregator>(2);
  check_laws<CollectAggregator>(3);
  check_laws<StatsAndValuesAggregator>(4);
}

TEST_CASE("aggregators: commutativity is claimed exactly where it holds", "[aggregate]") {
  STATIC_REQUIRE(StatsAggregator::kCommutative);
  STATIC_REQUIRE(CountAggregator::kCommutative);
  STATIC_REQUIRE_FALSE(CollectAggregator::kCommutative);
  STATIC_REQUIRE_FALSE(StatsAndValuesAggregator::kCommutative);
  STATIC_REQUIRE(PairAggregator<StatsAggregator, CountAggregator>::kCommutative);
  const auto a = CollectAggregator::lift(1), b = CollectAggregator::lift(2);
  CHECK(CollectAggregator::combine(a, b) == std::vector<double>{1, 2});
  CHECK(CollectAggregator::combine(b, a) == std::vector<double>{2, 1});
}

TEST_CASE("aggregators: floating-point sums regrouped differ, and the guard refuses them",
          "[aggregate]") {
  const std::vector<double> values{1e17, 1, -1e17, 1};
  using S = StatsAggregator;
  const double arrival = S::lower(fold_in_arrival_order<S>(values)).sum;  // ((1e17+1)-1e17)+1
  const double regrouped = S::lower(S::combine(S::combine(S::lift(1e17), S::lift(-1e17)),
                                               S::combine(S::lift(1), S::lift(1))))
                               .sum;
  CHECK(arrival == 1);
  CHECK(regrouped == 2);
  CHECK_FALSE(order_free<S>(values));
  CHECK(order_free<S>(std::vector<double>{3, -4, 1000}));
  CHECK_FALSE(order_free<S>(std::vector<double>{0.5}));
  CHECK_FALSE(order_free<S>(std::vector<double>{-0.0}));
}

TEST_CASE("aggregators: lower gives what a window emits", "[aggregate]") {
  const std::vector<double> values{4, -2, 7.5};
  const WindowStats s = StatsAggregator::lower(fold_in_arrival_order<StatsAggregator>(values));
  CHECK(s == WindowStats{3, 9.5, -2, 7.5, 9.5 / 3});
  CHECK(StatsAggregator::lower(StatsAggregator::identity()) == WindowStats{});
  CHECK(CountAggregator::lower(fold_in_arrival_order<CountAggregator>(values)) == 3);
  CHECK(CollectAggregator::lower(fold_in_arrival_order<CollectAggregator>(values)) == values);
  using SV = StatsAndValuesAggregator;
  CHECK(SV::lower(fold_in_arrival_order<SV>(values)) == std::pair{s, values});
}

TEST_CASE("aggregators: a pair's guard admits only what both admit", "[aggregate]") {
  using P = PairAggregator<CountAggregator, StatsAggregator>;
  CHECK(order_free<P>(std::vector<double>{3, -4, 1000}));
  CHECK_FALSE(order_free<P>(std::vector<double>{0.5}));
  CHECK_FALSE(order_free<StatsAndValuesAggregator>(std::vector<double>{1}));
  // The stats guard's running total of magnitudes stops at 2^53, inside the pair as alone.
  P::OrderFreeGuard g;
  int admitted = 0;
  while (admitted < (1 << 24) && g.admit(0x1p30)) ++admitted;
  CHECK(admitted == (1 << 23) - 1);
  CHECK_FALSE(g.admit(1));
}
