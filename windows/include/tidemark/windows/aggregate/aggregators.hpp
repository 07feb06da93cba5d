#pragma once
// Aggregates as types, after IBM's sliding-window-aggregators: an aggregator is a monoid of
// partials (identity, associative combine) with lift from one value and lower to a result. Its
// properties say which regroupings and reorderings of combine leave the result bit-identical, and
// so which fast paths an operator may take: slices combined out of arrival order need a
// commutative combine, and regrouped floating-point sums need values that keep them exact.

#include <concepts>
#include <cstdint>
#include <utility>
#include <vector>

#include "tidemark/core/output/emission.hpp"
#include "tidemark/windows/aggregate/aggregate.hpp"

namespace tidemark {

// The guard of an aggregator whose combine gives the same bits in any order for any values.
struct AlwaysOrderFree {
  static constexpr bool admit(double) { return true; }
};
// The guard of an aggregator whose partials must combine in arrival order.
struct NeverOrderFree {
  static constexpr bool admit(double) { return false; }
};

// A::OrderFreeGuard::admit(v) is called on every value in arrival order; while it has returned
// true for all of them, combining the lifted values in any grouping and order gives the same bits
// as folding them in arrival order.
template <class A>
concept Aggregator = requires(double v, const typename A::Partial& p,
                              typename A::OrderFreeGuard g) {
  { A::identity() } -> std::same_as<typename A::Partial>;
  { A::lift(v) } -> std::same_as<typename A::Partial>;
  { A::combine(p, p) } -> std::same_as<typename A::Partial>;
  { A::lower(p) } -> std::same_as<typename A::Result>;
  { A::kCommutative } -> std::convertible_to<bool>;
  { g.admit(v) } -> std::same_as<bool>;
};

// count, sum, min, max and mean: what every window emits. Count, min and max are exact in any
// order; the sum is exact only while ExactSums admits the values.
struct StatsAggregator {
  using Partial = Aggregate;
  using Result = WindowStats;
  using OrderFreeGuard = ExactSums;
  static constexpr bool kCommutative = true;
  static constexpr Partial identity() { return tidemark::identity(); }
  static constexpr Partial lift(double v) { return tidemark::lift(v); }
  static constexpr Partial combine(const Partial& a, const Partial& b) {
    return tidemark::combine(a, b);
  }
  static constexpr Result lower(const Partial& a) { return tidemark::lower(a); }
};

// How many values: exact in any order.
struct CountAggregator {
  using Partial = uint64_t;
  using Result = uint64_t;
  using OrderFreeGuard = AlwaysOrderFree;
  static constexpr bool kCommutative = true;
  static constexpr Partial identity() { return 0; }
  static constexpr Partial lift(double) { return 1; }
  static constexpr Partial combine(Partial a, Partial b) { return a + b; }
  static constexpr Result lower(Partial a) { return a; }
};

// The window's values in arrival order, as the engines' own tests assert with string
// concatenation: associative, not commutative, so a window holding it can never be assembled
// from slices combined out of arrival order.
struct CollectAggregator {
  using Partial = std::vector<double>;
  using Result = std::vector<double>;
  using OrderFreeGuard = NeverOrderFree;
  static constexpr bool kCommutative = false;
  static Partial identity() { return {}; }
  static Partial lift(double v) { return {v}; }
  static Partial combine(const Partial& a, const Partial& b) {
    Partial out;
    out.reserve(a.size() + b.size());
    out.insert(out.end(), a.begin(), a.end());
    out.insert(out.end(), b.begin(), b.end());
    return out;
  }
  static Result lower(const Partial& a) { return a; }
};

// Two aggregators over the same values, side by side: each partial and result is a pair. It is
// commutative, and order-free for some values, only where both are.
template <class A, class B>
struct PairAggregator {
  using Partial = std::pair<typename A::Partial, typename B::Partial>;
  using Result = std::pair<typename A::Result, typename B::Result>;
  struct OrderFreeGuard {
    typename A::OrderFreeGuard first;
    typename B::OrderFreeGuard second;
    bool admit(double v) { return first.admit(v) && second.admit(v); }
  };
  static constexpr bool kCommutative = A::kCommutative && B::kCommutative;
  static Partial identity() { return {A::identity(), B::identity()}; }
  static Partial lift(double v) { return {A::lift(v), B::lift(v)}; }
  static Partial combine(const Partial& a, const Partial& b) {
    return {A::combine(a.first, b.first), B::combine(a.second, b.second)};
  }
  static Result lower(const Partial& a) { return {A::lower(a.first), B::lower(a.second)}; }
};

// What the engine profiles emit with `--aggregate collect`: the statistics and the values.
using StatsAndValuesAggregator = PairAggregator<StatsAggregator, CollectAggregator>;

static_assert(Aggregator<StatsAggregator>);
static_assert(Aggregator<CountAggregator>);
static_assert(Aggregator<CollectAggregator>);
static_assert(Aggregator<StatsAndValuesAggregator>);

// Folds values in arrival order: the definition every faster grouping must reproduce.
template <Aggregator A, class Values>
typename A::Partial fold_in_arrival_order(const Values& values) {
  typename A::Partial p = A::identity();
  for (const double v : values) p = A::combine(p, A::lift(v));
  return p;
}

// Whether an operator may combine these values (in arrival order) in any grouping and order.
template <Aggregator A, class Values>
bool order_free(const Values& values) {
  typename A::OrderFreeGuard guard;
  for (const double v : values) {
    if (!guard.admit(v)) return false;
  }
  return true;
}

}  // namespace tidemark
