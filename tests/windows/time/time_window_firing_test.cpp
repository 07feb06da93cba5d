// Firing runs of windows in the sliced operator (slicing::SliceRingFiring): a clock jump
// or the end-of-trace flush fires many window indexes at once, through per-key cursors that
// reuse a window's aggregate while its slices holding events stay the same. Checked against the
// general hash-map operator on the same records: every emission (key, window, statistics, kind,
// clock, processing time, sequence number) must match, in the same order.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "tidemark/core/runtime/driver.hpp"
#include "tidemark/windows/spec/assigners.hpp"
#include "tidemark/windows/time/generic_time_window_operator.hpp"
#include "tidemark/windows/time/time_window_operator.hpp"

using namespace tidemark;

namespace {

// Keys that start at their own times, each with up to 16 events and its own spacing: dense keys
// (every slice holds events), sparse ones (gaps longer than a window, so a key's windows come in
// separate runs) and keys with a single event. No event has a time in [2000, 2600): the clock
// jumps over it and fires many windows at once mid-trace. 4% of the events arrive up to 300 ms
// late; values are integers of both signs, so sums are exact in any order.
std::vector<Event> staggered_key_events(uint32_t keys, uint64_t seed) {
  test::Rng rng(seed);
  struct Timed {
    int64_t arrival;
    Event e;
  };
  std::vector<Timed> timed;
  const int64_t steps[] = {1, 3, 7, 25, 90, 400, 1'200};
  for (uint32_t k = 0; k < keys; ++k) {
    const int64_t step = steps[rng.uniform(0, 6)];
    const int64_t count = rng.uniform(1, 16);
    const int64_t start = rng.uniform(-200, 4'000);
    // Within 3 s: the sliced operator keeps its own state for spans of up to 2^14 slices.
    for (int64_t i = 0, t = start; i < count && t < start + 3'000;
         ++i, t += step + rng.uniform(0, step)) {
      if (t >= 2'000 && t < 2'600) continue;
      Event e;
      e.key = KeyId(k);
      e.event_time = Timestamp{t};
      e.value = double(rng.uniform(-50, 50));
      const int64_t arrival = rng.chance(4) ? t + rng.uniform(0, 300) : t;
      timed.push_back({arrival, e});
    }
  }
  std::stable_sort(timed.begin(), timed.end(),
                   [](const Timed& x, const Timed& y) { return x.arrival < y.arrival; });
  std::vector<Event> out;
  for (const Timed& x : timed) {
    out.push_back(x.e);
    out.back().row = out.size() + 1;
  }
  return out;
}

using test::replay;

bool same(const Emission& a, const Emission& b) {
  return a.key == b.key && a.window == b.window && a.stats == b.stats && a.kind == b.kind &&
         a.clock == b.clock && a.proc_time == b.proc_time && a.seq == b.seq;
}

std::string describe(const Emission& e) {
  return fmt::format("key {} [{},{}) count {} sum {} min {} max {} kind {} clock {} proc {} seq {}",
                     e.key, e.window.start.ms, e.window.end.ms, e.stats.count, e.stats.sum,
                     e.stats.min, e.stats.max, to_string(e.kind), e.clock.ms, e.proc_time.ms,
                     e.seq);
}

template <class Assigner>
void check_against_general(const Assigner& assigner, const RunConfig& config,
                           const std::vector<Event>& events) {
  Metrics fast_m, general_m;
  const auto fast = replay(TimeWindowOperator(assigner, config.lateness), config, events, fast_m);
  const auto general =
      replay(GenericTimeWindowOperator(assigner, config.lateness), config, events, general_m);
  REQUIRE(fast.size() == general.size());
  const auto differ = std::mismatch(fast.begin(), fast.end(), general.begin(), same).first;
  if (differ != fast.end()) {
    const size_t i = size_t(differ - fast.begin());
    FAIL("emission " << i << ": sliced " << describe(fast[i]) << ", general "
                     << describe(general[i]));
  }
  CHECK(fast_m.late == general_m.late);
  CHECK(fast_m.windows_fired == general_m.windows_fired);
  CHECK(fast_m.updates == general_m.updates);
  CHECK(fast_m.accepted + fast_m.late == fast_m.events);
}

const Duration kForever{std::numeric_limits<int64_t>::max()};

}  // namespace

TEST_CASE("sliced windows fire runs of windows as the general operator does", "[windows]") {
  // 2,000 keys: far more than the prefetch distances of the firing.
  const auto events = staggered_key_events(2'000, 21);
  for (const LatenessPolicy& lateness :
       {LatenessPolicy::drop(), LatenessPolicy::grace(Duration{150}),
        LatenessPolicy::wait(Duration{120}), LatenessPolicy::wait(kForever)}) {
    RunConfig config;
    config.lateness = lateness;
    config.watermark = WatermarkSpec::bounded(Duration{40});
    INFO(lateness.to_string());
    {
      INFO("hopping, 60 slices a window, advancing by one");
      check_against_general(HoppingAssigner(Duration{60}, Duration{1}, {}), config, events);
    }
    {
      INFO("hopping, advance of several slices, offset");
      check_against_general(HoppingAssigner(Duration{100}, Duration{30}, Duration{7}), config,
                            events);
    }
    {
      INFO("hopping, advance equal to the size");
      check_against_general(HoppingAssigner(Duration{50}, Duration{50}, {}), config, events);
    }
    {
      INFO("tumbling");
      check_against_general(TumblingAssigner(Duration{40}, Duration{-3}), config, events);
    }
  }
}

TEST_CASE("sliced windows: a key's windows resume after a gap within one run", "[windows]") {
  // One key, events at 0..4 and 200..204, hopping 20/5: windows [-15,5)..[0,20) hold the first
  // events, [185,205)..[200,220) the second, and nothing in between. Everything fires at the
  // end (wait forever), as one run with a gap for the cursor to jump.
  std::vector<Event> events;
  for (const int64_t t : {0, 1, 2, 3, 4, 200, 201, 202, 203, 204}) {
    Event e;
    e.row = events.size() + 2;
    e.event_time = Timestamp{t};
    e.value = double(t % 7) - 3;
    events.push_back(e);
  }
  RunConfig config;
  config.lateness = LatenessPolicy::wait(kForever);
  Metrics m;
  const auto out =
      replay(TimeWindowOperator(HoppingAssigner(Duration{20}, Duration{5}, {}), config.lateness),
             config, events, m);
  std::vector<int64_t> starts;
  for (const Emission& e : out) starts.push_back(e.window.start.ms);
  CHECK(starts == std::vector<int64_t>{-15, -10, -5, 0, 185, 190, 195, 200});
  REQUIRE(out.size() == 8);
  CHECK(out[0].stats.count == 5);
  CHECK(out[0].stats.sum == -5);  // values -3, -2, -1, 0, 1
  CHECK(out[4].stats.count == 5);
  for (size_t i = 0; i < out.size(); ++i) CHECK(out[i].seq == i + 1);
  check_against_general(HoppingAssigner(Duration{20}, Duration{5}, {}), config, events);
}

TEST_CASE("sliced windows: runs fire in window order, then key order, across keys", "[windows]") {
  // Keys whose events start at different times and stop at different times; with an endless
  // grace nothing closes, and the flush interleaves their windows by end, then key.
  std::vector<Event> events;
  const int64_t spans[][2] = {{0, 30}, {10, 12}, {25, 90}, {0, 0}, {60, 61}};
  for (int64_t t = 0; t <= 90; ++t) {
    for (uint32_t k = 0; k < 5; ++k) {
      if (t < spans[k][0] || t > spans[k][1]) continue;
      Event e;
      e.row = events.size() + 2;
      e.key = KeyId(4 - k);  // keys seen in reverse id order
      e.event_time = Timestamp{t};
      e.value = double(k + 1);
      events.push_back(e);
    }
  }
  for (const LatenessPolicy& lateness :
       {LatenessPolicy::grace(kForever), LatenessPolicy::wait(Duration{35}),
        LatenessPolicy::drop()}) {
    INFO(lateness.to_string());
    RunConfig config;
    config.lateness = lateness;
    config.watermark = WatermarkSpec::bounded(Duration{5});
    Metrics m;
    const auto out =
        replay(TimeWindowOperator(HoppingAssigner(Duration{30}, Duration{10}, {}), config.lateness),
               config, events, m);
    for (size_t i = 1; i < out.size(); ++i) {
      const Emission& a = out[i - 1];
      const Emission& b = out[i];
      CHECK(a.seq + 1 == b.seq);
      // Within one clock value: by end, then key.
      if (a.clock == b.clock) {
        CHECK(std::pair(a.window.end, a.key) < std::pair(b.window.end, b.key));
      }
    }
    check_against_general(HoppingAssigner(Duration{30}, Duration{10}, {}), config, events);
  }
}
