// Runs with more keys than the caches hold, where the sliced operator takes its many-key paths
// (prefetching, key lists sorted through a bitmap): it must emit exactly what the general
// hash-map operator emits on the same records.
#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "test_support.hpp"
#include "tidemark/core/runtime/driver.hpp"
#include "tidemark/windows/spec/assigners.hpp"
#include "tidemark/windows/time/generic_time_window_operator.hpp"
#include "tidemark/windows/time/time_window_operator.hpp"
#include "tidemark/windows/time/window_buckets.hpp"

using namespace tidemark;
using namespace tidemark::literals;

namespace {

// `keys` keys, 20 records per ms, 5% of them up to 3 s late; integer values.
std::vector<Event> many_key_events(uint32_t keys, size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Event> out(n);
  for (size_t i = 0; i < n; ++i) {
    Event& e = out[i];
    e.row = i + 2;
    e.key = KeyId(rng() % keys);
    int64_t t = int64_t(i / 20);
    if (rng() % 100 < 5) t -= int64_t(rng() % 3'000);
    e.event_time = Timestamp{t};
    e.value = double(rng() % 100);
  }
  return out;
}

using test::replay;

bool same(const Emission& a, const Emission& b) {
  return a.key == b.key && a.window == b.window && a.stats == b.stats && a.kind == b.kind &&
         a.clock == b.clock && a.seq == b.seq;
}

}  // namespace

TEST_CASE("many keys: sliced windows match the general operator", "[windows][many-keys]") {
  const auto events = many_key_events(80'000, 200'000, 5);
  // Beside the usual policies, amounts at the int64 limit: the oracle's wait, an endless grace.
  const Duration forever{std::numeric_limits<int64_t>::max()};
  for (const LatenessPolicy& lateness :
       {LatenessPolicy::drop(), LatenessPolicy::grace(2_s), LatenessPolicy::wait(forever),
        LatenessPolicy::grace(forever)}) {
    const std::string policy = lateness.to_string();
    RunConfig config;
    config.lateness = lateness;
    config.watermark = WatermarkSpec::parse("bounded:500ms");
    // The same events through the sliced operator and the general one.
    const auto check = [&](const auto& assigner, const char* kind) {
      INFO(policy << " " << kind);
      Metrics fast_m, general_m;
      const auto fast =
          replay(TimeWindowOperator(assigner, config.lateness), config, events, fast_m);
      const auto general =
          replay(GenericTimeWindowOperator(assigner, config.lateness), config, events, general_m);
      REQUIRE(fast.size() == general.size());
      CHECK(std::equal(fast.begin(), fast.end(), general.begin(), same));
      CHECK(fast_m.late == general_m.late);
      return fast_m.late;
    };
    const uint64_t late = check(TumblingAssigner(Duration{5'000}, {}), "tumbling");
    CHECK((late > 0) == (lateness.allowed() != forever));  // windows that never close
    check(HoppingAssigner(Duration{10'000}, Duration{5'000}, {}), "hopping");
  }
}

TEST_CASE("window buckets sort large key lists through a bitmap", "[windows]") {
  std::mt19937 rng(11);
  for (const size_t key_count : {size_t(5'000), size_t(70'000)}) {
    WindowBuckets buckets;
    buckets.reserve(3);
    std::vector<KeyId> want;
    for (size_t i = 0; i < key_count; ++i) {
      const KeyId k = KeyId(rng() % key_count);
      buckets.enqueue(3, k);
      want.push_back(k);
    }
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    std::vector<KeyId> got = buckets.sorted_keys(3, key_count);
    got.erase(std::unique(got.begin(), got.end()), got.end());  // the comparison sort keeps them
    CHECK(got == want);
  }
}

// The newest-slice cache names slices by 32-bit tags relative to a base that moves up as time
// does: runs whose event times jump by more than 2^32 slices move it (writing every cached slice
// back first), and late events far below it are never cached. Values mix 0 and -0, so min and
// max are compared bit for bit: the cached path must combine exactly as the ring does.
TEST_CASE("sliced windows match the general operator across 2^32-slice time jumps", "[windows]") {
  std::mt19937_64 rng(11);
  std::vector<Event> events;
  const int64_t jump = int64_t(3) << 31;  // 1 ms slices: beyond the 2^32 tags of one base
  for (int64_t phase = 0; phase < 5; ++phase) {
    for (int i = 0; i < 300; ++i) {
      Event e;
      e.row = events.size() + 2;
      // Keys of their own per phase: a key's slices spanning a jump would not stay sliced.
      e.key = KeyId(phase * 4 + int64_t(rng() % 4));
      int64_t t = phase * jump + i / 10;
      if (phase > 1 && rng() % 20 == 0) {  // back to the first phase, and its keys
        t = int64_t(rng() % 30);
        e.key = KeyId(rng() % 4);
      }
      e.event_time = Timestamp{t};
      const int v = int(rng() % 5) - 2;
      e.value = v == 0 && rng() % 2 ? -0.0 : double(v);
      events.push_back(e);
    }
  }
  const auto bits = [](double d) { return std::bit_cast<uint64_t>(d); };
  // With an endless wait no window fires before the end, so cached slices live across the jumps.
  const Duration forever{std::numeric_limits<int64_t>::max()};
  for (const LatenessPolicy& lateness :
       {LatenessPolicy::drop(), LatenessPolicy::grace(forever), LatenessPolicy::wait(forever)}) {
    INFO(lateness.to_string());
    RunConfig config;
    config.lateness = lateness;
    const auto check = [&](const auto& assigner) {
      Metrics fast_m, general_m;
      const auto fast =
          replay(TimeWindowOperator(assigner, config.lateness), config, events, fast_m);
      const auto general =
          replay(GenericTimeWindowOperator(assigner, config.lateness), config, events, general_m);
      REQUIRE(fast.size() == general.size());
      for (size_t i = 0; i < fast.size(); ++i) {
        INFO("emission " << i);
        REQUIRE(same(fast[i], general[i]));
        CHECK(bits(fast[i].stats.min) == bits(general[i].stats.min));
        CHECK(bits(fast[i].stats.max) == bits(general[i].stats.max));
      }
      CHECK(fast_m.late == general_m.late);
      return fast_m;
    };
    const Metrics m = check(TumblingAssigner(Duration{1}, {}));
    CHECK(m.windows_fired > 500);
    CHECK((m.updates > 0) == (lateness.kind() == LatenessPolicy::Kind::kGrace));  // phase 0
    check(HoppingAssigner(Duration{2}, Duration{1}, {}));
  }
}
