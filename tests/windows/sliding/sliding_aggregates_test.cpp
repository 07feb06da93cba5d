#include "tidemark/windows/sliding/sliding_aggregates.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

using namespace tidemark;

namespace {

// One key with events at `times` (value: time) and open windows at `starts` (DIFF 10: each
// window is [start, start + 11)).
struct Key {
  BlockPool pool;
  std::vector<SlidingKeyState> keys{1};

  Key(std::initializer_list<int64_t> times, std::initializer_list<int64_t> starts) {
    for (const int64_t t : times) keys[0].points.push_back(pool, {Timestamp{t}, double(t)});
    for (const int64_t s : starts) keys[0].starts.push_back(pool, Timestamp{s});
  }
  SlidingKeyState& k() { return keys[0]; }
};

constexpr Duration kDiff{10};
Window window_at(int64_t start) {
  return {Timestamp{start}, Timestamp{start + kDiff.ms + 1}};
}

bool same(const Aggregate& a, const Aggregate& b) {
  return a.count == b.count && a.sum == b.sum && a.min == b.min && a.max == b.max;
}

}  // namespace

TEST_CASE("sliding lazy aggregates: admit exact integers while their total stays below 2^53",
          "[sliding]") {
  SlidingLazyAggregates lazy;
  CHECK(lazy.admits(3));
  CHECK(lazy.admits(-2147483647));
  CHECK_FALSE(SlidingLazyAggregates().admits(0.5));
  CHECK_FALSE(SlidingLazyAggregates().admits(-0.0));
  CHECK_FALSE(SlidingLazyAggregates().admits(2147483648.0));
  CHECK_FALSE(SlidingLazyAggregates().admits(NAN));
  // 2^22 values of 2^31 - 1 stay below 2^53 in total; the next one does not.
  SlidingLazyAggregates big;
  bool all = true;
  for (int i = 0; i < (1 << 22); ++i) all = big.admits(2147483647) && all;
  CHECK(all);
  CHECK_FALSE(big.admits(2147483647));
}

TEST_CASE("sliding lazy aggregates: a window's aggregate comes from its events when wanted",
          "[sliding]") {
  Key key({0, 5, 10, 11, 20}, {0, 6});
  const Aggregate with = lift(7);
  // Not wanted (an accept without an update): nothing is computed.
  CHECK(SlidingLazyAggregates::add(0, key.k(), 0, window_at(0), with, false, nullptr).count == 0);
  // [0, 11) holds 0, 5 and 10.
  const Aggregate a = SlidingLazyAggregates::add(0, key.k(), 0, window_at(0), with, true, nullptr);
  CHECK(a.count == 4);
  CHECK(a.sum == 0 + 5 + 10 + 7);
  ForwardRangeAggregate range;
  CHECK(same(SlidingLazyAggregates::add(0, key.k(), 1, window_at(6), with, true, &range),
             combine(aggregate_of(key.k(), window_at(6)), with)));
  // Fired and found windows: the same walk of the events.
  CHECK(same(SlidingLazyAggregates::fired(0, key.k(), 1, window_at(6)),
             aggregate_of(key.k(), window_at(6))));
  CHECK(SlidingLazyAggregates::found(key.k(), window_at(10)).count == 3);
  CHECK(SlidingLazyAggregates().allocated_bytes() == 0);
}

TEST_CASE("sliding eager aggregates: start from the open windows' events, then keep their own",
          "[sliding]") {
  // Windows at 0 and 6 are open; the one at -20 was purged (head 1) and gets no aggregate.
  Key key({0, 5, 10, 11, 20}, {-20, 0, 6});
  key.k().head = 1;
  SlidingEagerAggregates eager(key.keys, kDiff);
  CHECK(eager.fired(0, key.k(), 1, window_at(0)).count == 3);
  CHECK(eager.fired(0, key.k(), 2, window_at(6)).count == 2);  // [6, 17): 10 and 11
  CHECK(eager.fired(0, key.k(), 2, window_at(6)).sum == 10 + 11);

  // Additions go to the window's own aggregate, in the order they come: not to its events.
  const Aggregate a = eager.add(0, key.k(), 1, window_at(0), lift(0.25), false, nullptr);
  CHECK(a.count == 4);
  CHECK(same(eager.fired(0, key.k(), 1, window_at(0)), a));

  // Windows inserted, erased and erased at the front keep the others' aggregates in place.
  eager.insert(0, 2, [] { return lift(100); });
  CHECK(eager.fired(0, key.k(), 2, window_at(3)).sum == 100);
  CHECK(eager.fired(0, key.k(), 3, window_at(6)).sum == 10 + 11);
  eager.erase(0, 2);
  CHECK(eager.fired(0, key.k(), 2, window_at(6)).sum == 10 + 11);
  eager.erase_front(0, 2);
  CHECK(eager.fired(0, key.k(), 0, window_at(6)).sum == 10 + 11);
  eager.assign(0, 0, [] { return lift(-1); });
  CHECK(eager.fired(0, key.k(), 0, window_at(6)).sum == -1);

  // The per-key tables and their capacity are counted.
  eager.hold(3);
  CHECK(eager.keys_bytes() == 4 * sizeof(std::vector<Aggregate>));
  CHECK(eager.allocated_bytes() >= eager.keys_bytes() + 3 * sizeof(Aggregate));
  eager.clear(0);
  eager.insert(3, 0, [] { return lift(1); });
  CHECK(eager.fired(3, key.k(), 0, window_at(0)).count == 1);
}
