// compute_trace_stats and its nearest-rank quantiles: what `tidemark inspect` reports about a
// trace (the command's printing is tests/runner/inspect_test.cpp). Figures are worked out by hand.
#include "tidemark/runner/trace_stats.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <vector>

#include "support/quiet_devices_trace.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"

using namespace tidemark;

namespace {
constexpr const char* kTrace = test::kQuietDevicesTrace;
}  // namespace

TEST_CASE("nearest-rank quantiles", "[trace_stats]") {
  std::vector<int64_t> v = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  const Quantiles q = quantiles(v);
  CHECK(q == Quantiles{10, 1, 5, 9, 10, 10, 10});
  std::vector<int64_t> empty;
  CHECK(quantiles(empty) == Quantiles{});
}

TEST_CASE("inspect figures on a hand-written trace", "[trace_stats]") {
  const Trace t = parse_csv_trace(kTrace, "hand.csv");
  const TraceStats s = compute_trace_stats(t);
  CHECK(s.events == 6);
  CHECK(s.partitions == 2);
  CHECK(s.partitions_with_events == 2);
  CHECK(s.keys == 2);
  CHECK(s.first_time == Timestamp{500});
  CHECK(s.last_time == Timestamp{3000});
  CHECK(s.first_arrival == Timestamp{1000});
  CHECK(s.last_arrival == Timestamp{100100});
  REQUIRE(s.arrival_rate);
  CHECK(*s.arrival_rate == Approx(6000.0 / 99100.0));
  // Behind the max seen before: sorted 0 0 0 500 500 1500; p50 = rank 3, p90 = rank 6.
  CHECK(s.behind_max == Quantiles{6, 0, 0, 1500, 1500, 1500, 1500});
  // Behind min over partitions of their max (after the event): C = -inf, 1000, 1000, 1000,
  // 2000, 2500 -> only the third event (500 < 1000) is behind, by 500.
  CHECK(s.behind_watermark == Quantiles{6, 0, 0, 500, 500, 500, 500});
  for (const DelayTarget& d : s.targets) CHECK(d.delay == Duration{500});
  // receive - event: -900 -200 0 700 97000 97600.
  REQUIRE(s.receive_minus_event);
  CHECK(*s.receive_minus_event == Quantiles{6, -900, 0, 97600, 97600, 97600, 97600});
  // Each partition is silent from its second-to-last arrival to its last: 98.8 s > 1 m.
  REQUIRE(s.silences.size() == 2);
  CHECK(s.silences[0] == Silence{0, Timestamp{1200}, Timestamp{100000}});
  CHECK(s.silences[1] == Silence{1, Timestamp{1300}, Timestamp{100100}});
  // Per-key receive - send: a = 0 50 90 (median 50), b = -950 -900 -900 (median -900).
  REQUIRE(s.device_offsets.size() == 2);
  CHECK(t.keys.name(s.device_offsets[0].key) == "b");
  CHECK(s.device_offsets[0].median == -900);
  CHECK(s.device_offsets[0].min == -950);
  CHECK(s.device_offsets[1].median == 50);
  CHECK(s.device_offsets[1].max == 90);
  CHECK(*s.offset_medians == Quantiles{2, -900, -900, 50, 50, 50, 50});
  // event - true: 100 100 100 950 1000 1000; corrected - true: 50 50 100 100 150 190.
  CHECK(*s.event_error == Quantiles{6, 100, 100, 1000, 1000, 1000, 1000});
  CHECK(*s.corrected_error == Quantiles{6, 50, 100, 190, 190, 190, 190});

  SECTION("a larger silence threshold, a partition that never sends") {
    const TraceStats t2 =
        compute_trace_stats(t, {.silence_threshold = Duration{99'000}, .partitions = 3});
    // Partition 2 is silent for the whole arrival span (99.1 s), holding the watermark at -inf.
    REQUIRE(t2.silences.size() == 1);
    CHECK(t2.silences[0] == Silence{2, Timestamp{1000}, Timestamp{100100}});
    CHECK(t2.behind_watermark.max == 0);
  }
  SECTION("the corrected extractor") {
    const TraceStats c = compute_trace_stats(t, {.timestamp = TimestampSource::kCorrected});
    CHECK(c.first_time == Timestamp{550});
    CHECK(c.last_time == Timestamp{3090});
  }
}

TEST_CASE("punctuations are counted but are not events", "[trace_stats]") {
  const Trace t = parse_csv_trace("event_time,kind\n10,E\n5,W\n3,E\n", "p.csv");
  const TraceStats s = compute_trace_stats(t);
  CHECK(s.records == 3);
  CHECK(s.events == 2);
  CHECK(s.punctuations == 1);
  CHECK(s.behind_max == Quantiles{2, 0, 0, 7, 7, 7, 7});
  CHECK_FALSE(s.receive_minus_event);
  CHECK_FALSE(s.corrected_error);
}

TEST_CASE("nearest rank is the value at rank ceil(q n), clamped to the sample", "[trace_stats]") {
  std::vector<int64_t> sorted;
  for (int64_t v = 1; v <= 1000; ++v) sorted.push_back(v);
  CHECK(nearest_rank(sorted, 999'000) == 999);   // rank 999 exactly
  CHECK(nearest_rank(sorted, 999'001) == 1000);  // rank 999.001, rounded up
  CHECK(nearest_rank(sorted, 500'000) == 500);
  CHECK(nearest_rank(sorted, 1) == 1);  // rank 0.001 -> 1
  CHECK(nearest_rank(sorted, 0) == 1);  // rank 0 is clamped to the first
  CHECK(nearest_rank(sorted, 1'000'000) == 1000);
  const std::vector<int64_t> one = {42};
  for (const uint64_t ppm : {uint64_t(0), uint64_t(500'000), uint64_t(1'000'000)}) {
    CHECK(nearest_rank(one, ppm) == 42);
  }
}

TEST_CASE("quantiles of values at the int64 limits are those values", "[trace_stats]") {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> v = {kMax, 0, kMin};
  // Sorted kMin 0 kMax: p50 is rank ceil(1.5) = 2, p90 and above rank 3.
  CHECK(quantiles(v) == Quantiles{3, kMin, 0, kMax, kMax, kMax, kMax});
}

TEST_CASE("an empty trace has zero figures and no rate", "[trace_stats]") {
  const Trace t = parse_csv_trace("partition,event_time\n", "empty.csv");
  const TraceStats s = compute_trace_stats(t);
  CHECK(s.records == 0);
  CHECK(s.events == 0);
  CHECK(s.partitions == 1);  // as replay's default: at least one
  CHECK(s.partitions_with_events == 0);
  CHECK(s.keys == 0);
  CHECK(s.first_time == Timestamp{0});
  CHECK(s.last_time == Timestamp{0});
  CHECK_FALSE(s.arrival_rate);
  CHECK(s.behind_max == Quantiles{});
  CHECK(s.behind_watermark == Quantiles{});
  CHECK(s.silences.empty());
  CHECK(s.targets[0].parts_per_million == 990'000);
  CHECK(s.targets[1].parts_per_million == 999'000);
  CHECK(s.targets[2].parts_per_million == 1'000'000);
  for (const DelayTarget& d : s.targets) CHECK(d.delay == Duration{0});
}

TEST_CASE("trace stats refuse a missing column and too few --partitions", "[trace_stats]") {
  const Trace t = parse_csv_trace("partition,event_time\n0,1\n5,2\n", "h.csv");
  CHECK_THROWS_AS(compute_trace_stats(t, {.timestamp = TimestampSource::kReceive}), ConfigError);
  CHECK_THROWS_WITH(compute_trace_stats(t, {.timestamp = TimestampSource::kReceive}),
                    "--timestamp receive needs column \"receive_time\", which h.csv does not "
                    "have");
  CHECK_THROWS_WITH(compute_trace_stats(t, {.partitions = 2}),
                    "--partitions 2: h.csv has partition 5");
  CHECK(compute_trace_stats(t, {.partitions = 6}).partitions == 6);
  CHECK(compute_trace_stats(t).partitions == 6);
}

TEST_CASE("silences are gaps longer than the threshold, leading ones included", "[trace_stats]") {
  // No receive_time: processing time is the running max of event time: 0, 1000, 5000, 5000.
  // Partition 0's gap of exactly the threshold is no silence; its next one is. Partition 1 first
  // sends 5 s after the trace's first arrival.
  const Trace t = parse_csv_trace("partition,event_time\n0,0\n0,1000\n1,5000\n0,5000\n", "s.csv");
  const TraceStats s = compute_trace_stats(t, {.silence_threshold = Duration{1000}});
  REQUIRE(s.silences.size() == 2);
  CHECK(s.silences[0] == Silence{0, Timestamp{1000}, Timestamp{5000}});
  CHECK(s.silences[1] == Silence{1, Timestamp{0}, Timestamp{5000}});
  CHECK(s.first_arrival == Timestamp{0});
  CHECK(s.last_arrival == Timestamp{5000});
  REQUIRE(s.arrival_rate);
  CHECK(*s.arrival_rate == Approx(4 * 1000.0 / 5000.0));
  CHECK_FALSE(s.receive_minus_event);
  CHECK_FALSE(s.offset_medians);
}

TEST_CASE("device offsets come largest |median| first, ties in key order", "[trace_stats]") {
  // receive - send: a +100, b -100, c +5 (one sample each). No true_time: no error figures.
  const Trace t = parse_csv_trace(
      "key,event_time,send_time,receive_time\na,1000,1000,1100\nb,1000,1000,900\n"
      "c,0,0,5\n",
      "d.csv");
  const TraceStats s = compute_trace_stats(t);
  REQUIRE(s.device_offsets.size() == 3);
  CHECK(t.keys.name(s.device_offsets[0].key) == "a");
  CHECK(s.device_offsets[0].median == 100);
  CHECK(s.device_offsets[0].samples == 1);
  CHECK(t.keys.name(s.device_offsets[1].key) == "b");
  CHECK(s.device_offsets[1].median == -100);
  CHECK(t.keys.name(s.device_offsets[2].key) == "c");
  // Medians sorted -100 5 100: p50 is rank 2.
  REQUIRE(s.offset_medians);
  CHECK(*s.offset_medians == Quantiles{3, -100, 5, 100, 100, 100, 100});
  REQUIRE(s.receive_minus_event);
  CHECK(s.receive_minus_event->min == -100);
  CHECK_FALSE(s.event_error);
  CHECK_FALSE(s.corrected_error);
}
