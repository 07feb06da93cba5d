// GenericTimeWindowOperator over aggregators other than the statistics: each window's partial is
// the fold of the values it accepted, in arrival order, whatever the aggregator. Driven directly
// (not through the Driver, whose Emitter carries statistics only), against a brute-force
// recomputation from the events. And TimeWindowsFor gives the sliced strategies only to an
// aggregator whose properties allow them.
#include "tidemark/windows/time/generic_time_window_operator.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "support/result_recorder.hpp"
#include "test_support.hpp"
#include "tidemark/windows/aggregate/aggregators.hpp"
#include "tidemark/windows/spec/assigners.hpp"
#include "tidemark/windows/time/time_window_operator.hpp"

using namespace tidemark;

namespace {

template <class Result>
using Recorder = test::ResultRecorder<Result>;

struct Input {
  KeyId key;
  Timestamp t;
  double v;
  Timestamp clock;  // the clock when it arrives (never decreasing)
};

std::vector<Input> random_inputs(uint64_t seed) {
  test::Rng rng(seed);
  std::vector<Input> in;
  int64_t clock = 0;
  for (int i = 0; i < 400; ++i) {
    clock += rng.uniform(0, 3);
    const int64_t t = clock + rng.uniform(-40, 10);  // up to 40 ms late
    in.push_back({KeyId(rng.uniform(0, 3)), Timestamp{t}, double(rng.uniform(-9, 9)) * 0.5,
                  Timestamp{clock}});
  }
  return in;
}

// Runs the operator: for each input, fire at its clock, then add it; a final fire at +inf.
template <class A>
Recorder<typename A::Result> run(const HoppingAssigner& assigner, LatenessPolicy policy,
                                 const std::vector<Input>& in) {
  GenericTimeWindowOperator<HoppingAssigner, A> op(assigner, policy);
  Recorder<typename A::Result> out;
  for (size_t i = 0; i < in.size(); ++i) {
    out.step = i;
    op.fire(in[i].clock, out);
    op.add(in[i].key, in[i].t, in[i].v, in[i].clock, out);
  }
  out.step = in.size();
  op.fire(Timestamp::max(), out);
  return out;
}

// The events a window accepted among the first `n` inputs, in arrival order.
std::vector<Input> accepted(const std::vector<Input>& in, size_t n, KeyId key, Window w,
                            LatenessPolicy policy) {
  std::vector<Input> out;
  for (size_t j = 0; j < n; ++j) {
    if (in[j].key != key || in[j].t < w.start || in[j].t >= w.end) continue;
    if (decide(w, in[j].clock, policy) == Decision::kReject) continue;
    out.push_back(in[j]);
  }
  return out;
}

}  // namespace

TEST_CASE("generic time windows: collect gives each window's accepted values in arrival order",
          "[generic_time_window]") {
  const HoppingAssigner hopping(Duration{20}, Duration{5}, Duration{0});
  for (const char* lateness : {"drop", "grace:15ms", "wait:10ms"}) {
    const LatenessPolicy policy = LatenessPolicy::parse(lateness);
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      const std::vector<Input> in = random_inputs(seed);
      const auto collected = run<CollectAggregator>(hopping, policy, in);
      REQUIRE(collected.rows.size() > 100);
      size_t out_of_time_order = 0;
      for (const auto& row : collected.rows) {
        // Results at step s fired before input s was added; an update includes input s.
        const size_t n = row.kind == EmissionKind::kUpdate ? row.step + 1 : row.step;
        const std::vector<Input> expected = accepted(in, n, row.key, row.window, policy);
        std::vector<double> values;
        for (const Input& e : expected) values.push_back(e.v);
        INFO(lateness << " seed " << seed << " step " << row.step);
        CHECK(row.result == values);
        out_of_time_order +=
            !std::is_sorted(expected.begin(), expected.end(),
                            [](const Input& a, const Input& b) { return a.t < b.t; });
      }
      CHECK(out_of_time_order > 10);  // arrival order is not time order in many windows
    }
  }
}

TEST_CASE("generic time windows: the statistics and the count are the lowered collected values",
          "[generic_time_window]") {
  const HoppingAssigner hopping(Duration{20}, Duration{5}, Duration{0});
  const LatenessPolicy policy = LatenessPolicy::parse("grace:15ms");
  const std::vector<Input> in = random_inputs(11);
  const auto collected = run<CollectAggregator>(hopping, policy, in);
  const auto stats = run<StatsAggregator>(hopping, policy, in);
  const auto counts = run<CountAggregator>(hopping, policy, in);
  REQUIRE(stats.rows.size() == collected.rows.size());
  REQUIRE(counts.rows.size() == collected.rows.size());
  for (size_t i = 0; i < collected.rows.size(); ++i) {
    const auto& c = collected.rows[i];
    CHECK(stats.rows[i].key == c.key);
    CHECK(stats.rows[i].window == c.window);
    CHECK(stats.rows[i].kind == c.kind);
    CHECK(stats.rows[i].result ==
          StatsAggregator::lower(fold_in_arrival_order<StatsAggregator>(c.result)));
    CHECK(counts.rows[i].result == c.result.size());
  }
}

TEST_CASE("generic time windows: a late event within grace re-emits the window in arrival order",
          "[generic_time_window]") {
  GenericTimeWindowOperator<TumblingAssigner, CollectAggregator> op(
      TumblingAssigner(Duration{10}, Duration{0}), LatenessPolicy::parse("grace:5ms"));
  Recorder<std::vector<double>> out;
  op.add(1, Timestamp{7}, 3, Timestamp{0}, out);
  op.add(1, Timestamp{2}, 1, Timestamp{0}, out);
  op.add(1, Timestamp{5}, 2, Timestamp{0}, out);
  op.fire(Timestamp{10}, out);
  op.add(1, Timestamp{0}, 4, Timestamp{12}, out);  // late, within grace
  op.fire(Timestamp{15}, out);                     // closed: no emission
  const bool late_rejected = !op.add(1, Timestamp{9}, 5, Timestamp{15}, out);
  REQUIRE(out.rows.size() == 2);
  CHECK(out.rows[0].result == std::vector<double>{3, 1, 2});
  CHECK(out.rows[0].kind == EmissionKind::kOnTime);
  CHECK(out.rows[1].result == std::vector<double>{3, 1, 2, 4});
  CHECK(out.rows[1].kind == EmissionKind::kUpdate);
  CHECK(late_rejected);
}

TEST_CASE("generic time windows: TimeWindowsFor slices only aggregators that allow it",
          "[generic_time_window]") {
  STATIC_REQUIRE(Sliceable<StatsAggregator>);
  STATIC_REQUIRE_FALSE(Sliceable<CollectAggregator>);  // not commutative
  STATIC_REQUIRE_FALSE(Sliceable<CountAggregator>);    // partials not in the columns' layout
  STATIC_REQUIRE_FALSE(Sliceable<StatsAndValuesAggregator>);
  STATIC_REQUIRE(std::is_same_v<TimeWindowsFor<TumblingAssigner, StatsAggregator>,
                                TimeWindowOperator<TumblingAssigner>>);
  STATIC_REQUIRE(std::is_same_v<TimeWindowsFor<HoppingAssigner, CollectAggregator>,
                                GenericTimeWindowOperator<HoppingAssigner, CollectAggregator>>);
}
