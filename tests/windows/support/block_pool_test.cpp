#include "tidemark/windows/support/block_pool.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "test_support.hpp"

using namespace tidemark;

TEST_CASE("block pool: released blocks are reused by their size class", "[block_pool]") {
  BlockPool pool;
  void* a = pool.allocate(0);
  void* b = pool.allocate(1);
  CHECK(a != b);
  pool.release(a, 0);
  CHECK(pool.allocate(1) != a);  // another class does not take it
  CHECK(pool.allocate(0) == a);
  // Blocks of a line or more start on a line boundary.
  CHECK(reinterpret_cast<uintptr_t>(b) % 64 == 0);
  CHECK(reinterpret_cast<uintptr_t>(pool.allocate(3)) % 64 == 0);
}

TEST_CASE("block pool: a block larger than a slab gets its own", "[block_pool]") {
  BlockPool pool;
  const unsigned big = 14;  // 32 << 14 = 512 KiB
  auto* p = static_cast<unsigned char*>(pool.allocate(big));
  p[0] = 1;
  p[BlockPool::block_bytes(big) - 1] = 2;
  CHECK(pool.bytes() >= BlockPool::block_bytes(big));
  pool.release(p, big);
  CHECK(pool.allocate(big) == p);
}

TEST_CASE("pooled array: random pushes, inserts and erases match std::vector", "[block_pool]") {
  test::Rng rng(5);
  BlockPool pool;
  std::vector<PooledArray<int64_t>> arrays(3);
  std::vector<std::vector<int64_t>> want(3);
  for (int step = 0; step < 20'000; ++step) {
    const size_t a = size_t(rng.uniform(0, 2));
    PooledArray<int64_t>& got = arrays[a];
    std::vector<int64_t>& ref = want[a];
    const int64_t v = rng.uniform(-1'000'000, 1'000'000);
    switch (rng.uniform(0, 5)) {
      case 0:
      case 1:
        got.push_back(pool, v);
        ref.push_back(v);
        break;
      case 2: {
        const size_t i = size_t(rng.uniform(0, int64_t(ref.size())));
        got.insert(pool, i, v);
        ref.insert(ref.begin() + ptrdiff_t(i), v);
        break;
      }
      case 3:
        if (!ref.empty()) {
          const size_t first = size_t(rng.uniform(0, int64_t(ref.size()) - 1));
          const size_t last = size_t(rng.uniform(int64_t(first), int64_t(ref.size())));
          got.erase(first, last);
          ref.erase(ref.begin() + ptrdiff_t(first), ref.begin() + ptrdiff_t(last));
        }
        break;
      case 4:
        if (rng.chance(2)) {  // now and then
          got.clear();
          ref.clear();
        }
        break;
      default:
        break;
    }
    REQUIRE(got.size() == ref.size());
    REQUIRE(got.capacity() >= got.size());
  }
  for (size_t a = 0; a < arrays.size(); ++a) {
    CHECK(std::vector<int64_t>(arrays[a].begin(), arrays[a].end()) == want[a]);
    if (!want[a].empty()) CHECK(arrays[a].back() == want[a].back());
  }
}

TEST_CASE("pooled array: the first block holds four elements", "[block_pool]") {
  BlockPool pool;
  struct Pair {
    int64_t a;
    double b;
  };
  PooledArray<Pair> pairs;
  CHECK(pairs.capacity() == 0);
  pairs.push_back(pool, {1, 2.0});
  CHECK(pairs.capacity() == 4);
  PooledArray<int64_t> times;
  times.push_back(pool, 7);
  CHECK(times.capacity() == 4);
  for (int i = 0; i < 4; ++i) times.push_back(pool, i);
  CHECK(times.capacity() == 8);
  CHECK(times[0] == 7);
  CHECK(times.back() == 3);
}
