#include "tidemark/windows/sliding/sliding_calendar.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

#include "test_support.hpp"

using namespace tidemark;

namespace {

// A pending window as the definition orders them: (due, end, key, start).
struct Pending {
  Timestamp due, end;
  KeyId key;
  Timestamp start;
  friend bool operator<(const Pending& a, const Pending& b) {
    return std::tie(a.due, a.end, a.key, a.start) < std::tie(b.due, b.end, b.key, b.start);
  }
};

}  // namespace

TEST_CASE("sliding calendar: pops ends in due order, windows by key and start", "[sliding]") {
  test::Rng rng(29);
  uint64_t popped = 0, dense = 0, sparse = 0;  // buckets of 16 or more
  for (int run = 0; run < 200; ++run) {
    const Duration span{rng.uniform(1, 20)};
    const Duration delay{rng.uniform(0, 5)};
    // Dense keys (bitmap sort), a few keys, or keys spread over a wide range (radix sort).
    const int shape = int(rng.uniform(0, 2));
    const int64_t key_range = shape == 0 ? 300 : shape == 1 ? 4 : 5'000'000;
    SlidingCalendar cal(span);
    std::vector<Pending> pending;
    std::vector<SlidingCalendar::Entry> out;
    int64_t clock = 0;
    const int64_t spread = rng.chance(50) ? 3 : 40;  // ends per pop: few (large buckets) or many
    for (int step = 0; step < 3000; ++step) {
      if (rng.chance(95)) {
        Pending p;
        p.key = KeyId(rng.uniform(0, key_range - 1));
        if (rng.chance(1)) {  // a saturated end, kept aside with its start
          p.end = Timestamp::max();
          p.start = Timestamp{std::numeric_limits<int64_t>::max() - rng.uniform(1, 3 * span.ms)};
        } else {
          p.end = Timestamp{clock + rng.uniform(1, spread)};
          p.start = p.end - span;
        }
        // A window of a key is in its end's bucket once, but a repeat must not be lost either.
        const bool repeat = std::any_of(pending.begin(), pending.end(), [&](const Pending& q) {
          return q.key == p.key && q.end == p.end && q.start == p.start;
        });
        if (repeat && !rng.chance(30)) continue;
        p.due = p.end + delay;
        cal.add(p.due, p.end, p.key, p.start);
        pending.push_back(p);
      } else {
        clock += rng.uniform(0, 2 * spread);
        if (rng.chance(3)) clock = std::numeric_limits<int64_t>::max();
        std::sort(pending.begin(), pending.end());
        size_t next = 0;
        while (cal.due(Timestamp{clock})) {
          const Timestamp end = cal.pop(out);
          if (out.size() >= 16) ++(shape == 2 ? sparse : dense);
          for (const SlidingCalendar::Entry& e : out) {
            REQUIRE(next < pending.size());
            const Pending& want = pending[next++];
            REQUIRE(want.due <= Timestamp{clock});
            CHECK(end == want.end);
            CHECK(e.key == want.key);
            CHECK(e.start == want.start);
          }
        }
        CHECK((next == pending.size() || pending[next].due > Timestamp{clock}));
        pending.erase(pending.begin(), pending.begin() + ptrdiff_t(next));
        popped += next;
        CHECK(cal.size() == pending.size());
        if (clock == std::numeric_limits<int64_t>::max()) break;
      }
    }
  }
  CHECK(popped > 100'000);
  CHECK(dense > 100);  // most sorted through the bitmap
  CHECK(sparse > 100);
}
