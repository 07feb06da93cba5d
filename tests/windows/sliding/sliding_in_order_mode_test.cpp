#include "tidemark/windows/sliding/sliding_in_order_mode.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace tidemark;

namespace {

using InOrder = SlidingInOrderMode<SlidingLazyAggregates>;

// "key [start,end) count sum" per emission.
std::vector<std::string> lines(const CollectingSink& sink) {
  std::vector<std::string> out;
  for (const Emission& e : sink.emissions) {
    out.push_back(std::to_string(e.key) + " [" + std::to_string(e.window.start.ms) + "," +
                  std::to_string(e.window.end.ms) + ") " + std::to_string(e.stats.count) + " " +
                  std::to_string(int(e.stats.sum)));
  }
  return out;
}

}  // namespace

TEST_CASE("sliding in-order mode: takes events at or after every other one, not behind the clock",
          "[sliding]") {
  InOrder mode(Duration{10}, LatenessPolicy::drop());
  CHECK(mode.takes(Timestamp{5}, Timestamp{0}));
  REQUIRE(mode.add(0, Timestamp{5}, 1, Timestamp{0}));
  CHECK(mode.takes(Timestamp{5}, Timestamp{5}));            // a tie with the newest event
  CHECK_FALSE(mode.takes(Timestamp{4}, Timestamp{0}));      // before the newest event
  CHECK_FALSE(mode.takes(Timestamp{6}, Timestamp{7}));      // behind the clock
  CHECK_FALSE(mode.takes(Timestamp::max(), Timestamp{0}));  // near the end of time
}

TEST_CASE("sliding in-order mode: each distinct set of events is one window, fired by end",
          "[sliding]") {
  // DIFF 10: windows are [start, start + 11).
  InOrder mode(Duration{10}, LatenessPolicy::drop());
  const Timestamp clock{0};
  mode.add(0, Timestamp{0}, 1, clock);
  mode.add(1, Timestamp{5}, 4, clock);
  mode.add(0, Timestamp{5}, 2, clock);
  mode.add(0, Timestamp{5}, 8, clock);  // a tie: no new window
  // Key 0: {0} left of 0, {0, 5} left of 5, {5} right of 0; key 1: {5}.
  CHECK(mode.open_windows() == 4);
  CollectingSink sink;
  Emitter em(sink);
  mode.fire(Timestamp{5}, em);
  CHECK(lines(sink) == std::vector<std::string>{"0 [-10,1) 1 1"});
  mode.fire(Timestamp{1000}, em);
  CHECK(lines(sink) == std::vector<std::string>{"0 [-10,1) 1 1", "0 [-5,6) 3 11", "1 [-5,6) 1 4",
                                                "0 [1,12) 2 10"});
  CHECK(mode.open_windows() == 0);
}

TEST_CASE("sliding in-order mode: eager aggregates walk each window's events", "[sliding]") {
  InOrder lazy(Duration{10}, LatenessPolicy::drop());
  lazy.add(0, Timestamp{0}, 1, Timestamp{0});
  REQUIRE_FALSE(lazy.admits(0.5));
  SlidingInOrderMode<SlidingEagerAggregates> eager(std::move(lazy));
  eager.add(0, Timestamp{3}, 0.5, Timestamp{0});
  CollectingSink sink;
  Emitter em(sink);
  eager.fire(Timestamp{1000}, em);
  REQUIRE(sink.emissions.size() == 3);
  CHECK(sink.emissions[1].stats.sum == 1.5);  // [-7,4): 1 then 0.5
  CHECK(sink.emissions[2].stats.sum == 0.5);  // [1,12)
}
