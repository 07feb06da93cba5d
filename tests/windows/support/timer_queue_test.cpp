#include "tidemark/windows/support/timer_queue.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

using namespace tidemark;

TEST_CASE("timer queue: pops by fire time, then end, key and start") {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int64_t> t(0, 5);
  std::uniform_int_distribution<KeyId> k(0, 3);
  std::vector<Timer> timers;
  for (int i = 0; i < 400; ++i) {
    timers.push_back({Timestamp{t(rng)}, Timestamp{t(rng)}, k(rng), Timestamp{t(rng)}});
  }
  TimerQueue q;
  for (const Timer& x : timers) q.push(x);
  REQUIRE(q.size() == timers.size());
  std::sort(timers.begin(), timers.end(), [](const Timer& a, const Timer& b) {
    if (a.due != b.due) return a.due < b.due;
    if (a.end != b.end) return a.end < b.end;
    if (a.key != b.key) return a.key < b.key;
    return a.start < b.start;
  });
  for (const Timer& expected : timers) REQUIRE(q.pop() == expected);
  REQUIRE(q.size() == 0);
}

TEST_CASE("timer queue: a timer is due once the clock reaches its fire time, not before") {
  TimerQueue q;
  REQUIRE_FALSE(q.due(Timestamp::max()));  // empty
  q.push({Timestamp{100}, Timestamp{90}, 1, Timestamp{80}});
  q.push({Timestamp{50}, Timestamp{40}, 2, Timestamp{30}});
  REQUIRE_FALSE(q.due(Timestamp{49}));
  REQUIRE(q.due(Timestamp{50}));
  REQUIRE(q.pop().key == 2);
  REQUIRE_FALSE(q.due(Timestamp{99}));
  REQUIRE(q.due(Timestamp{100}));
  REQUIRE(q.pop().key == 1);
  REQUIRE_FALSE(q.due(Timestamp::max()));
}
