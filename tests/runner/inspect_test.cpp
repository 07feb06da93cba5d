#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"
#include "tidemark/runner/trace_stats.hpp"

using namespace tidemark;

namespace {
// Two partitions, devices a (p0) and b (p1); both go quiet for 98.8 s of processing time.
// Expected figures are worked out by hand in the comments below.
constexpr const char* kTrace =
    "partition,key,event_time,send_time,receive_time,true_time\n"
    "0,a,1000,1000,1000,900\n"        // behind max 0;    r-s 0;    e-t 100;  corrected 1000
    "1,b,2000,2000,1100,1050\n"       // behind max 0;    r-s -900; e-t 950;  corrected 1100
    "0,a,500,1150,1200,400\n"         // behind max 1500; r-s 50;   e-t 100;  corrected 550
    "1,b,1500,2250,1300,500\n"        // behind max 500;  r-s -950; e-t 1000; corrected 550
    "0,a,3000,99910,100000,2900\n"    // behind max 0;    r-s 90;   e-t 100;  corrected 3090
    "1,b,2500,101000,100100,1500\n";  // behind max 500;  r-s -900; e-t 1000; corrected 1600
}  // namespace

TEST_CASE("nearest-rank quantiles", "[inspect]") {
  std::vector<int64_t> v = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  const Quantiles q = quantiles(v);
  CHECK(q == Quantiles{10, 1, 5, 9, 10, 10, 10});
  std::vector<int64_t> empty;
  CHECK(quantiles(empty) == Quantiles{});
}

TEST_CASE("inspect figures on a hand-written trace", "[inspect]") {
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

TEST_CASE("punctuations are counted but are not events", "[inspect]") {
  const Trace t = parse_csv_trace("event_time,kind\n10,E\n5,W\n3,E\n", "p.csv");
  const TraceStats s = compute_trace_stats(t);
  CHECK(s.records == 3);
  CHECK(s.events == 2);
  CHECK(s.punctuations == 1);
  CHECK(s.behind_max == Quantiles{2, 0, 0, 7, 7, 7, 7});
  CHECK_FALSE(s.receive_minus_event);
  CHECK_FALSE(s.corrected_error);
}

TEST_CASE("tidemark inspect prints the table or JSON", "[inspect]") {
  const std::string path =
      (std::filesystem::temp_directory_path() / "tidemark-inspect-test.csv").string();
  {
    std::ofstream f(path);
    f << kTrace;
  }
  std::ostringstream out, err;
  REQUIRE(cli::main({"inspect", path, "--json"}, out, err) == 0);
  const auto j = nlohmann::json::parse(out.str());
  CHECK(j["events"] == 6);
  CHECK(j["behind_max_ms"]["p90"] == 1500);
  CHECK(j["bounded_delay_for_on_time_share"][2]["watermark"] == "bounded:500ms");
  CHECK(j["corrected_error_ms"]["max"] == 190);
  std::ostringstream table, err2;
  REQUIRE(cli::main({"inspect", path}, table, err2) == 0);
  CHECK(table.str().find("--watermark bounded:500ms") != std::string::npos);
  std::ostringstream out3, err3;
  CHECK(cli::main({"inspect", path, "--timestamp", "sideways"}, out3, err3) == 2);
  CHECK(err3.str().rfind("tidemark inspect: ", 0) == 0);
  std::remove(path.c_str());
}
