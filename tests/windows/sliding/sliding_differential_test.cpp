// Differential check of SlidingOperator against an earlier implementation (kept verbatim as
// support/legacy_sliding_operator.hpp: per-window eager aggregates, one timer per key): on random
// traces with disorder, late events, ties, several keys and partitions, both clocks and every
// policy, the emissions (bit for bit), late events and window counts must be identical. Values are
// integers (the lazy path), fractional (the eager path) or switch from one to the other mid-run.

#include <bit>
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include "support/legacy_sliding_operator.hpp"
#include "test_support.hpp"
#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/runtime/driver.hpp"
#include "tidemark/windows/sliding/sliding_operator.hpp"

namespace tidemark {
namespace {

using test::LegacySlidingOperator;
using test::Rng;

enum class Values {
  kIntegers,
  kFractions,
  kIntegersThenFractions,
  kIntegersThenHuge,
  kIntegersThenNegZero
};

struct Scenario {
  std::vector<Event> events;
  RunConfig config;
  PartitionId partitions = 1;
  Duration diff;
  Values values = Values::kIntegers;
};

// `in_order_start`: the first events (a random share, at least a quarter) arrive in time order,
// as the in-order log takes them, with more keys and ties.
Scenario random_scenario(Rng& rng, bool in_order_start = false) {
  Scenario s;
  s.diff = Duration{rng.uniform(1, 40)};
  s.partitions = PartitionId(rng.uniform(1, 3));
  s.values = Values(rng.uniform(0, 4));
  const int n = int(rng.uniform(50, 400));
  const int keys = int(rng.uniform(1, in_order_start ? 60 : 5));
  const int64_t max_gap = rng.uniform(0, in_order_start && rng.chance(50) ? 2 : 25);
  const int in_order_until = in_order_start ? int(rng.uniform(n / 4, n + n / 2)) : 0;
  const int late_percent = int(rng.uniform(0, 30));
  const int64_t lateness = rng.uniform(1, 120);
  int64_t base = 0;
  switch (rng.uniform(0, 9)) {  // now and then near the ends of time, to exercise saturation
    case 0:
      base = std::numeric_limits<int64_t>::max() - int64_t(n) * max_gap / 2 - 60;
      break;
    case 1:
      base = std::numeric_limits<int64_t>::min() + 200;
      break;
    default:
      base = rng.uniform(-100'000, 100'000);
  }
  int64_t t = base;
  for (int i = 0; i < n; ++i) {
    const int64_t gap = rng.uniform(0, max_gap);
    // Stay just below +inf: windows there end at a saturated +inf.
    t = t < std::numeric_limits<int64_t>::max() - 100
            ? t + gap
            : std::numeric_limits<int64_t>::max() - rng.uniform(1, 4);
    Event e;
    e.row = uint64_t(i) + 2;
    e.key = KeyId(rng.uniform(0, keys - 1));
    e.partition = PartitionId(rng.uniform(0, int64_t(s.partitions) - 1));
    e.event_time = Timestamp{
        i >= in_order_until && rng.chance(late_percent) ? t - rng.uniform(1, lateness) : t};
    const bool later_half = i >= n / 2;
    switch (s.values) {
      case Values::kIntegers:
        e.value = double(rng.uniform(-50, 100));
        break;
      case Values::kFractions:
        e.value = double(rng.uniform(-500, 1000)) / 7.0;
        break;
      case Values::kIntegersThenFractions:
        e.value = later_half ? double(rng.uniform(0, 1000)) / 3.0 : double(rng.uniform(0, 100));
        break;
      case Values::kIntegersThenHuge:
        e.value = later_half && rng.chance(10) ? 3e15 : double(rng.uniform(-100, 100));
        break;
      case Values::kIntegersThenNegZero:
        e.value = later_half && rng.chance(10) ? -0.0 : double(rng.uniform(0, 3));
        break;
    }
    s.events.push_back(e);
  }
  switch (rng.uniform(0, 2)) {
    case 0:
      s.config.lateness = LatenessPolicy::drop();
      break;
    case 1:
      s.config.lateness = LatenessPolicy::wait(Duration{rng.uniform(1, 60)});
      break;
    default:
      s.config.lateness = LatenessPolicy::grace(Duration{rng.uniform(1, 80)});
      break;
  }
  s.config.clock = rng.chance(30) ? ClockMode::kStreamTime : ClockMode::kWatermark;
  s.config.watermark = WatermarkSpec::bounded(Duration{rng.uniform(0, 30)});
  s.config.end = rng.chance(20) ? EndMode::kKeep : EndMode::kFlush;
  return s;
}

struct Outcome {
  CollectingSink sink;
  Metrics metrics;
  bool lazy = false;
};

template <class Op>
void replay(const Scenario& s, Op& op, Outcome& out) {
  Driver driver(s.config, s.partitions, false, op, out.sink, out.sink);
  for (const Event& e : s.events) driver.process(e);
  out.metrics = driver.finish();
}

bool same_bits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

bool same(const Emission& a, const Emission& b) {
  return a.key == b.key && a.window == b.window && a.kind == b.kind && a.clock == b.clock &&
         a.proc_time == b.proc_time && a.seq == b.seq && a.stats.count == b.stats.count &&
         same_bits(a.stats.sum, b.stats.sum) && same_bits(a.stats.min, b.stats.min) &&
         same_bits(a.stats.max, b.stats.max) && same_bits(a.stats.mean, b.stats.mean);
}

bool same(const LateEvent& a, const LateEvent& b) {
  return a.row == b.row && a.partition == b.partition && a.key == b.key &&
         a.event_time == b.event_time && a.extracted_time == b.extracted_time && a.clock == b.clock;
}

}  // namespace
}  // namespace tidemark

using namespace tidemark;

namespace {

// Runs `s` through both operators and requires the same emissions, late events and window counts;
// `op` is left as the run left it.
void require_as_legacy(const Scenario& s, SlidingOperator& op, Outcome& want) {
  Outcome got;
  LegacySlidingOperator legacy(s.diff, s.config.lateness);
  replay(s, legacy, want);
  replay(s, op, got);
  REQUIRE(got.sink.emissions.size() == want.sink.emissions.size());
  for (size_t i = 0; i < want.sink.emissions.size(); ++i) {
    INFO("emission " << i);
    REQUIRE(same(got.sink.emissions[i], want.sink.emissions[i]));
  }
  REQUIRE(got.sink.late.size() == want.sink.late.size());
  for (size_t i = 0; i < want.sink.late.size(); ++i)
    REQUIRE(same(got.sink.late[i], want.sink.late[i]));
  CHECK(got.metrics.accepted == want.metrics.accepted);
  CHECK(got.metrics.peak_open_windows == want.metrics.peak_open_windows);
  CHECK(got.metrics.open_windows_at_end == want.metrics.open_windows_at_end);
  CHECK(op.open_windows() == legacy.open_windows());
}

}  // namespace

TEST_CASE("sliding: the operator matches its previous implementation bit for bit", "[sliding]") {
  Rng rng(20261122);
  int lazy_runs = 0, switched_runs = 0;
  uint64_t late = 0, updates = 0, saturated = 0;
  for (int run = 0; run < 600; ++run) {
    const Scenario s = random_scenario(rng);
    INFO("run " << run << ", diff " << s.diff.ms << ", policy " << s.config.lateness.to_string()
                << ", values " << int(s.values) << ", events " << s.events.size());
    Outcome want;
    SlidingOperator op(s.diff, s.config.lateness);
    require_as_legacy(s, op, want);
    (op.lazy_aggregates() ? lazy_runs : switched_runs) += 1;
    late += want.metrics.late;
    updates += want.metrics.updates;
    for (const Emission& e : want.sink.emissions) saturated += e.window.end == Timestamp::max();
    if (s.values == Values::kIntegers || s.values == Values::kIntegersThenNegZero) {
      // -0.0 switches only if it arrives; plain small integers never do.
      if (s.values == Values::kIntegers) CHECK(op.lazy_aggregates());
    } else {
      CHECK_FALSE(op.lazy_aggregates());
    }
  }
  // Both paths, late events, grace updates and saturated window ends were exercised.
  CHECK(lazy_runs > 100);
  CHECK(switched_runs > 100);
  CHECK(late > 1000);
  CHECK(updates > 1000);
  CHECK(saturated > 0);
}

TEST_CASE("sliding: windows found from the in-order log, and handed over from it, are exact",
          "[sliding]") {
  Rng rng(20261203);
  int whole_run = 0, handed_over = 0, whole_run_eager = 0, handed_over_eager = 0;
  uint64_t emissions = 0, late = 0;
  for (int run = 0; run < 800; ++run) {
    const Scenario s = random_scenario(rng, true);
    INFO("run " << run << ", diff " << s.diff.ms << ", policy " << s.config.lateness.to_string()
                << ", values " << int(s.values) << ", events " << s.events.size());
    Outcome want;
    SlidingOperator op(s.diff, s.config.lateness);
    require_as_legacy(s, op, want);
    if (op.windows_from_log()) {
      ++whole_run;
      whole_run_eager += !op.lazy_aggregates();
    } else {
      ++handed_over;
      handed_over_eager += !op.lazy_aggregates();
    }
    emissions += want.sink.emissions.size();
    late += want.metrics.late;
  }
  // Runs that stayed in the log to the end and runs handed over by an event out of order, each
  // with exact sums and with values that are not, with many windows and late events after the
  // handover.
  CHECK(whole_run - whole_run_eager > 25);
  CHECK(whole_run_eager > 25);
  CHECK(handed_over - handed_over_eager > 60);
  CHECK(handed_over_eager > 60);
  CHECK(emissions > 100'000);
  CHECK(late > 1000);
}

TEST_CASE("sliding: the switch to eager aggregates keeps the windows already open", "[sliding]") {
  // DIFF 10, grace 100: integers first, then a fraction while windows are open and fired.
  RunConfig config;
  config.lateness = LatenessPolicy::grace(Duration{100});
  config.watermark = WatermarkSpec::bounded(Duration{0});
  std::vector<Event> events;
  const double values[] = {1, 2, 3, 4, 0.1, 5, 0.2, 6};
  const int64_t times[] = {10, 12, 30, 31, 15, 33, 29, 50};
  for (size_t i = 0; i < 8; ++i) {
    Event e;
    e.row = i + 2;
    e.event_time = Timestamp{times[i]};
    e.value = values[i];
    events.push_back(e);
  }
  Scenario s{events, config, 1, Duration{10}, Values::kIntegersThenFractions};
  Outcome want, got;
  LegacySlidingOperator legacy(s.diff, config.lateness);
  replay(s, legacy, want);
  SlidingOperator op(s.diff, config.lateness);
  replay(s, op, got);
  CHECK_FALSE(op.lazy_aggregates());
  REQUIRE(got.sink.emissions.size() == want.sink.emissions.size());
  REQUIRE(want.metrics.updates > 0);
  for (size_t i = 0; i < want.sink.emissions.size(); ++i)
    CHECK(same(got.sink.emissions[i], want.sink.emissions[i]));
}

TEST_CASE("sliding: a key idle in the in-order log gives its events back", "[sliding]") {
  // 200 keys, one after the other, each a burst of 500 events at one time; DIFF 5 ms.
  RunConfig config;
  config.watermark = WatermarkSpec::bounded(Duration{0});
  std::vector<Event> events;
  for (KeyId key = 0; key < 200; ++key) {
    for (int i = 0; i < 500; ++i) {
      Event e;
      e.row = events.size() + 2;
      e.key = key;
      e.event_time = Timestamp{int64_t(key) * 20};
      e.value = double(i % 7);
      events.push_back(e);
    }
  }
  SlidingOperator op(Duration{5}, config.lateness);
  CollectingSink sink;
  Driver driver(config, 1, false, op, sink, sink);
  driver.process(std::span<const Event>(events));
  CHECK(op.windows_from_log());
  // Each key's left window fired; its events were needed no longer once its right window's turn
  // came (it has none). Kept, they would take 200 x 500 x 16 bytes.
  CHECK(op.state_bytes() < 200 * 64 + 2 * 500 * 16 + 64 * 1024);
  CHECK(sink.emissions.size() == 199);
  const Metrics m = driver.finish();
  CHECK(m.windows_fired == 200);
}
