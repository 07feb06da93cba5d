// Runs with more keys than the caches hold, where the sliced operator takes its many-key paths
// (prefetching, key lists sorted through a bitmap): it must emit exactly what the general
// hash-map operator emits on the same records.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "tidemark/core/driver.hpp"
#include "tidemark/windows/assigners.hpp"
#include "tidemark/windows/generic_time_window_operator.hpp"
#include "tidemark/windows/time_window_operator.hpp"
#include "tidemark/windows/window_buckets.hpp"

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

template <class Op>
std::vector<Emission> replay(Op op, const RunConfig& config, const std::vector<Event>& events,
                             Metrics& metrics) {
  CollectingSink sink;
  Driver driver(config, 1, false, op, sink, sink);
  driver.process(std::span<const Event>(events));
  metrics = driver.finish();
  return sink.emissions;
}

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
      const auto fast = replay(TimeWindowOperator(assigner, config.lateness), config, events, fast_m);
      const auto general = replay(GenericTimeWindowOperator(assigner, config.lateness), config,
                                  events, general_m);
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
