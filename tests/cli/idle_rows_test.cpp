// Trace rows of kind I (a partition idle until its next record) under each profile, through the
// command; --clock-output shows what they did. Expected rows are worked out in comments.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "support/clock_rows.hpp"
#include "support/command.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using tidemark::cli::Args;
using tidemark::test::TempDir;
using tidemark::test::tidemark_cmd;

namespace {

using tidemark::test::lines_of;

std::string row(int64_t r, int64_t partition, const std::string& cause, int64_t clock,
                const std::string& status, int64_t proc) {
  return tidemark::test::clock_row(r, partition, cause, clock, status, proc);
}

constexpr int64_t kPlusInf = INT64_MAX;

// Lines 2..8. Both partitions are marked idle (lines 4, 5), then partition 0 resumes below what
// the clock reached, catches up (line 7), and partition 1 resumes (line 8). No receive_time:
// processing time is the largest event time so far (I rows do not move it): 1000, 5000 (lines
// 3-6), 7000 (lines 7-8).
constexpr const char* kMarks =
    "partition,kind,key,event_time,value\n"
    "0,E,a,1000,1\n"
    "1,E,b,5000,1\n"
    "1,I,,0,0\n"
    "0,I,,0,0\n"
    "0,E,a,2000,1\n"
    "0,E,a,7000,1\n"
    "1,E,b,6000,1\n";

}  // namespace

TEST_CASE("I rows under flink: all channels idle emit the max, a channel behind waits to catch up",
          "[cli][idle-rows]") {
  TempDir dir;
  const std::string trace = dir.file("marks.csv", kMarks);
  const std::string clock = dir / "clock.jsonl";
  const auto r =
      tidemark_cmd({"replay", trace, "--window", "tumbling:10s", "--profile", "flink",
                    "--watermark-interval", "0", "-o", dir / "r.jsonl", "--clock-output", clock});
  REQUIRE(r.code == 0);
  // W_p = max_p - 1 after every record. Line 3: W_1 4999, valve min(999, 4999) = 999. Line 4:
  // channel 1 IDLE; it did not hold the minimum: nothing more. Line 5: channel 0 IDLE: every
  // channel idle, the valve flushes the largest watermark, 4999. Line 6: channel 0 ACTIVE before
  // its record, at 999 < 4999: not aligned; its generator's 1999 is still below: ignored.
  // Line 7: W_0 6999 >= 4999 catches up: the min over aligned channels, 6999. Line 8: channel 1
  // ACTIVE at 4999, then 5999: both below 6999, ignored. The end: MAX_WATERMARK.
  CHECK(lines_of(clock) == std::vector<std::string>{
                               row(3, 1, "row", 999, "", 5000),
                               row(4, 1, "row", 999, "idle", 5000),
                               row(5, 0, "row", 999, "idle", 5000),
                               row(5, 0, "row", 4999, "", 5000),
                               row(6, 0, "row", 4999, "active", 5000),
                               row(7, 0, "row", 6999, "", 7000),
                               row(8, 1, "row", 6999, "active", 7000),
                               row(-1, -1, "end", kPlusInf, "", 7000),
                           });
  // Nothing was late (the one window, [0, 10 s), stays open until the end) and I rows count as
  // punctuations, not events.
  CHECK_THAT(r.out, Catch::Contains("events                 5") &&
                        Catch::Contains("punctuations           2") &&
                        Catch::Contains("late                   0"));
  CHECK(lines_of(dir / "r.jsonl").size() == 2);  // [0,10s) of key a (3 events) and of b (2)
}

TEST_CASE("I rows under generic rules: the partition leaves the minimum until its next record",
          "[cli][idle-rows]") {
  TempDir dir;
  const std::string trace = dir.file("marks.csv", kMarks);
  const std::string clock = dir / "clock.jsonl";
  SECTION("watermark clock") {
    const auto r = tidemark_cmd(
        {"replay", trace, "--window", "tumbling:10s", "-o", "none", "--clock-output", clock});
    REQUIRE(r.code == 0);
    // W_p = max_p. Line 3: C = min(1000, 5000). Line 4: partition 1 idle, C = W_0 1000 still.
    // Line 5: all idle, C = max W_p = 5000. Line 6: partition 0 active again with W_0 2000: C
    // never decreases. Line 7: W_0 7000, the only active partition: C 7000. Line 8: partition 1
    // active with W_1 6000: C stays 7000. --end flush: +inf.
    CHECK(lines_of(clock) == std::vector<std::string>{
                                 row(3, 1, "row", 1000, "", 5000),
                                 row(4, 1, "row", 1000, "idle", 5000),
                                 row(5, 0, "row", 1000, "idle", 5000),
                                 row(5, 0, "row", 5000, "", 5000),
                                 row(6, 0, "row", 5000, "active", 5000),
                                 row(7, 0, "row", 7000, "", 7000),
                                 row(8, 1, "row", 7000, "active", 7000),
                                 row(-1, -1, "end", kPlusInf, "", 7000),
                             });
  }
  SECTION("one partition: the mark takes the streamed fast path's clock along") {
    const std::string one = dir.file("one.csv",
                                     "kind,event_time\n"
                                     "E,1000\n"
                                     "I,0\n"
                                     "E,500\n"
                                     "E,3000\n");
    const auto r = tidemark_cmd({"replay", one, "--window", "tumbling:10s", "--end", "keep", "-o",
                                 "none", "--clock-output", clock});
    REQUIRE(r.code == 0);
    // Line 2: C = W_0 1000. Line 3: idle, every partition idle: C = max W_p = 1000, unchanged.
    // Line 4: active again; W_0 stays 1000. Line 5: C 3000.
    CHECK(lines_of(clock) == std::vector<std::string>{
                                 row(2, 0, "row", 1000, "", 1000),
                                 row(3, 0, "row", 1000, "idle", 1000),
                                 row(4, 0, "row", 1000, "active", 1000),
                                 row(5, 0, "row", 3000, "", 3000),
                             });
  }
  SECTION("stream time has no idleness: I rows change nothing") {
    const auto r =
        tidemark_cmd({"replay", trace, "--window", "tumbling:10s", "--clock", "stream-time",
                      "--end", "keep", "-o", "none", "--clock-output", clock});
    REQUIRE(r.code == 0);
    CHECK(lines_of(clock) == std::vector<std::string>{
                                 row(2, 0, "row", 1000, "", 1000),
                                 row(3, 1, "row", 5000, "", 5000),
                                 row(7, 0, "row", 7000, "", 7000),
                             });
  }
}

TEST_CASE("I rows under kafka-streams are skipped and counted as punctuations",
          "[cli][idle-rows]") {
  TempDir dir;
  const std::string trace = dir.file("marks.csv", kMarks);
  const std::string clock = dir / "clock.jsonl";
  const auto r = tidemark_cmd({"replay", trace, "--window", "tumbling:10s", "--profile",
                               "kafka-streams", "-o", "none", "--clock-output", clock});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("events                 5") &&
                        Catch::Contains("punctuations           2"));
  // PartitionGroup order over the events alone: lines 2 (1000), 6 (2000), 3 (5000), 8 (6000),
  // 7 (7000), each raising stream time.
  CHECK(lines_of(clock) == std::vector<std::string>{
                               row(2, 0, "row", 1000, "", 1000),
                               row(6, 0, "row", 2000, "", 2000),
                               row(3, 1, "row", 5000, "", 5000),
                               row(8, 1, "row", 6000, "", 6000),
                               row(7, 0, "row", 7000, "", 7000),
                           });
}

TEST_CASE("I rows: convert round-trips them, inspect counts them", "[cli][idle-rows]") {
  TempDir dir;
  const std::string csv = dir.file("marks.csv", kMarks);
  const std::string tmt = dir / "marks.tmt", back = dir / "back.csv";
  REQUIRE(tidemark_cmd({"convert", csv, tmt}).code == 0);
  REQUIRE(tidemark_cmd({"convert", tmt, back}).code == 0);
  std::ifstream in(back);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(std::count(text.begin(), text.end(), 'I') == 2);
  for (const std::string& t : {csv, tmt, back}) {
    INFO(t);
    const auto r = tidemark_cmd({"inspect", t});
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("7 (5 events, 0 punctuations, 2 idle marks)"));
  }
  // The same run from each form: the same results.
  const auto a = tidemark_cmd(
      {"replay", csv, "-w", "tumbling:10s", "--profile", "flink", "--watermark-interval", "0"});
  const auto b = tidemark_cmd({"replay", tmt, "-w", "tumbling:10s", "--profile", "flink",
                               "--watermark-interval", "0", "-o", dir / "b.jsonl"});
  REQUIRE(a.code == 0);
  REQUIRE(b.code == 0);
  std::ifstream bin(dir / "b.jsonl");
  const std::string b_rows((std::istreambuf_iterator<char>(bin)), std::istreambuf_iterator<char>());
  CHECK(a.out == b_rows);  // results on stdout, the table on stderr
}
