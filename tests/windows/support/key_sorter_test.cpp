#include "tidemark/windows/support/key_sorter.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

using namespace tidemark;

namespace {

// Keys drawn from [lo, lo + range), so that `range` against `n` picks the sorter's path: the
// bitmap when the keys are dense in their range, the radix or comparison sort when not.
std::vector<KeyId> draw(std::mt19937_64& rng, size_t n, KeyId lo, KeyId range, bool distinct) {
  std::vector<KeyId> keys;
  if (distinct) {
    std::vector<KeyId> all(range);
    for (KeyId i = 0; i < range; ++i) all[i] = lo + i;
    std::shuffle(all.begin(), all.end(), rng);
    keys.assign(all.begin(), all.begin() + std::min<size_t>(n, range));
  } else {
    std::uniform_int_distribution<KeyId> pick(lo, lo + range - 1);
    for (size_t i = 0; i < n; ++i) keys.push_back(pick(rng));
  }
  return keys;
}

}  // namespace

TEST_CASE("key sorter: every size, density and range sorts as std::sort does") {
  std::mt19937_64 rng(7);
  KeySorter sorter;  // one sorter throughout: its buffers must be left clean between sorts
  for (const size_t n : {0, 1, 2, 15, 16, 17, 63, 64, 65, 500, 5000}) {
    for (const KeyId range : {KeyId(1), KeyId(64), KeyId(n + 1), KeyId(4 * n + 7),
                              KeyId(300 * n + 1), KeyId(0xFFFFFFF0u)}) {
      for (const KeyId lo : {KeyId(0), KeyId(1000), KeyId(0xFFFFFFFFu - range)}) {
        for (const bool distinct : {true, false}) {
          if (distinct && range > 1'000'000) continue;  // a shuffle of the whole range
          std::vector<KeyId> keys = draw(rng, n, lo, range, distinct);
          std::vector<KeyId> expected = keys;
          std::sort(expected.begin(), expected.end());
          sorter.sort(keys);
          INFO("n " << n << ", range " << range << ", lo " << lo << ", distinct " << distinct);
          REQUIRE(keys == expected);
        }
      }
    }
  }
}

TEST_CASE("key sorter: a repeated key in a dense batch is kept, not merged by the bitmap") {
  KeySorter sorter;
  std::vector<KeyId> keys;
  for (KeyId k = 0; k < 100; ++k) keys.push_back(99 - k);
  keys.push_back(42);  // dense enough for the bitmap, which would lose the second 42
  sorter.sort(keys);
  REQUIRE(keys.size() == 101);
  REQUIRE(std::is_sorted(keys.begin(), keys.end()));
  REQUIRE(std::count(keys.begin(), keys.end(), KeyId(42)) == 2);
  // The bitmap's words were cleared after the refusal: a distinct batch next is exact.
  std::vector<KeyId> next;
  for (KeyId k = 0; k < 50; ++k) next.push_back(2 * k + 1);
  std::reverse(next.begin(), next.end());
  sorter.sort(next);
  for (KeyId k = 0; k < 50; ++k) REQUIRE(next[k] == 2 * k + 1);
}
