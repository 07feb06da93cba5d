// `replay --clock-output`: one row per change of the combined clock and per partition status
// change, under each profile. Expected rows are worked out from each profile's rules in comments.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
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

// Partition 1 lags behind partition 0. Rows (line numbers): 2..7. Without receive times the
// processing time is the largest event time so far: 1000, 2000, 2000, 4000, 4000, 6000.
constexpr const char* kLagging =
    "partition,key,event_time,value\n"
    "0,a,1000,1\n"
    "0,a,2000,1\n"
    "1,b,500,1\n"
    "0,a,4000,1\n"
    "1,b,3000,1\n"
    "1,b,6000,1\n";

}  // namespace

TEST_CASE("clock output under flink: each change of the valve's output, by its row or tick",
          "[cli][clock-output]") {
  TempDir dir;
  const std::string trace = dir.file("lag.csv", kLagging);
  const std::string clock = dir / "clock.jsonl";
  const Args base = {"replay", trace, "--window", "tumbling:10s",   "--profile",
                     "flink",  "-o",  "none",     "--clock-output", clock};
  SECTION("watermarks after every record") {
    // W_p = max_p - 1. Row 2, 3: W_0 999, 1999 while channel 1 holds Long.MIN_VALUE: the valve
    // emits nothing. Row 4: W_1 499, min 499. Row 5: W_0 3999, min still 499. Row 6: W_1 2999,
    // min 2999. Row 7: W_1 5999, min over the channels is W_0 3999. The end: MAX_WATERMARK.
    Args args = base;
    args.insert(args.end(), {"--watermark-interval", "0"});
    const auto r = tidemark_cmd(args);
    REQUIRE(r.code == 0);
    CHECK(lines_of(clock) == std::vector<std::string>{
                                 row(4, 1, "row", 499, "", 2000),
                                 row(6, 1, "row", 2999, "", 4000),
                                 row(7, 1, "row", 3999, "", 6000),
                                 row(-1, -1, "end", kPlusInf, "", 6000),
                             });
  }
  SECTION("periodic watermarks: a tick's change carries the tick's time and the row it preceded") {
    // The operators open at the first row's processing time, 1000: ticks at 2000, 3000, ...,
    // each fired before the first row whose processing time reaches it. Tick 2000 (before row 3):
    // W_0 999, channel 1 has none. Ticks 3000 and 4000 (before row 5): at 3000 W_0 1999, then
    // W_1 499 (rows 3 and 4 were seen): min 499; at 4000 nothing new. Ticks 5000 and 6000 (before
    // row 7): at 5000 W_0 3999 (min stays 499), then W_1 2999: min 2999.
    Args args = base;
    args.insert(args.end(), {"--watermark-interval", "1s"});
    const auto r = tidemark_cmd(args);
    REQUIRE(r.code == 0);
    CHECK(lines_of(clock) == std::vector<std::string>{
                                 row(5, 1, "tick", 499, "", 3000),
                                 row(7, 1, "tick", 2999, "", 5000),
                                 row(-1, -1, "end", kPlusInf, "", 6000),
                             });
  }
}

TEST_CASE("clock output under flink with idleness: a channel's status, then what it moved",
          "[cli][clock-output]") {
  TempDir dir;
  // Processing time = receive_time. Partition 1 sends at 1000, then not until 9500.
  const std::string trace = dir.file("idle.csv",
                                     "partition,key,event_time,value,receive_time\n"
                                     "0,a,1000,1,1000\n"
                                     "1,b,1000,1,1000\n"
                                     "0,a,2000,1,2000\n"
                                     "0,a,3000,1,3000\n"
                                     "0,a,9000,1,9000\n"
                                     "1,b,9500,1,9500\n"
                                     "0,a,12000,1,12000\n");
  const std::string clock = dir / "clock.jsonl";
  const auto r =
      tidemark_cmd({"replay", trace, "--window", "tumbling:10s", "--profile", "flink", "-o", "none",
                    "--watermark-interval", "1s", "--idle-timeout", "5s", "--clock-output", clock});
  REQUIRE(r.code == 0);
  // Ticks at 2000, 3000, ... (opened at 1000). Tick 2000 (before row 4): W_0 999, W_1 999: min
  // 999. Partition 1's idleness timer: reset at tick 2000 (it had a record), started at 3000, and
  // more than 5 s later at tick 9000 (before row 6) it is idle: IDLE, and the valve's min over
  // the active channel 0 is W_0 2999 (max 3000 seen by then). Row 7 (partition 1 at 9500) is
  // seen by its generator; at tick 10000 (before row 8) channel 0 emits 8999, the new min, then
  // channel 1 turns ACTIVE with 9499, above it: no change. The end: MAX_WATERMARK.
  CHECK(lines_of(clock) == std::vector<std::string>{
                               row(4, 1, "tick", 999, "", 2000),
                               row(6, 1, "tick", 999, "idle", 9000),
                               row(6, 1, "tick", 2999, "", 9000),
                               row(8, 0, "tick", 8999, "", 10000),
                               row(8, 1, "tick", 8999, "active", 10000),
                               row(-1, -1, "end", kPlusInf, "", 12000),
                           });
}

TEST_CASE("clock output under generic rules: idle and active partitions, the end flush",
          "[cli][clock-output]") {
  TempDir dir;
  const std::string trace = dir.file("idle.csv",
                                     "partition,key,event_time,value,receive_time\n"
                                     "0,a,1000,1,1000\n"
                                     "1,b,1000,1,1000\n"
                                     "0,a,2000,1,2000\n"
                                     "0,a,3000,1,3000\n"
                                     "0,a,9000,1,9000\n"
                                     "1,b,9500,1,9500\n"
                                     "0,a,12000,1,12000\n");
  const std::string clock = dir / "clock.jsonl";
  SECTION("with --idle-timeout") {
    const auto r = tidemark_cmd({"replay", trace, "--window", "tumbling:10s", "--idle-timeout",
                                 "5s", "-o", "none", "--clock-output", clock});
    REQUIRE(r.code == 0);
    // C = min over active partitions of max - 0. Row 3: both have sent, C 1000. Row 6 (proc
    // 9000): partition 1 silent since 1000, more than 5 s: idle, C = W_0 = 9000. Row 7: it is
    // active again at 9500, C stays 9000. Row 8: W_0 12000, W_1 9500: C 9500. --end flush: +inf.
    CHECK(lines_of(clock) == std::vector<std::string>{
                                 row(3, 1, "row", 1000, "", 1000),
                                 row(6, 1, "row", 1000, "idle", 9000),
                                 row(6, 0, "row", 9000, "", 9000),
                                 row(7, 1, "row", 9000, "active", 9500),
                                 row(8, 0, "row", 9500, "", 12000),
                                 row(-1, -1, "end", kPlusInf, "", 12000),
                             });
  }
  SECTION("without idleness partition 1 holds C back, and --end keep has no end row") {
    const auto r = tidemark_cmd({"replay", trace, "--window", "tumbling:10s", "--end", "keep", "-o",
                                 "none", "--clock-output", clock});
    REQUIRE(r.code == 0);
    // Row 3: C 1000. Rows 4-6 raise W_0 only. Row 7: W_1 9500, C = W_0 9000. Row 8: W_0 12000,
    // C = W_1 9500.
    CHECK(lines_of(clock) == std::vector<std::string>{
                                 row(3, 1, "row", 1000, "", 1000),
                                 row(7, 1, "row", 9000, "", 9500),
                                 row(8, 0, "row", 9500, "", 12000),
                             });
  }
  SECTION("streamed from a .tmt: rows are record indices") {
    const std::string tmt = dir / "idle.tmt";
    REQUIRE(tidemark_cmd({"convert", trace, tmt}).code == 0);
    const auto r = tidemark_cmd({"replay", tmt, "--window", "tumbling:10s", "--end", "keep", "-o",
                                 "none", "--clock-output", clock});
    REQUIRE(r.code == 0);
    CHECK(lines_of(clock) == std::vector<std::string>{
                                 row(2, 1, "row", 1000, "", 1000),
                                 row(6, 1, "row", 9000, "", 9500),
                                 row(7, 0, "row", 9500, "", 12000),
                             });
  }
}

TEST_CASE("clock output under kafka-streams: stream time, rising only", "[cli][clock-output]") {
  TempDir dir;
  // PartitionGroup order (all buffered from the start; smallest head timestamp first): row 2
  // (1000), row 4 (3000), row 3 (5000), row 6 (8000), row 7 (2000: stream time stays 8000), row 5
  // (9000). Processing time is the largest timestamp so far. Kafka has no end-of-input flush.
  const std::string trace = dir.file("k.csv",
                                     "partition,key,event_time,value\n"
                                     "0,a,1000,1\n"
                                     "1,b,5000,1\n"
                                     "0,a,3000,1\n"
                                     "1,b,9000,1\n"
                                     "0,a,8000,1\n"
                                     "0,a,2000,1\n");
  const std::string clock = dir / "clock.jsonl";
  const auto r = tidemark_cmd({"replay", trace, "--window", "tumbling:10s", "--profile",
                               "kafka-streams", "-o", "none", "--clock-output", clock});
  REQUIRE(r.code == 0);
  CHECK(lines_of(clock) == std::vector<std::string>{
                               row(2, 0, "row", 1000, "", 1000),
                               row(4, 0, "row", 3000, "", 3000),
                               row(3, 1, "row", 5000, "", 5000),
                               row(6, 0, "row", 8000, "", 8000),
                               row(5, 1, "row", 9000, "", 9000),
                           });
}

TEST_CASE("clock output follows the outputs' rules: distinct files, nothing on error, stdout",
          "[cli][clock-output]") {
  TempDir dir;
  const std::string trace = dir.file("lag.csv", kLagging);
  const std::string x = dir / "x";
  for (const char* profile : {"generic", "flink", "kafka-streams"}) {
    INFO(profile);
    const auto same = tidemark_cmd({"replay", trace, "-w", "tumbling:10s", "--profile", profile,
                                    "-o", x, "--clock-output", x});
    CHECK(same.code == 2);
    CHECK(same.err == "tidemark replay: --clock-output " + x + ": the same file as --output " + x +
                          ", which would be lost\n");
    CHECK_FALSE(fs::exists(x));
    const auto input = tidemark_cmd(
        {"replay", trace, "-w", "tumbling:10s", "--profile", profile, "--clock-output", trace});
    CHECK(input.code == 2);
    CHECK_THAT(input.err, Catch::Contains("--clock-output " + trace + ": is the input"));
    // On stdout the rows are all there is: the table goes to stderr.
    const auto out = tidemark_cmd({"replay", trace, "-w", "tumbling:10s", "--profile", profile,
                                   "-o", "none", "--clock-output", "-"});
    CHECK(out.code == 0);
    CHECK(out.out.rfind("{\"row\":", 0) == 0);
    CHECK_THAT(out.err, Catch::Contains("events"));
  }
  // A bad line found mid-stream stops the run: the clock file does not appear.
  const std::string bad = dir.file("bad.csv", std::string(kLagging) + "0,a,oops,1\n");
  const auto r = tidemark_cmd(
      {"replay", bad, "-w", "tumbling:10s", "-o", "none", "--clock-output", dir / "c.jsonl"});
  CHECK(r.code == 2);
  CHECK_FALSE(fs::exists(dir / "c.jsonl"));
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 2);
}
