// Index arithmetic of the fixed-size window operators: the clock bounds they derive from a
// lateness policy agree with decide(), the policy's own rule, window by window.
#include "tidemark/windows/time/slicing.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <optional>
#include <vector>

#include "test_support.hpp"
#include "tidemark/core/runtime/lateness.hpp"

using namespace tidemark;
using slicing::Int128;

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Window m of the grid, when its start and end are ordinary int64 times.
std::optional<Window> window_at(const slicing::WindowGrid& g, int64_t m) {
  const Int128 start = Int128(g.offset) + Int128(m) * g.advance;
  const Int128 end = start + g.size;
  if (start <= Int128(std::numeric_limits<int64_t>::min()) || end >= Int128(kMax)) return {};
  return Window{Timestamp{int64_t(start)}, Timestamp{int64_t(end)}};
}

// Every window near either bound: fired iff at or below fired_max, alive iff at or above
// alive_min, as decide() says.
void check_bounds(const LatenessPolicy& p, Timestamp c, const slicing::WindowGrid& g) {
  const slicing::ClockBounds b = slicing::clock_bounds(c, g, slicing::delays_of(p));
  for (const int64_t around : {b.fired_max, b.alive_min}) {
    for (int64_t m = around - 3; m <= around + 3; ++m) {
      if (m < -slicing::kTimeLimit || m > slicing::kTimeLimit) continue;
      const std::optional<Window> w = window_at(g, m);
      if (!w) continue;
      const Decision d = decide(*w, c, p);
      INFO("policy " << p.to_string() << " clock " << c.ms << " grid " << g.offset << "/" << g.size
                     << "/" << g.advance << " window " << m);
      CHECK((m <= b.fired_max) == (d != Decision::kAccept));
      CHECK((m >= b.alive_min) == (d != Decision::kReject));
    }
  }
}

}  // namespace

TEST_CASE("clock bounds agree with decide() for every policy, clock and grid", "[slicing]") {
  test::Rng rng(2026);
  const int64_t edge = slicing::kTimeLimit;
  const std::vector<int64_t> amounts = {0,        1,   7, 1000, 86'400'000, int64_t(1) << 40,
                                        kMax / 2, kMax};
  const std::vector<Timestamp> special = {Timestamp::min(),    Timestamp::max(),
                                          Timestamp{0},        Timestamp{-1},
                                          Timestamp{edge - 1}, Timestamp{-edge + 1}};
  for (int round = 0; round < 20'000; ++round) {
    const int64_t size =
        rng.chance(20) ? rng.uniform(1, slicing::kDurationLimit - 1) : rng.uniform(1, 100);
    const int64_t advance = rng.chance(50) ? size : rng.uniform(1, size);
    const int64_t offset = rng.uniform(-(advance - 1), advance - 1);
    const slicing::WindowGrid g{offset, size, advance};
    const int64_t amount =
        rng.chance(50) ? amounts[size_t(rng.uniform(0, 7))] : rng.uniform(0, 500);
    const LatenessPolicy policies[] = {LatenessPolicy::drop(),
                                       LatenessPolicy::wait(Duration{amount}),
                                       LatenessPolicy::grace(Duration{amount})};
    const Timestamp c = rng.chance(10)   ? special[size_t(rng.uniform(0, 5))]
                        : rng.chance(20) ? Timestamp{rng.uniform(-edge + 1, edge - 1)}
                                         : Timestamp{rng.uniform(-1000, 1000)};
    for (const LatenessPolicy& p : policies) check_bounds(p, c, g);
  }
}

TEST_CASE("policy delays are what fire_time and close_time add to an end", "[slicing]") {
  const auto drop = slicing::delays_of(LatenessPolicy::drop());
  CHECK(drop.fire == 0);
  CHECK(drop.close == 0);
  const auto wait = slicing::delays_of(LatenessPolicy::parse("wait:30s"));
  CHECK(wait.fire == 30'000);
  CHECK(wait.close == 30'000);
  const auto grace = slicing::delays_of(LatenessPolicy::parse("grace:5m"));
  CHECK(grace.fire == 0);
  CHECK(grace.close == 300'000);
}
