#include "tidemark/windows/time/window_buckets.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <vector>

using namespace tidemark;

TEST_CASE("window buckets: reserving below and above keeps every bucket's contents") {
  WindowBuckets b;
  REQUIRE(b.empty());
  b.reserve(10);
  REQUIRE(b.first() == 10);
  REQUIRE(b.end() == 11);
  b.at(10).open = 1;
  b.enqueue(10, 7);
  b.reserve(40);  // above: the ring grows past 16 buckets
  REQUIRE(b.first() == 10);
  REQUIRE(b.end() == 41);
  b.at(40).open = 4;
  b.reserve(-5);  // below: the head moves back
  REQUIRE(b.first() == -5);
  REQUIRE(b.end() == 41);
  b.at(-5).open = 2;
  REQUIRE(b.at(10).open == 1);
  REQUIRE(b.at(10).keys == std::vector<KeyId>{7});
  REQUIRE(b.at(40).open == 4);
  for (int64_t m = -4; m < 10; ++m) REQUIRE(b.at(m).open == 0);
}

TEST_CASE("window buckets: pop_front returns the oldest bucket's open count and empties it") {
  WindowBuckets b;
  b.reserve(0);
  b.reserve(3);
  for (int64_t m = 0; m <= 3; ++m) {
    b.at(m).open = uint64_t(m + 1);
    b.enqueue(m, KeyId(m));
  }
  REQUIRE(b.pop_front() == 1);
  REQUIRE(b.first() == 1);
  REQUIRE(b.pop_front() == 2);
  REQUIRE(b.pop_front() == 3);
  REQUIRE(b.pop_front() == 4);
  REQUIRE(b.empty());
  // The ring turns: buckets addressed anew start empty, though their slots held keys.
  b.reserve(100);
  b.reserve(103);
  for (int64_t m = 100; m <= 103; ++m) {
    REQUIRE(b.at(m).open == 0);
    REQUIRE(b.at(m).keys.empty());
  }
}

TEST_CASE("window buckets: a range fits when old and new indexes span less than the limit") {
  WindowBuckets b;
  REQUIRE(b.fits(0, 9, 10));
  REQUIRE_FALSE(b.fits(0, 10, 10));
  b.reserve(5);
  REQUIRE(b.fits(5, 14, 10));
  REQUIRE_FALSE(b.fits(5, 15, 10));
  REQUIRE(b.fits(-4, 5, 10));
  REQUIRE_FALSE(b.fits(-5, 5, 10));
}

TEST_CASE("window buckets: firing lists come out in key order on both sorting paths") {
  std::mt19937_64 rng(11);
  WindowBuckets b;
  b.reserve(0);
  SECTION("a short list is sorted and keeps repeated keys") {
    for (const KeyId k : {9u, 3u, 3u, 7u}) b.enqueue(0, k);
    REQUIRE(b.sorted_keys(0, 1'000'000) == std::vector<KeyId>{3, 3, 7, 9});
  }
  SECTION("a list holding many of the keys goes through the bitmap, which drops repeats") {
    const size_t key_count = 20'000;
    std::vector<KeyId> keys;
    for (KeyId k = 0; k < key_count; k += 2) keys.push_back(k);
    std::shuffle(keys.begin(), keys.end(), rng);
    for (const KeyId k : keys) b.enqueue(0, k);
    b.enqueue(0, keys.front());  // a stale repeat: fired once
    std::sort(keys.begin(), keys.end());
    REQUIRE(b.sorted_keys(0, key_count) == keys);
  }
}

TEST_CASE("window buckets: bytes count the key lists as they grow") {
  WindowBuckets b;
  b.reserve(0);
  const size_t before = b.bytes();
  for (KeyId k = 0; k < 1000; ++k) b.enqueue(0, k);
  REQUIRE(b.bytes() >= before + 1000 * sizeof(KeyId));
}
