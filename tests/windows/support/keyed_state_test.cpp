// keyed_state: WindowKey and its hash, PooledMap (an unordered_map whose nodes come from a pool
// that moves with it, so a steady state allocates nothing) and the node size state accounting uses.
#include "tidemark/windows/support/keyed_state.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <set>
#include <utility>

using namespace tidemark;

namespace {

// Counts what the pool asks of its upstream, the default resource when the map is made.
class CountingResource final : public std::pmr::memory_resource {
 public:
  size_t allocations = 0;

 private:
  void* do_allocate(size_t bytes, size_t align) override {
    ++allocations;
    return std::pmr::new_delete_resource()->allocate(bytes, align);
  }
  void do_deallocate(void* p, size_t bytes, size_t align) override {
    std::pmr::new_delete_resource()->deallocate(p, bytes, align);
  }
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
    return this == &other;
  }
};

struct DefaultResource {
  std::pmr::memory_resource* previous;
  explicit DefaultResource(std::pmr::memory_resource* r)
      : previous(std::pmr::set_default_resource(r)) {}
  ~DefaultResource() { std::pmr::set_default_resource(previous); }
};

}  // namespace

TEST_CASE("window keys are equal by key and start, and hash alike when equal", "[keyed_state]") {
  const WindowKeyHash hash;
  const WindowKey a{3, Timestamp{1000}};
  CHECK(a == WindowKey{3, Timestamp{1000}});
  CHECK(hash(a) == hash(WindowKey{3, Timestamp{1000}}));
  CHECK_FALSE(a == WindowKey{4, Timestamp{1000}});
  CHECK_FALSE(a == WindowKey{3, Timestamp{2000}});
  CHECK(hash(a) != hash(WindowKey{4, Timestamp{1000}}));
  CHECK(hash(a) != hash(WindowKey{3, Timestamp{2000}}));
  // The int64 limits hash like any start.
  CHECK(hash(WindowKey{0, Timestamp::min()}) != hash(WindowKey{0, Timestamp::max()}));
}

TEST_CASE("window starts on a grid spread over a table's buckets", "[keyed_state]") {
  // Windows start at multiples of their advance: the hash must not leave their low bits alike.
  // 64 starts into 64 buckets land in about 40 distinct ones when spread; alike low bits give 1.
  const WindowKeyHash hash;
  for (const int64_t advance : {1000, 60'000, 1 << 20}) {
    std::set<size_t> buckets;
    for (int64_t i = 0; i < 64; ++i) buckets.insert(hash({7, Timestamp{i * advance}}) % 64);
    CHECK(buckets.size() >= 32);
  }
}

TEST_CASE("a pooled map stores, finds and erases like an unordered_map", "[keyed_state]") {
  PooledMap<WindowKey, int64_t, WindowKeyHash> map;
  CHECK(map->empty());
  (*map)[{1, Timestamp{0}}] = 10;
  (*map)[{1, Timestamp{5}}] = 20;
  (*map)[{2, Timestamp{0}}] = 30;
  CHECK(map->size() == 3);
  CHECK(map->at({1, Timestamp{5}}) == 20);
  CHECK(map->erase({1, Timestamp{0}}) == 1);
  CHECK(map->count({1, Timestamp{0}}) == 0);
  CHECK(map->size() == 2);
}

TEST_CASE("a moved pooled map keeps its entries and its pool", "[keyed_state]") {
  PooledMap<KeyId, int64_t> from;
  for (KeyId k = 0; k < 100; ++k) (*from)[k] = int64_t(k) * 2;
  PooledMap<KeyId, int64_t> to = std::move(from);
  REQUIRE(to->size() == 100);
  for (KeyId k = 0; k < 100; ++k) CHECK(to->at(k) == int64_t(k) * 2);
  // Its nodes were made from the pool it carries: erasing and adding more is safe.
  for (KeyId k = 0; k < 50; ++k) to->erase(k);
  for (KeyId k = 100; k < 200; ++k) (*to)[k] = 1;
  CHECK(to->size() == 150);
}

TEST_CASE("a pooled map in steady state takes nothing more from upstream", "[keyed_state]") {
  CountingResource upstream;
  const DefaultResource scope(&upstream);
  PooledMap<WindowKey, int64_t, WindowKeyHash> map;
  // Windows open and close at a stable rate: round r opens 1000 windows and closes the previous.
  auto round = [&](int64_t r) {
    for (KeyId k = 0; k < 1000; ++k) (*map)[{k, Timestamp{r * 1000}}] = r;
    for (KeyId k = 0; k < 1000; ++k) map->erase({k, Timestamp{(r - 1) * 1000}});
  };
  round(0);
  round(1);
  const size_t warm = upstream.allocations;
  CHECK(warm > 0);
  for (int64_t r = 2; r < 10; ++r) round(r);
  CHECK(upstream.allocations == warm);
  CHECK(map->size() == 1000);
}

TEST_CASE("a node's bytes count the pair and three pointers", "[keyed_state]") {
  // uint32 key and int64 value: a 16-byte pair (the key padded to the value's alignment).
  CHECK(kNodeBytes<uint32_t, int64_t> == 16 + 3 * sizeof(void*));
  CHECK(kNodeBytes<WindowKey, int64_t> == sizeof(WindowKey) + 8 + 3 * sizeof(void*));
}
