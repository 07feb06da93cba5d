// slicing::SliceRing (one key's slices in a ring, inline while small) and SliceRingScans (window
// aggregates read from it): on random sequences of covers, adds and trims, every slice held must
// read back what a plain map of slice -> aggregate holds, the heap bytes reported must be those
// allocated, and every window's aggregate, through block scans or slice by slice, must equal the
// combination of its slices in the map.
#include "tidemark/windows/time/slice_ring.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "tidemark/core/runtime/huge_page_allocator.hpp"
#include "tidemark/windows/time/slice_ring_scans.hpp"

using namespace tidemark;
using slicing::kNone;

namespace {

bool same(const Aggregate& a, const Aggregate& b) {
  return a.count == b.count && a.sum == b.sum && a.min == b.min && a.max == b.max;
}

// The ring under test beside a map of what it should hold.
// Rings are made as the operator makes them: zero bytes in a table (the inline slots leave the
// ring without a default constructor).
template <class Ring>
using RingTable = std::vector<Ring, ZeroedHugePageAllocator<Ring>>;

template <class Ring>
struct Model {
  RingTable<Ring> table = RingTable<Ring>(1);
  Ring& ring = table[0];
  std::map<int64_t, Aggregate> slices;  // slices holding events
  size_t heap_bytes = 0;

  void add(int64_t j, double v, int64_t n) {
    ring.cover(j, j, heap_bytes);
    ring.slot(j).agg = combine(ring.slot(j).agg, lift(v));
    ring.invalidate(j, n);
    if (ring.top == kNone || j > ring.top) ring.top = j;
    slices[j] = combine(slices[j], lift(v));
  }
  void trim(int64_t alive) {
    ring.trim(alive);
    slices.erase(slices.begin(), slices.lower_bound(alive));
  }
  Aggregate window(int64_t m, int64_t a, int64_t n) const {
    Aggregate acc{};
    for (auto it = slices.lower_bound(m * a); it != slices.end() && it->first < m * a + n; ++it) {
      acc = combine(acc, it->second);
    }
    return acc;
  }
};

template <class Ring>
void check_holds(Model<Ring>& m) {
  for (int64_t j = m.ring.base; j < m.ring.end(); ++j) {
    const auto it = m.slices.find(j);
    INFO("slice " << j);
    CHECK(same(m.ring.slot(j).agg, it == m.slices.end() ? Aggregate{} : it->second));
  }
  if (!m.slices.empty()) {
    CHECK(m.ring.base <= m.slices.begin()->first);
    CHECK(m.ring.end() > m.slices.rbegin()->first);
    CHECK(m.ring.top == m.slices.rbegin()->first);
  }
}

}  // namespace

TEST_CASE("a tumbling ring starts inline and moves to the heap when it outgrows it") {
  using Ring = slicing::SliceRing<false, 2>;
  Model<Ring> m;
  m.add(10, 1, 1);
  m.add(11, 2, 1);
  CHECK(m.ring.cap == 2);
  CHECK(m.heap_bytes == 0);  // the inline slots
  m.add(12, 3, 1);
  CHECK(m.ring.cap == 4);
  CHECK(m.heap_bytes == 4 * sizeof(Ring::Slot));
  check_holds(m);
  m.add(9, 4, 1);  // grows at the front
  check_holds(m);
  CHECK(m.ring.base == 9);
  m.trim(12);
  CHECK(m.ring.base == 12);
  check_holds(m);
  m.trim(20);  // every slice gone: the newest too
  CHECK(m.ring.len == 0);
  CHECK(m.ring.top == kNone);
}

TEST_CASE("a moved ring keeps its slices, inline or on the heap") {
  using Ring = slicing::SliceRing<false, 2>;
  for (const int64_t span : {1, 2, 5}) {
    Model<Ring> m;
    for (int64_t j = 0; j < span; ++j) m.add(100 + j, double(j + 1), 1);
    RingTable<Ring> moved;
    moved.push_back(std::move(m.ring));
    CHECK(m.ring.len == 0);
    CHECK(moved[0].len == span);
    for (int64_t j = 0; j < span; ++j) CHECK(moved[0].slot(100 + j).agg.sum == double(j + 1));
  }
}

TEST_CASE("ring slices and window aggregates follow a map of slices on random streams") {
  // Hopping grids: window m is slices [m*a, m*a + n).
  const struct { int64_t a, n; } grids[] = {{1, 1}, {1, 4}, {2, 6}, {3, 5}, {1, 60}};
  for (const auto grid : grids) {
    for (const uint32_t seed : {1u, 2u, 3u}) {
      INFO("a " << grid.a << " n " << grid.n << " seed " << seed);
      std::mt19937 rng(seed);
      using Ring = slicing::SliceRing<true, 0>;
      Model<Ring> m;
      const slicing::SliceRingScans<Ring> scans(grid.a, grid.n);
      int64_t front = 0, alive = -1200;  // a multiple of every a
      for (int step = 0; step < 400; ++step) {
        front += int64_t(rng() % 3);
        const int64_t lag = int64_t(rng() % 8) == 0 ? int64_t(rng() % (2 * grid.n + 4)) : 0;
        const int64_t j = std::max(front - lag, alive);
        m.add(j, double(int(rng() % 21) - 10), grid.n);
        // The oldest window not closed moves up, and with it its first slice: slices before it
        // belong to closed windows only.
        if (rng() % 16 == 0) {
          alive = std::max(alive, slicing::floor_div(front - 2 * grid.n, grid.a) * grid.a);
          m.trim(alive);
        }
        check_holds(m);
        // Windows of the newest slices, in increasing order as firing reads them.
        const int64_t m_top = slicing::floor_div(front, grid.a);
        for (int64_t w = slicing::floor_div(alive, grid.a); w <= m_top; ++w) {
          INFO("window " << w);
          const Aggregate want = m.window(w, grid.a, grid.n);
          CHECK(same(scans.window_agg(m.ring, w), want));
          if (want.count != 0) CHECK(same(scans.ontime_agg(m.ring, w), want));
        }
      }
      CHECK(m.heap_bytes == m.ring.cap * sizeof(Ring::Slot));
    }
  }
}

TEST_CASE("next_window and same_slices_until find where a key's window changes") {
  using Ring = slicing::SliceRing<true, 0>;
  Model<Ring> m;
  const int64_t a = 1, n = 4;
  const slicing::SliceRingScans<Ring> scans(a, n);
  m.add(10, 1, n);
  m.add(20, 2, n);
  // Windows 7..10 hold slice 10 alone; 17..20 hold slice 20.
  CHECK(scans.next_window(m.ring, 6) == 7);
  CHECK(scans.next_window(m.ring, 7) == 8);
  CHECK(scans.next_window(m.ring, 10) == 17);
  CHECK(scans.next_window(m.ring, 20) == kNone);
  CHECK(scans.same_slices_until(m.ring, 7, 100) == 10);
  CHECK(scans.same_slices_until(m.ring, 7, 9) == 9);  // no further than asked
  m.add(12, 3, n);  // windows 9..10 now hold slices 10 and 12; 11..12 hold slice 12 alone
  CHECK(scans.same_slices_until(m.ring, 7, 100) == 8);
  CHECK(scans.same_slices_until(m.ring, 9, 100) == 10);
  CHECK(scans.same_slices_until(m.ring, 11, 100) == 12);
}
