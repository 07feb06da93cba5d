// `--profile flink` beyond the engine's own vectors (tests/conformance/flink_*): the saturating
// cleanup time, what the profile refuses, and that generic is left alone. The valve's idle-status
// vectors (a trace has no status rows) are in flink_watermark_valve_test.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "commands.hpp"
#include "support/command.hpp"
#include "tidemark/windows/profiles/flink_windows.hpp"

namespace fs = std::filesystem;
using tidemark::cli::Args;

namespace {

using Result = tidemark::test::CommandResult;
using tidemark::test::tidemark_cmd;

struct Trace {
  fs::path path;
  explicit Trace(const std::string& csv) {
    static int n = 0;
    path = fs::temp_directory_path() /
           ("tidemark-flink-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + ".csv");
    std::ofstream(path) << csv;
  }
  ~Trace() { fs::remove(path); }
};

const std::string kTrace =
    "partition,key,event_time,value\n0,a,0,1\n0,a,5,2\n0,b,3,4\n0,a,12,1\n0,a,2,7\n";

}  // namespace

TEST_CASE(
    "F-WO-6 apache/flink:flink-streaming-java/src/test/java/org/apache/flink/streaming/"
    "runtime/operators/windowing/WindowOperatorTest.java#testCleanupTimeOverflow "
    "@6da38a6aa24b44272e977aba91258693d437875b",
    "[flink]") {
  // Timestamps near Long.MAX_VALUE are outside a trace's years, so the operator is driven here:
  // tumbling 1000 ms, allowed lateness 2000 ms; the cleanup time saturates at Long.MAX_VALUE.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  tidemark::CollectingProfileSink sink;
  tidemark::ResultForwarder out(sink);
  tidemark::FlinkTimeWindows<tidemark::EventTimeTrigger> op(1000, 1000, 0, 2000);
  const int64_t ts = kMax - 1750;
  REQUIRE(op.process(0, ts, 1, kMax - 1800, out));
  op.advance(kMax - 1500, out);
  CHECK(sink.results.empty());
  CHECK(op.open_windows() == 1);  // not cleared: its cleanup time is Long.MAX_VALUE
  op.advance(9223372036854774999, out);
  REQUIRE(sink.results.size() == 1);
  CHECK(sink.results[0].start == 9223372036854774000);
  CHECK(sink.results[0].ts == 9223372036854774999);
  CHECK(sink.results[0].stats.count == 1);
}

TEST_CASE("flink refuses what it does not model, in one line", "[flink][cli]") {
  const Trace t(kTrace);
  const std::vector<std::pair<Args, std::string>> cases = {
      {{"-w", "sliding:10ms"}, "use --window hopping"},
      {{"--clock", "stream-time"}, "Flink's clock is the watermark"},
      {{"--lateness", "wait:5ms"}, "use --lateness grace:G"},
      {{"--idle-timeout", "1s", "--watermark-interval", "0"}, "give --watermark-interval > 0"},
      {{"--idle-timeout", "1s", "--watermark", "punctuated"}, "punctuated W rows have none"},
      {{"--watermark-interval", "-5ms"}, "watermark-interval"},
      {{"--trigger", "sometimes"}, "--trigger sometimes: expected event-time or purging"},
      {{"--schedule", "event-time"}, "arrive"},
      {{"--output-format", "csv"}, "--profile flink writes JSON Lines only"},
      {{"--retention", "1s"}, "only under --profile kafka-streams"},
      {{"--watermark", "punctuated"}, "needs W rows (a \"kind\" column)"},
  };
  for (const auto& [extra, says] : cases) {
    Args args = {"replay", t.path.string(), "--profile", "flink"};
    if (extra[0] != "-w") args.insert(args.end(), {"-w", "tumbling:10ms"});
    args.insert(args.end(), extra.begin(), extra.end());
    const Result r = tidemark_cmd(args);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.find(says) != std::string::npos);
  }
}

TEST_CASE("flink judges a record against the watermark before it, W = max - D - 1",
          "[flink][cli]") {
  // bounded:0, --watermark-interval 0: W = max - 1 after each record. a@9 leaves W = 8 < 9 = end -
  // 1 of [0,10); a@10 is added to [10,20) first, then W = 9 fires [0,10) with record timestamp 9;
  // b@9 then finds [0,10) late (9 + 0 <= 9) and is the one late event.
  const Trace t("partition,key,event_time,value\n0,a,9,1\n0,a,10,1\n0,b,9,1\n");
  const Result r = tidemark_cmd({"replay", t.path.string(), "-w", "tumbling:10ms", "--profile",
                                 "flink", "-o", "-", "--watermark-interval", "0"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.rfind(R"({"key":"a","start":0,"end":10,"count":1,)", 0) == 0);
  CHECK(r.out.find(R"("kind":"on_time","ts":9,"clock":9,)") != std::string::npos);
  CHECK(r.err.find("late                   1 ") != std::string::npos);
}

TEST_CASE("flink and generic emit the same time-window rows under bounded watermarks",
          "[flink][cli]") {
  // W = max - D - 1 fires [s,e) at W >= e - 1, i.e. max - D >= e: generic's fire point. Late
  // elements within allowed lateness re-fire with the full contents, as generic's updates do. So
  // on one partition and several, only the order of rows (and ts, clock) may differ, with flink's
  // watermark emitted after every record as generic's is (--watermark-interval 0).
  const fs::path trace =
      fs::temp_directory_path() / ("tidemark-flink-agree-" + std::to_string(::getpid()) + ".tmt");
  REQUIRE(tidemark_cmd({"generate", "--workload", "mixed", "--events", "20000", "--seed", "3", "-o",
                        trace.string()})
              .code == 0);
  using Row = std::tuple<std::string, int64_t, int64_t, uint64_t, double, std::string>;
  const auto rows = [&](const Args& extra) {
    Args args = {"replay", trace.string(), "-o", "-", "--watermark", "bounded:300ms"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result r = tidemark_cmd(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::multiset<Row> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      const auto j = nlohmann::json::parse(line);
      out.insert({j["key"].get<std::string>(), j["start"].get<int64_t>(), j["end"].get<int64_t>(),
                  j["count"].get<uint64_t>(), j["sum"].get<double>(),
                  j["kind"].get<std::string>()});
    }
    return out;
  };
  for (const Args& window : std::vector<Args>{{"-w", "tumbling:1s", "--lateness", "grace:2s"},
                                              {"-w", "hopping:2s/500ms@100ms"}}) {
    INFO(window[1]);
    const auto generic = rows(window);
    Args flink = window;
    flink.insert(flink.end(), {"--profile", "flink", "--watermark-interval", "0"});
    CHECK(!generic.empty());
    CHECK(rows(flink) == generic);
  }
  fs::remove(trace);
}

TEST_CASE("flink near the int64 limits: no wrapped watermark, no wrapped windows", "[flink][cli]") {
  SECTION("a delay of ~292 million years leaves the watermark at Long.MIN_VALUE") {
    // BoundedOutOfOrderness starts max at MIN + D + 1, so max - D - 1 cannot wrap to a huge
    // watermark that would fire everything and make later events late.
    const Trace t("partition,key,event_time,value\n0,a,0,1\n0,a,1000,2\n0,a,500,3\n");
    const Result r = tidemark_cmd({"replay", t.path.string(), "-w", "tumbling:1s", "--watermark",
                                   "bounded:106751991167d", "--profile", "flink", "-o", "-"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.rfind(R"({"key":"a","start":0,"end":1000,"count":2,"sum":4,)", 0) == 0);
    CHECK(r.out.find(R"("start":1000,"end":2000,"count":1,)") != std::string::npos);
    CHECK(r.err.find("late                   0 ") != std::string::npos);
  }
  SECTION("a window as long as the time line is one window, as TumblingEventTimeWindows assigns") {
    const Trace t("partition,key,event_time,value\n0,a,9999-12-31T23:59:59.999Z,1\n");
    const Result r =
        tidemark_cmd({"replay", t.path.string(), "-w", "tumbling:106751991167d@106751991166d",
                      "--profile", "flink", "-o", "-"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    CHECK(r.out.rfind(R"({"key":"a","start":-86400000,"end":9223372036742400000,)", 0) == 0);
  }
}

namespace {

// A trace whose partitions send one record every `step` ms of event and receive time over
// [from, to]: "partition,key,event_time,receive_time,value" rows.
std::string steady_rows(int partition, int64_t from, int64_t to, int64_t step) {
  std::string rows;
  for (int64_t t = from; t <= to; t += step) {
    rows += fmt::format("{},k{},{},{},1\n", partition, partition, t, t);
  }
  return rows;
}

// The clocks of the result rows.
std::vector<int64_t> result_clocks(const std::string& jsonl) {
  std::vector<int64_t> clocks;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    clocks.push_back(nlohmann::json::parse(line)["clock"].get<int64_t>());
  }
  return clocks;
}

}  // namespace

TEST_CASE("flink emits watermarks every --watermark-interval of processing time (default 200ms)",
          "[flink][cli]") {
  const Trace t("partition,key,event_time,receive_time,value\n" + steady_rows(0, 0, 1000, 50));
  const auto clocks = [&](const Args& extra) {
    Args args = {"replay",      t.path.string(),
                 "-w",          "tumbling:100ms",
                 "--watermark", "bounded:0",
                 "--profile",   "flink",
                 "-o",          "-"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result r = tidemark_cmd(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    return result_clocks(r.out);
  };
  // After every record: [0,100) fires on the record at 100 (W = 99).
  CHECK(clocks({"--watermark-interval", "0"}).front() == 99);
  // Every 200 ms from the first row (receive time 0): the tick at 200 comes before the record at
  // 200 and carries W = 150 - 1, firing [0,100); the tick at 400 fires [100,200) and [200,300).
  const std::vector<int64_t> periodic = clocks({});
  REQUIRE(periodic.size() == 11);
  CHECK(std::vector<int64_t>(periodic.begin(), periodic.begin() + 3) ==
        std::vector<int64_t>{149, 349, 349});
  CHECK(clocks({"--watermark-interval", "200ms"}) == periodic);
}

TEST_CASE("flink --idle-timeout: a silent partition stops holding the watermark back",
          "[flink][cli]") {
  // Partition 1 sends one record at 0 and falls silent; partition 0 goes on for 10 s. Without
  // idleness the valve's minimum stays at partition 1's watermark, so every window waits for
  // the end of input; withIdleness(1s) marks partition 1 idle and partition 0 alone moves it.
  const Trace t("partition,key,event_time,receive_time,value\n1,k1,0,0,1\n" +
                steady_rows(0, 0, 10'000, 100));
  const auto clocks = [&](const Args& extra) {
    Args args = {"replay", t.path.string(), "-w", "tumbling:1s", "--profile", "flink", "-o", "-"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result r = tidemark_cmd(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    return result_clocks(r.out);
  };
  const auto finite = [](const std::vector<int64_t>& c) {
    return std::count_if(c.begin(), c.end(),
                         [](int64_t w) { return w != std::numeric_limits<int64_t>::max(); });
  };
  const std::vector<int64_t> held = clocks({});
  const std::vector<int64_t> idle = clocks({"--idle-timeout", "1s"});
  REQUIRE(held.size() == 12);  // 11 windows of partition 0's key, one of partition 1's
  REQUIRE(idle.size() == 12);
  CHECK(finite(held) == 0);  // all at the end of input, Watermark.MAX_WATERMARK
  // Ticks every 200 ms from 0: partition 1 is reset at 200, its timer starts at 400, and it is
  // idle at the first tick more than 1 s later, 1600, where partition 0's W = 1500 - 1 fires
  // both [0,1s). The ticks fire partition 0's windows up to [8s,9s) (W = 9899 at 10000); at the
  // end MAX_WATERMARK comes first, so [9s,10s) and [10s,11s) fire at it.
  CHECK(idle.front() == 1499);
  CHECK(finite(idle) == 10);
}

TEST_CASE("flink-only options are refused under the other profiles", "[flink][cli]") {
  const Trace t(kTrace);
  for (const char* profile : {"generic", "kafka-streams"}) {
    for (const Args& extra :
         std::vector<Args>{{"--trigger", "purging"}, {"--watermark-interval", "1s"}}) {
      Args args = {"replay", t.path.string(), "-w", "tumbling:10ms", "--profile", profile};
      args.insert(args.end(), extra.begin(), extra.end());
      const Result r = tidemark_cmd(args);
      INFO(profile << " " << extra[0] << " " << r.err);
      CHECK(r.code == 2);
      CHECK(r.err.find(extra[0] + ": only under --profile flink") != std::string::npos);
    }
  }
}

TEST_CASE("the summary names the engine profile and its options, and its peak state",
          "[flink][cli]") {
  const Trace t(kTrace);
  const auto summary = [&](const Args& extra) {
    Args args = {"replay", t.path.string(), "-w", "tumbling:10ms", "-o", "none", "--summary", "-"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result r = tidemark_cmd(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    return nlohmann::json::parse(r.out.substr(0, r.out.rfind('}') + 1));
  };
  const auto flink = summary({"--profile", "flink", "--trigger", "purging"});
  CHECK(flink["config"]["profile"] == "flink");
  CHECK(flink["config"]["watermark_interval"] == "200ms");
  CHECK(flink["config"]["trigger"] == "purging");
  CHECK(flink["peak_state_bytes"].get<uint64_t>() > 0);
  const auto kafka = summary({"--profile", "kafka-streams", "--emit", "on-close"});
  CHECK(kafka["config"]["profile"] == "kafka-streams");
  CHECK(kafka["config"]["emit"] == "on-close");
  CHECK(kafka["config"]["aggregate"] == "stats");
  CHECK(kafka["config"]["retention"] == "10ms");  // the DSL's default: size + grace
  CHECK(kafka["peak_state_bytes"].get<uint64_t>() > 0);
  const auto generic = summary({});
  CHECK_FALSE(generic["config"].contains("profile"));
  CHECK(generic["peak_state_bytes"].is_number());
}

TEST_CASE("an engine profile's run stops when its window state outgrows --max-state",
          "[flink][cli]") {
  // 2,000 events on 100 keys, each in 960 hopping windows kept for an hour of grace: about
  // 1.9M windows, far beyond 1 MiB; without the limit the same run succeeds.
  const fs::path trace =
      fs::temp_directory_path() / ("tidemark-profile-state-" + std::to_string(::getpid()) + ".tmt");
  REQUIRE(tidemark_cmd({"generate", "--workload", "mixed", "--events", "2000", "--keys", "100",
                        "--seed", "5", "-o", trace.string()})
              .code == 0);
  for (const char* profile : {"flink", "kafka-streams"}) {
    Args args = {"replay",   trace.string(), "-w",   "hopping:16m/1s", "--lateness",
                 "grace:1h", "-o",           "none", "--profile",      profile};
    const Result ok = tidemark_cmd(args);
    INFO(profile << ": " << ok.err);
    CHECK(ok.code == 0);
    args.insert(args.end(), {"--max-state", "1MiB"});
    const Result r = tidemark_cmd(args);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.find("--max-state 1 MiB exceeded: the window state of hopping:16m/1s under "
                     "--profile " +
                     std::string(profile) + " reached ") != std::string::npos);
  }
  fs::remove(trace);
}
