// SlidingInOrderLog: the queues of pending sliding windows while events arrive in time order:
// arrivals taken a time at a time, fired key groups in push order, under grace the counts of
// windows that stay open, and a consumed front that is erased in batches without losing order.
#include "tidemark/windows/sliding/sliding_in_order_log.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <vector>

using namespace tidemark;

namespace {
using Keys = std::vector<KeyId>;
}

TEST_CASE("a new in-order log is empty and holds no bytes", "[sliding_in_order_log]") {
  const SlidingInOrderLog log;
  CHECK_FALSE(log.has_arrivals());
  CHECK_FALSE(log.has_fired());
  CHECK_FALSE(log.has_open_fired());
  CHECK(log.bytes() == 0);
}

TEST_CASE("arrivals are taken one time at a time, keys in arrival order",
          "[sliding_in_order_log]") {
  SlidingInOrderLog log;
  log.add(5, 3);
  log.add(5, 1);
  log.add(7, 2);
  log.add(7, 3);
  log.add(9, 1);
  Keys keys = {99};  // cleared before it is filled
  REQUIRE(log.has_arrivals());
  CHECK(log.next_arrival_time() == 5);
  CHECK(log.take_arrivals(keys) == 5);
  CHECK(keys == Keys{3, 1});
  CHECK(log.next_arrival_time() == 7);
  CHECK(log.take_arrivals(keys) == 7);
  CHECK(keys == Keys{2, 3});
  CHECK(log.take_arrivals(keys) == 9);
  CHECK(keys == Keys{1});
  CHECK_FALSE(log.has_arrivals());
}

TEST_CASE("arrivals at the int64 limits are taken like any", "[sliding_in_order_log]") {
  SlidingInOrderLog log;
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  log.add(lo, 0);
  log.add(hi, 1);
  log.add(hi, 2);
  Keys keys;
  CHECK(log.take_arrivals(keys) == lo);
  CHECK(keys == Keys{0});
  CHECK(log.take_arrivals(keys) == hi);
  CHECK(keys == Keys{1, 2});
}

TEST_CASE("fired groups come back in push order with their own keys", "[sliding_in_order_log]") {
  SlidingInOrderLog log;
  const Keys first = {1, 4, 6}, empty = {}, third = {2};
  log.push_fired(10, first);
  log.push_fired(11, empty);
  log.push_fired(12, third);
  REQUIRE(log.has_fired());
  CHECK(log.oldest_fired_time() == 10);
  CHECK(Keys(log.oldest_fired_keys().begin(), log.oldest_fired_keys().end()) == first);
  log.pop_fired();
  CHECK(log.oldest_fired_time() == 11);
  CHECK(log.oldest_fired_keys().empty());
  log.pop_fired();
  CHECK(log.oldest_fired_time() == 12);
  CHECK(Keys(log.oldest_fired_keys().begin(), log.oldest_fired_keys().end()) == third);
  log.pop_fired();
  CHECK_FALSE(log.has_fired());
}

TEST_CASE("open fired windows are counted per end, oldest first", "[sliding_in_order_log]") {
  SlidingInOrderLog log;
  log.push_open_fired(20, 3);
  log.push_open_fired(25, 0);
  log.push_open_fired(30, 7);
  CHECK(log.oldest_open_fired_end() == 20);
  CHECK(log.pop_open_fired() == 3);
  CHECK(log.oldest_open_fired_end() == 25);
  CHECK(log.pop_open_fired() == 0);
  CHECK(log.pop_open_fired() == 7);
  CHECK_FALSE(log.has_open_fired());
}

TEST_CASE("a long in-order run keeps its order while the consumed front is erased",
          "[sliding_in_order_log]") {
  // Taking lags adding by 100 times, so the queues never empty and their consumed front is
  // erased in batches (past 4096 consumed items); every time and key must still come out once,
  // in order, and the memory held stays that of a few thousand items.
  SlidingInOrderLog log;
  Keys keys;
  int64_t next_taken = 0;
  const int64_t n = 50'000, lag = 100;
  for (int64_t t = 0; t < n; ++t) {
    log.add(t, KeyId(t % 7));
    log.add(t, KeyId(t % 7 + 10));
    const Keys group = {KeyId(t), KeyId(t + 1)};
    log.push_fired(t, group);
    if (t < lag) continue;
    CHECK(log.take_arrivals(keys) == next_taken);
    CHECK(keys == Keys{KeyId(next_taken % 7), KeyId(next_taken % 7 + 10)});
    CHECK(log.oldest_fired_time() == next_taken);
    CHECK(log.oldest_fired_keys()[1] == KeyId(next_taken + 1));
    log.pop_fired();
    ++next_taken;
  }
  // Each queue holds at most about 2 x (4096 + lag) items, 16 bytes at most each: well under
  // 512 KiB. Kept whole, the 100000 arrivals alone would take over 1.5 MiB.
  CHECK(log.bytes() < 512 * 1024);
  while (log.has_arrivals()) {
    CHECK(log.take_arrivals(keys) == next_taken);
    CHECK(log.oldest_fired_time() == next_taken);
    log.pop_fired();
    ++next_taken;
  }
  CHECK(next_taken == n);
  CHECK_FALSE(log.has_fired());
}

TEST_CASE("clearing an in-order log empties it and frees its bytes", "[sliding_in_order_log]") {
  SlidingInOrderLog log;
  log.add(1, 1);
  const Keys keys = {1};
  log.push_fired(1, keys);
  log.push_open_fired(3, 1);
  CHECK(log.bytes() > 0);
  log.clear();
  CHECK_FALSE(log.has_arrivals());
  CHECK_FALSE(log.has_fired());
  CHECK_FALSE(log.has_open_fired());
  CHECK(log.bytes() == 0);
}
