// Hopping windows in the column layout (slicing::Layout::kColumnsWhileInOrder, the default):
// while the stream arrives in slice order, every emission (key, window, statistics, kind,
// clock, processing time, sequence number) and every count must be what the per-key rings and
// the general hash-map operator give on the same records, and so after the state has moved to
// the rings mid-run (a late event, too many keys, too few keys per window).
#include "tidemark/windows/time/slice_columns.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
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

bool same(const Emission& a, const Emission& b) {
  return a.key == b.key && a.window == b.window && a.stats == b.stats && a.kind == b.kind &&
         a.clock == b.clock && a.proc_time == b.proc_time && a.seq == b.seq;
}

std::string describe(const Emission& e) {
  return fmt::format("key {} [{},{}) count {} sum {} min {} max {} kind {} clock {} seq {}", e.key,
                     e.window.start.ms, e.window.end.ms, e.stats.count, e.stats.sum, e.stats.min,
                     e.stats.max, to_string(e.kind), e.clock.ms, e.seq);
}

void require_same(const std::vector<Emission>& got, const std::vector<Emission>& want,
                  const char* what) {
  INFO(what);
  REQUIRE(got.size() == want.size());
  const auto differ = std::mismatch(got.begin(), got.end(), want.begin(), same).first;
  if (differ != got.end()) {
    const size_t i = size_t(differ - got.begin());
    FAIL("emission " << i << ": columns " << describe(got[i]) << ", other " << describe(want[i]));
  }
}

struct Outcome {
  bool in_columns_at_end;  // before the end-of-trace flush
};

template <class Op>
std::vector<Emission> replay(Op& op, const RunConfig& config, PartitionId partitions,
                             const std::vector<Event>& events, Metrics& metrics, bool* kept) {
  CollectingSink sink;
  Driver driver(config, partitions, false, op, sink, sink);
  driver.process(std::span<const Event>(events));
  if constexpr (requires { op.in_columns(); }) *kept = op.in_columns();
  metrics = driver.finish();
  return sink.emissions;
}

// Replays `events` (on partitions [0, partitions)) through the three operators and compares
// them; returns whether the column layout kept its columns to the end of the records.
Outcome check(const HoppingAssigner& assigner, const RunConfig& config,
              const std::vector<Event>& events, PartitionId partitions = 1) {
  using Op = TimeWindowOperator<HoppingAssigner>;
  Op columns(assigner, config.lateness);
  Op rings(assigner, config.lateness, slicing::Layout::kKeyRings);
  GenericTimeWindowOperator<HoppingAssigner> general(assigner, config.lateness);
  Metrics cm, rm, gm;
  bool kept = false, rings_kept = true;
  const auto got = replay(columns, config, partitions, events, cm, &kept);
  require_same(got, replay(rings, config, partitions, events, rm, &rings_kept),
               "against the per-key rings");
  require_same(got, replay(general, config, partitions, events, gm, nullptr),
               "against the general operator");
  CHECK_FALSE(rings_kept);
  CHECK(cm.late == rm.late);
  CHECK(cm.accepted == rm.accepted);
  CHECK(cm.windows_fired == rm.windows_fired);
  CHECK(cm.updates == rm.updates);
  CHECK(cm.peak_open_windows == rm.peak_open_windows);
  CHECK(cm.late == gm.late);
  return {kept};
}

// In event-time order: `keys` keys, each sending with probability `percent` at every ms of
// [0, span) but skipping the ms in [gap_from, gap_to) (the clock jumps over them); integer
// values of both signs.
std::vector<Event> in_order(uint32_t keys, int64_t span, int percent, int64_t gap_from,
                            int64_t gap_to, uint64_t seed) {
  test::Rng rng(seed);
  std::vector<Event> out;
  for (int64_t t = 0; t < span; ++t) {
    if (t >= gap_from && t < gap_to) continue;
    for (uint32_t k = 0; k < keys; ++k) {
      if (!rng.chance(percent)) continue;
      Event e;
      e.row = out.size() + 2;
      e.key = KeyId(rng.uniform(0, keys - 1));
      e.event_time = Timestamp{t};
      e.value = double(rng.uniform(-40, 40));
      out.push_back(e);
    }
  }
  return out;
}

const Duration kForever{std::numeric_limits<int64_t>::max()};

}  // namespace

TEST_CASE("hopping windows in columns emit what the rings and the general operator emit",
          "[windows]") {
  const auto dense = in_order(40, 400, 30, 150, 260, 31);  // a gap longer than the windows
  const auto sparse = in_order(300, 600, 1, -1, -1, 32);   // few keys per window
  for (const LatenessPolicy& lateness :
       {LatenessPolicy::drop(), LatenessPolicy::grace(Duration{25}),
        LatenessPolicy::wait(Duration{17}), LatenessPolicy::wait(kForever),
        LatenessPolicy::grace(kForever)}) {
    for (const auto& watermark :
         {WatermarkSpec::bounded(Duration{0}), WatermarkSpec::bounded(Duration{9})}) {
      RunConfig config;
      config.lateness = lateness;
      config.watermark = watermark;
      INFO(lateness.to_string() << ", " << watermark.to_string());
      for (const auto* events : {&dense, &sparse}) {
        INFO((events == &dense ? "dense keys" : "sparse keys"));
        CHECK(check(HoppingAssigner(Duration{60}, Duration{1}, {}), config, *events)
                  .in_columns_at_end);
        CHECK(check(HoppingAssigner(Duration{100}, Duration{30}, Duration{7}), config, *events)
                  .in_columns_at_end);
        CHECK(check(HoppingAssigner(Duration{21}, Duration{6}, Duration{-4}), config, *events)
                  .in_columns_at_end);
        CHECK(check(HoppingAssigner(Duration{50}, Duration{50}, {}), config, *events)
                  .in_columns_at_end);
      }
    }
  }
}

TEST_CASE("hopping windows leave the columns for the rings when the stream stops being in order",
          "[windows]") {
  RunConfig config;
  config.watermark = WatermarkSpec::bounded(Duration{30});
  const HoppingAssigner assigner(Duration{60}, Duration{10}, {});
  std::vector<Event> events = in_order(25, 500, 20, -1, -1, 33);
  SECTION("an event older than the newest slice, within the watermark's lag") {
    for (const LatenessPolicy& lateness :
         {LatenessPolicy::drop(), LatenessPolicy::grace(Duration{40})}) {
      config.lateness = lateness;
      std::vector<Event> late = events;
      Event e = late[late.size() / 2];
      e.event_time = e.event_time - Duration{25};
      late.insert(late.begin() + ptrdiff_t(late.size() / 2), e);
      CHECK_FALSE(check(assigner, config, late).in_columns_at_end);
    }
  }
  SECTION("an event in a window that has fired, within grace") {
    config.lateness = LatenessPolicy::grace(Duration{200});
    std::vector<Event> late = events;
    Event e = late[late.size() * 3 / 4];
    e.event_time = e.event_time - Duration{150};
    late.insert(late.begin() + ptrdiff_t(late.size() * 3 / 4), e);
    CHECK_FALSE(check(assigner, config, late).in_columns_at_end);
  }
  SECTION("events past the watermark are dropped and keep the columns") {
    config.lateness = LatenessPolicy::drop();
    std::vector<Event> late = events;
    Event e = late[late.size() / 2];
    e.event_time = e.event_time - Duration{200};  // every window of it has closed
    late.insert(late.begin() + ptrdiff_t(late.size() / 2), e);
    CHECK(check(assigner, config, late).in_columns_at_end);
  }
  SECTION("a value that is not an integer: the general operator") {
    std::vector<Event> odd = events;
    odd[odd.size() / 3].value = 0.5;
    CHECK_FALSE(check(assigner, config, odd).in_columns_at_end);
  }
  SECTION("more keys than the columns hold") {
    std::vector<Event> many = events;
    for (uint32_t k = 0; k < 3; ++k) {
      Event e = many[many.size() / 2 + k];
      e.key = KeyId((1u << 16) + k * 7);
      many.insert(many.begin() + ptrdiff_t(many.size() / 2 + k), e);
    }
    CHECK_FALSE(check(assigner, config, many).in_columns_at_end);
  }
  SECTION("a few keys per window among many: the sweeps cost more than rings") {
    // 20k keys each send once at the start, then one key alone for 2,000 windows.
    std::vector<Event> lone;
    for (uint32_t k = 0; k < 20'000; ++k) {
      Event e;
      e.key = KeyId(k);
      e.event_time = Timestamp{0};
      lone.push_back(e);
    }
    for (int64_t t = 1; t < 20'000; t += 10) {
      Event e;
      e.key = KeyId(19'999);
      e.event_time = Timestamp{t};
      e.value = double(t % 5);
      lone.push_back(e);
    }
    for (size_t i = 0; i < lone.size(); ++i) lone[i].row = i + 2;
    CHECK_FALSE(check(assigner, config, lone).in_columns_at_end);
  }
}

TEST_CASE("slice columns: prefix and suffix scans of blocks, empty records by tag", "[windows]") {
  slicing::SliceColumns c(4);  // blocks of 4 slices
  c.resize_keys(3);
  const auto tag = [](int64_t j) { return uint32_t(j + 100); };
  c.extend_to(8, tag);  // slices 8..
  c.extend_to(11, tag);
  REQUIRE(c.lo() == 8);
  REQUIRE(c.hi() == 11);
  // Key 1 has v = slice in every slice, key 2 only in slice 10; key 0 nothing.
  for (int64_t j = 8; j <= 11; ++j) {
    c.column(j)[1] = {tag(j), 1, double(j), double(j), double(j)};
  }
  c.column(10)[2] = {tag(10), 2, 7, 3, 4};
  c.column(9)[0] = {tag(3), 5, 1, 1, 1};  // another slice's tag: empty here
  const Aggregate* p = c.prefix(8, 10);
  REQUIRE(p != nullptr);
  CHECK(p[0].count == 0);
  CHECK(p[1].count == 3);
  CHECK(p[1].sum == 8 + 9 + 10);
  CHECK(p[1].min == 8);
  CHECK(p[1].max == 10);
  CHECK(p[2].count == 2);
  CHECK(p[2].sum == 7);
  const Aggregate* s = c.suffix(8, 9);
  REQUIRE(s != nullptr);
  CHECK(s[1].count == 3);
  CHECK(s[1].sum == 9 + 10 + 11);
  CHECK(s[1].min == 9);
  CHECK(s[2].count == 2);
  // Beyond the held slices, and a new slice in a block whose suffixes were computed.
  CHECK(c.prefix(12, 14) == nullptr);
  c.extend_to(13, tag);
  c.column(13)[0] = {tag(13), 1, -5, -5, -5};
  const Aggregate* p2 = c.prefix(12, 15);
  REQUIRE(p2 != nullptr);
  CHECK(p2[0].count == 1);
  CHECK(p2[0].sum == -5);
  CHECK(p2[1].count == 0);
  // Columns dropped from the front and reused at the back keep only their new slice's records.
  c.drop_before(10);
  CHECK(c.lo() == 10);
  c.extend_to(20, tag);
  CHECK(c.value(20, 1).count == 0);
  CHECK(c.value(10, 2).count == 2);
  c.column(20)[1] = {tag(20), 2, 6, 1, 5};
  REQUIRE(c.prefix(20, 20)[1].count == 2);
  // More keys: records and cached scans move to the new storage; the new keys are empty.
  c.resize_keys(5);
  CHECK(c.value(20, 4).count == 0);
  CHECK(c.value(11, 1).sum == 11);
  CHECK(c.value(20, 1).sum == 6);
  const Aggregate* p3 = c.prefix(20, 20);
  CHECK(p3[1].count == 2);
  CHECK(p3[1].max == 5);
  CHECK(p3[4].count == 0);
  CHECK(p3[4].min == identity().min);
  CHECK(p3[4].max == identity().max);
  c.extend_to(21, tag);
  c.column(21)[4] = {tag(21), 1, 3, 3, 3};
  CHECK(c.prefix(20, 21)[4].sum == 3);
  CHECK(c.prefix(20, 21)[1].sum == 6);
}

TEST_CASE("slice columns held before any key: scans cached then are empty for new keys",
          "[windows]") {
  slicing::SliceColumns c(4);
  const auto tag = [](int64_t j) { return uint32_t(j + 1); };
  c.extend_to(0, tag);
  c.prefix(0, 0);  // cached with no keys
  c.resize_keys(1);
  c.extend_to(1, tag);
  c.column(1)[0] = {tag(1), 1, 5, 5, 5};
  const Aggregate* p = c.prefix(0, 1);
  REQUIRE(p != nullptr);
  CHECK(p[0].count == 1);
  CHECK(p[0].min == 5);
  CHECK(p[0].max == 5);
}

TEST_CASE("hopping windows in columns: random streams, partitions and policies", "[windows]") {
  // Streams in order or nearly (a few events up to 40 ms back), on up to three partitions whose
  // watermarks lag each other (or stream time), through random windows and policies.
  const int seeds = 200;
  for (int seed = 1; seed <= seeds; ++seed) {
    test::Rng rng(uint64_t(seed) * 7919);
    const int64_t advance = rng.uniform(1, 12);
    const int64_t size = advance * rng.uniform(1, 9) + (rng.chance(30) ? rng.uniform(1, 5) : 0);
    const HoppingAssigner assigner(Duration{size}, Duration{advance}, Duration{rng.uniform(-5, 5)});
    RunConfig config;
    const int p = int(rng.uniform(0, 3));
    config.lateness = p == 0   ? LatenessPolicy::drop()
                      : p == 1 ? LatenessPolicy::grace(Duration{rng.uniform(1, 60)})
                      : p == 2 ? LatenessPolicy::wait(Duration{rng.uniform(1, 60)})
                               : LatenessPolicy::grace(kForever);
    config.watermark = WatermarkSpec::bounded(Duration{rng.uniform(0, 20)});
    if (rng.chance(25)) config.clock = ClockMode::kStreamTime;
    const uint32_t partitions = uint32_t(rng.uniform(1, 3));
    const uint32_t keys = uint32_t(rng.uniform(1, 200));
    const int late_percent = rng.chance(50) ? 0 : 1;
    std::vector<Event> events;
    for (int64_t t = 0; t < 600; ++t) {
      if (t > 200 && t < 200 + rng.uniform(0, 3) * 40) continue;  // sometimes a gap
      const int64_t n = rng.uniform(0, 4);
      for (int64_t i = 0; i < n; ++i) {
        Event e;
        e.row = events.size() + 2;
        e.key = KeyId(rng.uniform(0, keys - 1));
        e.partition = PartitionId(rng.uniform(0, partitions - 1));
        e.event_time = Timestamp{rng.chance(late_percent) ? t - rng.uniform(1, 40) : t};
        e.value = double(rng.uniform(-9, 9));
        events.push_back(e);
      }
    }
    INFO("seed " << seed << ": size " << size << " advance " << advance << ", "
                 << config.lateness.to_string() << ", " << config.watermark.to_string() << ", "
                 << to_string(config.clock) << ", " << partitions << " partitions, " << keys
                 << " keys, late " << late_percent);
    check(assigner, config, events, partitions);
  }
}
