#include "tidemark/windows/sliding/sliding_list_mode.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace tidemark;

namespace {

using Lazy = SlidingLazyAggregates;
using Eager = SlidingEagerAggregates;

// "key [start,end) count sum" per emission.
std::vector<std::string> lines(const CollectingSink& sink) {
  std::vector<std::string> out;
  for (const Emission& e : sink.emissions) {
    out.push_back(std::to_string(e.key) + " [" + std::to_string(e.window.start.ms) + "," +
                  std::to_string(e.window.end.ms) + ") " + std::to_string(e.stats.count) + " " +
                  std::to_string(e.stats.sum));
  }
  return out;
}

// Key 0 with events at 0 and 20 (DIFF 10, windows [start, start + 11)): {0} and {20}; 0's right
// window [1,12) holds no event, so it is none.
SlidingInOrderMode<Lazy> two_events() {
  SlidingInOrderMode<Lazy> mode(Duration{10}, LatenessPolicy::grace(Duration{100}));
  mode.add(0, Timestamp{0}, 1, Timestamp{0});
  mode.add(0, Timestamp{20}, 2, Timestamp{0});
  return mode;
}

}  // namespace

TEST_CASE("sliding list mode: takes over the in-order windows and events out of order",
          "[sliding]") {
  SlidingListMode<Lazy> list(two_events());
  CHECK(list.open_windows() == 2);
  CollectingSink sink;
  Emitter em(sink);
  // 5 joins 0's left window [-5,6) and opens 0's right window [1,12).
  CHECK(list.add(0, Timestamp{5}, 4, Timestamp{0}, em));
  CHECK(list.open_windows() == 4);
  list.fire(Timestamp{30}, em);
  CHECK(lines(sink) == std::vector<std::string>{"0 [-10,1) 1 1.000000", "0 [-5,6) 2 5.000000",
                                                "0 [1,12) 1 4.000000", "0 [10,21) 1 2.000000"});
  // Under grace, an event at 8 updates the fired windows holding it, in start order: its left
  // window [-2,9) and 5's right window [6,17) are new, 0's right window [1,12) had 5.
  CHECK(list.add(0, Timestamp{8}, 16, Timestamp{30}, em));
  REQUIRE(sink.emissions.size() == 7);
  const std::vector<std::string> all = lines(sink);
  CHECK(std::vector<std::string>(all.begin() + 4, all.end()) ==
        std::vector<std::string>{"0 [-2,9) 3 21.000000", "0 [1,12) 2 20.000000",
                                 "0 [6,17) 1 16.000000"});
  for (size_t i = 4; i < 7; ++i) CHECK(sink.emissions[i].kind == EmissionKind::kUpdate);
}

TEST_CASE("sliding list mode: eager aggregates keep the open windows and their own sums",
          "[sliding]") {
  SlidingListMode<Lazy> lazy(two_events());
  CollectingSink sink;
  Emitter em(sink);
  lazy.add(0, Timestamp{5}, 4, Timestamp{0}, em);
  const size_t lazy_bytes = lazy.state_bytes();
  REQUIRE_FALSE(lazy.admits(0.25));
  SlidingListMode<Eager> eager(std::move(lazy));
  // Each of the 4 windows now stores its aggregate, in one table for the key.
  CHECK(eager.state_bytes() == lazy_bytes + 4 * sizeof(Aggregate) + sizeof(std::vector<Aggregate>));
  // 10 opens its left window, 5's right one and its own right one (20 is in it), and joins two.
  CHECK(eager.add(0, Timestamp{10}, 0.25, Timestamp{0}, em));
  eager.fire(Timestamp{30}, em);
  CHECK(lines(sink) == std::vector<std::string>{"0 [-10,1) 1 1.000000", "0 [-5,6) 2 5.000000",
                                                "0 [0,11) 3 5.250000", "0 [1,12) 2 4.250000",
                                                "0 [6,17) 1 0.250000", "0 [10,21) 2 2.250000",
                                                "0 [11,22) 1 2.000000"});
}
