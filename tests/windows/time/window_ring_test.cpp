// WindowRingOperator (one aggregate per key and window, in a ring per key: the time windows of
// fractional values) against GenericTimeWindowOperator (one hash-map entry per key and window):
// on random streams with disorder, late events, several partitions, both clocks and every
// policy, every emission must be the same bit for bit (statistics compared as bytes: -0 and NaN
// included), and so must late events and window counts. So must TimeWindowOperator's, which
// starts in slices and hands its windows to the ring operator at the first fraction, and the
// ring operator's own handover to the general operator (times beyond 2^60 ms, a key's windows
// spanning more than the ring holds).
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "tidemark/core/runtime/driver.hpp"
#include "tidemark/windows/spec/assigners.hpp"
#include "tidemark/windows/time/generic_time_window_operator.hpp"
#include "tidemark/windows/time/time_window_operator.hpp"
#include "tidemark/windows/time/window_ring_operator.hpp"

using namespace tidemark;

namespace {

bool same_bytes(const WindowStats& a, const WindowStats& b) {
  return a.count == b.count && std::memcmp(&a.sum, &b.sum, sizeof(double)) == 0 &&
         std::memcmp(&a.min, &b.min, sizeof(double)) == 0 &&
         std::memcmp(&a.max, &b.max, sizeof(double)) == 0 &&
         std::memcmp(&a.mean, &b.mean, sizeof(double)) == 0;
}

bool same(const Emission& a, const Emission& b) {
  return a.key == b.key && a.window == b.window && same_bytes(a.stats, b.stats) &&
         a.kind == b.kind && a.clock == b.clock && a.proc_time == b.proc_time && a.seq == b.seq;
}

std::string describe(const Emission& e) {
  return fmt::format("key {} [{},{}) count {} sum {} min {} max {} kind {} clock {} seq {}", e.key,
                     e.window.start.ms, e.window.end.ms, e.stats.count, e.stats.sum, e.stats.min,
                     e.stats.max, to_string(e.kind), e.clock.ms, e.seq);
}

struct Run {
  CollectingSink sink;
  Metrics metrics;
};

template <class Op>
Run replay(Op& op, const RunConfig& config, PartitionId partitions,
           const std::vector<Event>& events) {
  Run r;
  Driver driver(config, partitions, false, op, r.sink, r.sink);
  driver.process(std::span<const Event>(events));
  r.metrics = driver.finish();
  return r;
}

void require_same(const Run& got, const Run& want, const char* what) {
  INFO(what);
  REQUIRE(got.sink.emissions.size() == want.sink.emissions.size());
  for (size_t i = 0; i < want.sink.emissions.size(); ++i) {
    const Emission& g = got.sink.emissions[i];
    const Emission& w = want.sink.emissions[i];
    if (!same(g, w)) FAIL("emission " << i << ": " << describe(g) << ", want " << describe(w));
  }
  REQUIRE(got.sink.late.size() == want.sink.late.size());
  for (size_t i = 0; i < want.sink.late.size(); ++i) {
    REQUIRE(got.sink.late[i].row == want.sink.late[i].row);
    REQUIRE(got.sink.late[i].clock == want.sink.late[i].clock);
  }
  CHECK(got.metrics.accepted == want.metrics.accepted);
  CHECK(got.metrics.windows_fired == want.metrics.windows_fired);
  CHECK(got.metrics.updates == want.metrics.updates);
  CHECK(got.metrics.peak_open_windows == want.metrics.peak_open_windows);
  CHECK(got.metrics.open_windows_at_end == want.metrics.open_windows_at_end);
}

enum class Values { kFractions, kIntegersThenFractions, kOddFloats };

double draw_value(test::Rng& rng, Values kind, size_t i, size_t n) {
  switch (kind) {
    case Values::kFractions:
      return double(rng.uniform(-999, 999)) / 100.0;
    case Values::kIntegersThenFractions:
      return i < n / 2 ? double(rng.uniform(-9, 9)) : double(rng.uniform(-999, 999)) / 10.0;
    case Values::kOddFloats:
      break;
  }
  switch (rng.uniform(0, 5)) {
    case 0:
      return -0.0;
    case 1:
      return std::numeric_limits<double>::quiet_NaN();
    case 2:
      return 1e300;
    case 3:
      return -std::numeric_limits<double>::infinity();
    default:
      return 0.1 * double(rng.uniform(-50, 50));
  }
}

struct Counts {
  int ring_delegated = 0, ring_kept = 0;
  uint64_t late = 0, updates = 0, fired = 0;
};

template <class Assigner>
void check(const Assigner& assigner, const RunConfig& config, PartitionId partitions,
           const std::vector<Event>& events, Counts& counts) {
  GenericTimeWindowOperator<Assigner> general(assigner, config.lateness);
  WindowRingOperator<Assigner> ring(assigner, config.lateness);
  TimeWindowOperator<Assigner> sliced(assigner, config.lateness);
  const Run want = replay(general, config, partitions, events);
  require_same(replay(ring, config, partitions, events), want, "ring operator vs general");
  require_same(replay(sliced, config, partitions, events), want, "time-window operator vs general");
  (ring.delegates() ? counts.ring_delegated : counts.ring_kept) += 1;
  counts.late += want.metrics.late;
  counts.updates += want.metrics.updates;
  counts.fired += want.metrics.windows_fired;
}

const Duration kForever{std::numeric_limits<int64_t>::max()};

}  // namespace

TEST_CASE("window rings: random streams, windows, policies and values match the general operator",
          "[windows]") {
  Counts counts;
  for (int seed = 1; seed <= 300; ++seed) {
    test::Rng rng(uint64_t(seed) * 104729);
    const int64_t advance = rng.uniform(1, 12);
    const int64_t size = advance * rng.uniform(1, 9) + (rng.chance(30) ? rng.uniform(1, 5) : 0);
    const Duration offset{rng.uniform(-(advance - 1), advance - 1)};
    RunConfig config;
    const int p = int(rng.uniform(0, 3));
    config.lateness = p == 0   ? LatenessPolicy::drop()
                      : p == 1 ? LatenessPolicy::grace(Duration{rng.uniform(1, 80)})
                      : p == 2 ? LatenessPolicy::wait(Duration{rng.uniform(1, 60)})
                               : LatenessPolicy::grace(kForever);
    config.watermark = WatermarkSpec::bounded(Duration{rng.uniform(0, 20)});
    if (rng.chance(25)) config.clock = ClockMode::kStreamTime;
    const auto partitions = PartitionId(rng.uniform(1, 3));
    // Every 25th run: thousands of keys in one window, whose firing list is ordered by bitmap.
    const bool crowd = seed % 25 == 0;
    const auto keys = crowd ? uint32_t(5000) : uint32_t(rng.uniform(1, 60));
    const int late_percent = int(rng.uniform(0, 3)) * 5;
    const auto values = Values(rng.uniform(0, 2));
    // Now and then a time past 2^60 ms (beyond the rings), or one key's events spread so far
    // apart under an endless grace that its open windows outgrow a ring.
    const bool huge_time = rng.chance(10);
    const bool spread = p == 3 && rng.chance(30);
    const size_t n = crowd ? 20'000 : size_t(rng.uniform(100, 1500));
    std::vector<Event> events;
    for (size_t i = 0; i < n; ++i) {
      Event e;
      e.row = i + 2;
      e.key = KeyId(rng.uniform(0, keys - 1));
      e.partition = PartitionId(rng.uniform(0, partitions - 1));
      int64_t t = int64_t(i) / (crowd ? 200 : 2);
      if (rng.chance(late_percent)) t -= rng.uniform(1, 100);
      if (spread && i % 50 == 0) t = int64_t(i) * 97 * advance;
      if (huge_time && i == n / 3) t = (int64_t(1) << 61);
      e.event_time = Timestamp{t};
      e.value = draw_value(rng, values, i, n);
      events.push_back(e);
    }
    INFO("seed " << seed << ": size " << size << " advance " << advance << " offset " << offset.ms
                 << ", " << config.lateness.to_string() << ", " << config.watermark.to_string()
                 << ", " << to_string(config.clock) << ", " << partitions << " partitions, " << keys
                 << " keys, late " << late_percent << "%, values " << int(values) << ", huge "
                 << huge_time << ", spread " << spread);
    if (seed % 4 == 0) {
      check(TumblingAssigner(Duration{size}, offset), config, partitions, events, counts);
    } else {
      check(HoppingAssigner(Duration{size}, Duration{advance}, offset), config, partitions, events,
            counts);
    }
  }
  // Both the rings and their handover ran, with late events, updates and firings.
  CHECK(counts.ring_kept > 100);
  CHECK(counts.ring_delegated > 10);
  CHECK(counts.late > 1000);
  CHECK(counts.updates > 1000);
  CHECK(counts.fired > 10000);
}

TEST_CASE("time windows at the ends of int64 match the general operator, with no overflow",
          "[windows]") {
  // Windows there start at -inf or end at +inf (saturated, docs/design.md §1); the sanitizer build
  // runs this for overflow in assignment, firing and handover.
  constexpr int64_t lo = std::numeric_limits<int64_t>::min();
  constexpr int64_t hi = std::numeric_limits<int64_t>::max();
  Counts counts;
  for (const int64_t base : {lo, lo + 7, hi - 40, hi - 19}) {
    for (int p = 0; p < 3; ++p) {
      RunConfig config;
      config.lateness = p == 0   ? LatenessPolicy::drop()
                        : p == 1 ? LatenessPolicy::grace(Duration{5})
                                 : LatenessPolicy::wait(Duration{5});
      config.watermark = WatermarkSpec::bounded(Duration{3});
      std::vector<Event> events;
      for (int i = 0; i < 40; ++i) {
        Event e;
        e.row = uint64_t(i) + 2;
        e.key = KeyId(i % 3);
        // Mostly in order, every fifth event 4 ms late.
        const int64_t t = std::clamp<int64_t>(i / 2 - (i % 5 == 4 ? 4 : 0), 0, 19);
        e.event_time = Timestamp{base + t};
        e.value = i % 2 ? 1.5 : 2.0;
        events.push_back(e);
      }
      INFO("base " << base << ", " << config.lateness.to_string());
      check(HoppingAssigner(Duration{10}, Duration{5}, Duration{-4}), config, 1, events, counts);
      check(TumblingAssigner(Duration{10}, Duration{4}), config, 1, events, counts);
    }
  }
  CHECK(counts.fired > 0);
}
