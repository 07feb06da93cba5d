// Key tables that grow into zero pages: the allocator hands out zero bytes whatever the block's
// history, and the window operator's "may be none" indexes read zero bytes as none.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "tidemark/core/runtime/huge_page_allocator.hpp"
#include "tidemark/windows/time/time_window_operator.hpp"

using namespace tidemark;

namespace {

struct Entry {
  static constexpr bool kZeroBytesAreDefault = true;
  uint64_t a = 0;
  double b = 0;
};

bool all_zero(const void* p, size_t bytes) {
  const auto* c = static_cast<const unsigned char*>(p);
  return std::all_of(c, c + bytes, [](unsigned char x) { return x == 0; });
}

}  // namespace

TEST_CASE("zeroed allocator: every block is zero, also after its memory held data", "[alloc]") {
  ZeroedHugePageAllocator<Entry> alloc;
  // Below and above the 2 MiB at which blocks come from the kernel.
  for (const size_t n : {size_t(1), size_t(1000), (size_t(4) << 20) / sizeof(Entry)}) {
    INFO(n << " entries");
    for (int round = 0; round < 3; ++round) {
      Entry* p = alloc.allocate(n);
      REQUIRE(all_zero(p, n * sizeof(Entry)));
      std::memset(static_cast<void*>(p), 0xAB, n * sizeof(Entry));  // dirty it for the next round
      alloc.deallocate(p, n);
    }
  }
}

TEST_CASE("zeroed allocator: large blocks are 2 MiB aligned", "[alloc]") {
  ZeroedHugePageAllocator<Entry> alloc;
  const size_t n = (size_t(3) << 20) / sizeof(Entry) + 7;
  Entry* p = alloc.allocate(n);
  CHECK(reinterpret_cast<uintptr_t>(p) % HugePageAllocator<char>::kHugePage == 0);
  p[n - 1].a = 1;  // the whole block is usable
  alloc.deallocate(p, n);
}

TEST_CASE("zeroed allocator: a vector grows into default entries and keeps its values", "[alloc]") {
  std::vector<Entry, ZeroedHugePageAllocator<Entry>> v;
  for (size_t size : {size_t(10), size_t(5000), size_t(300'000)}) {
    const size_t before = v.size();
    v.resize(size);
    for (size_t i = 0; i < before; ++i) REQUIRE(v[i].a == i);
    for (size_t i = before; i < size; ++i) {
      REQUIRE(v[i].a == 0);
      REQUIRE(v[i].b == 0);
      v[i].a = i;
    }
  }
}

TEST_CASE("a maybe-index of zero bytes is none, and holds every index", "[windows]") {
  slicing::MaybeIndex m;
  CHECK(all_zero(&m, sizeof m));
  CHECK(int64_t(m) == slicing::kNone);
  for (const int64_t x : {int64_t(0), int64_t(-1), int64_t(1) << 62, -(int64_t(1) << 62),
                          std::numeric_limits<int64_t>::max(), slicing::kNone}) {
    m = x;
    CHECK(int64_t(m) == x);
  }
  m = slicing::kNone;
  CHECK(all_zero(&m, sizeof m));
}
