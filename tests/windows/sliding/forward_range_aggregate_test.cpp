#include "tidemark/windows/sliding/forward_range_aggregate.hpp"

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "test_support.hpp"

using namespace tidemark;

namespace {

struct Point {
  Timestamp time;
  double value;
};

// The definition: the points in [first, size) inside [start, end), combined in time order.
Aggregate brute_force(const std::vector<Point>& p, uint32_t first, Timestamp start, Timestamp end) {
  Aggregate a = identity();
  for (size_t i = first; i < p.size(); ++i) {
    if (p[i].time >= start && p[i].time < end) a = combine(a, lift(p[i].value));
  }
  return a;
}

bool same(const Aggregate& a, const Aggregate& b) {
  return a.count == b.count && std::bit_cast<uint64_t>(a.sum) == std::bit_cast<uint64_t>(b.sum) &&
         std::bit_cast<uint64_t>(a.min) == std::bit_cast<uint64_t>(b.min) &&
         std::bit_cast<uint64_t>(a.max) == std::bit_cast<uint64_t>(b.max);
}

}  // namespace

TEST_CASE("forward range aggregate: windows moving forward over growing and dropped points",
          "[sliding]") {
  test::Rng rng(17);
  uint64_t queries = 0, nonempty = 0, restarts = 0, drops = 0;
  for (int run = 0; run < 300; ++run) {
    std::vector<Point> p;
    ForwardRangeAggregate agg;
    const int64_t span = rng.uniform(1, 30);
    const int64_t max_gap = rng.uniform(0, 6);
    const int64_t value_range = rng.uniform(0, 4) == 0 ? 2 : 100;  // many ties of min and max
    int64_t t = rng.uniform(-50, 50), start = t - span;
    uint32_t first = 0;
    Timestamp last_end = Timestamp::min();
    for (int step = 0; step < 400; ++step) {
      const int64_t r = rng.uniform(0, 99);
      if (r < 45) {  // a point appended at the end
        t += rng.uniform(0, max_gap);
        // Now and then the extremes ExactSums admits.
        const double v = rng.chance(2) ? (rng.chance(50) ? 1.0 : -1.0) * (0x1p31 - 1)
                                       : double(rng.uniform(-value_range, value_range));
        p.push_back({Timestamp{t}, v});
      } else if (r < 47 && first < p.size()) {  // a point inserted anywhere: the caller resets
        const size_t at = size_t(rng.uniform(first, int64_t(p.size()) - 1));
        p.insert(p.begin() + ptrdiff_t(at), Point{p[at].time, double(rng.uniform(-9, 9))});
        agg.reset();
        ++restarts;
      } else if (r < 49 && first < p.size()) {  // the caller drops old points and resets
        ++first;
        agg.reset();
        ++restarts;
      } else if (r < 53 && first < p.size()) {  // the caller drops old points and says so
        const auto gone = uint32_t(rng.uniform(1, std::min<int64_t>(3, int64_t(p.size() - first))));
        if (rng.chance(50)) {  // and erases them with the ones before, moving the rest down
          const uint32_t erased = first + gone;
          p.erase(p.begin(), p.begin() + erased);
          first = 0;
          agg.drop_before(erased, erased);
        } else {
          first += gone;
          agg.drop_before(first, 0);
        }
        ++drops;
      } else {
        // Mostly forward; now and then backwards (the caller resets) or far ahead (a skip).
        const int64_t move = rng.uniform(0, 99);
        if (move < 5) {
          start -= rng.uniform(1, 10);
          agg.reset();
          ++restarts;
        } else if (move < 10) {
          start += rng.uniform(0, 3 * span);
        } else {
          start += rng.uniform(0, 3);
        }
        // Windows of one length, or now and then one ending at +inf (saturated ends).
        const Timestamp end = rng.chance(3) ? Timestamp::max() : Timestamp{start} + Duration{span};
        if (end < last_end) agg.reset();  // after one ending at +inf
        last_end = end;
        const Aggregate want = brute_force(p, first, Timestamp{start}, end);
        const Aggregate got = agg.query(p.data(), first, uint32_t(p.size()), Timestamp{start}, end);
        INFO("run " << run << ", step " << step << ", start " << start << ", span " << span);
        REQUIRE(same(got, want));
        ++queries;
        nonempty += want.count > 0;
      }
    }
  }
  CHECK(queries > 30'000);
  CHECK(nonempty > queries / 4);
  CHECK(restarts > 3'000);
  CHECK(drops > 3'000);
}
