// `tidemark compare --profile`: the grid under an engine's rules, against tidemark's oracle; what
// the engine has no notion of is refused in one line before anything runs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/command.hpp"
#include "support/temp_dir.hpp"

using namespace tidemark;
using namespace tidemark::test;

namespace {

using Result = CommandResult;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Out of order, one key, no receive_time: under generic's drop, 3 and 18 are late (see
// tests/runner/profile_runs_test.cpp); Flink's first periodic tick lies beyond the trace.
const char* kSmall = "event_time,value\n1,1\n5,2\n12,3\n3,4\n15,5\n25,6\n18,7\n";

}  // namespace

TEST_CASE("compare --profile flink names the profile in the table, CSV and JSON",
          "[cli][compare][profile]") {
  TempDir dir;
  const std::string trace = dir.file("t.csv", kSmall);
  const Result r =
      tidemark_cmd({"compare", trace, "-w", "tumbling:10ms", "--policies", "drop,grace:1s",
                    "--profile", "flink", "--csv", dir / "c.csv", "--json", dir / "c.json"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("profile flink"));
  const std::string csv = read_text(dir / "c.csv");
  CHECK(csv.starts_with("profile,window,timestamp,"));
  CHECK(csv.find("\nflink,tumbling:10ms,") != std::string::npos);
  const nlohmann::json j = nlohmann::json::parse(read_text(dir / "c.json"));
  CHECK(j["profile"] == "flink");
  REQUIRE(j["configurations"].size() == 2);
  for (const auto& row : j["configurations"]) {
    CHECK(row["late"] == 0);  // only MAX_WATERMARK fires: nothing is late
    CHECK(row["completeness"] == 1.0);
  }
  // --watermark-interval 0 emits after every record: generic's two late events come back.
  const Result eager = tidemark_cmd({"compare", trace, "-w", "tumbling:10ms", "--profile", "flink",
                                     "--watermark-interval", "0", "--json", "-"});
  REQUIRE(eager.code == 0);
  CHECK(nlohmann::json::parse(eager.out)["configurations"][0]["late"] == 2);
}

TEST_CASE("compare without --profile writes no profile field", "[cli][compare][profile]") {
  TempDir dir;
  const std::string trace = dir.file("t.csv", kSmall);
  const Result r = tidemark_cmd({"compare", trace, "-w", "tumbling:10ms", "--json", "-"});
  REQUIRE(r.code == 0);
  CHECK_FALSE(nlohmann::json::parse(r.out).contains("profile"));
  const Result c = tidemark_cmd({"compare", trace, "-w", "tumbling:10ms", "--csv", "-"});
  CHECK(c.out.starts_with("window,timestamp,"));
}

TEST_CASE("compare --profile kafka-streams runs on stream time with --emit",
          "[cli][compare][profile]") {
  TempDir dir;
  const std::string trace = dir.file("t.csv", kSmall);
  const Result r = tidemark_cmd({"compare", trace, "-w", "tumbling:10ms", "--policies",
                                 "drop,grace:10ms", "--profile", "kafka-streams", "--json", "-"});
  REQUIRE(r.code == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["profile"] == "kafka-streams");
  REQUIRE(j["configurations"].size() == 2);
  CHECK(j["configurations"][0]["clock"] == "stream-time");
  // drop: stream time 12 closes [0,10) before 3 arrives, 25 closes [10,20) before 18.
  CHECK(j["configurations"][0]["late"] == 2);
  // grace 10ms: [0,10) takes records until stream time reaches 20, [10,20) until 30.
  CHECK(j["configurations"][1]["late"] == 0);
  // On update, every accepted record forwards its window: 7 forwards for 3 windows.
  CHECK(j["configurations"][1]["updates_per_window"] == Approx(7.0 / 3));

  // On close, a window is emitted once stream time reaches end + grace: [0,10) at 25 >= 20 with
  // 1, 5 and 3; [10,20) (close 30) and [20,30) (close 40) never are: 3 of 7 delivered.
  const Result closed =
      tidemark_cmd({"compare", trace, "-w", "tumbling:10ms", "--policies", "grace:10ms",
                    "--profile", "kafka-streams", "--emit", "on-close", "--json", "-"});
  REQUIRE(closed.code == 0);
  const nlohmann::json c = nlohmann::json::parse(closed.out)["configurations"][0];
  CHECK(c["windows_emitted"] == 1);
  CHECK(c["exact_windows"] == 1);
  CHECK(c["completeness"] == Approx(3.0 / 7));
}

TEST_CASE("compare --profile refuses in one line what the engine has no notion of",
          "[cli][compare][profile]") {
  TempDir dir;
  const std::string trace = dir.file("t.csv", kSmall);
  const std::vector<std::pair<cli::Args, std::string>> cases{
      {{"--profile", "flink", "--policies", "drop,wait:5ms"},
       "--policies wait:5ms under --profile flink"},
      {{"--profile", "kafka-streams", "--policies", "wait:5ms"},
       "--policies wait:5ms under --profile kafka-streams"},
      {{"--profile", "flink", "--clocks", "stream-time"},
       "--clocks stream-time under --profile flink"},
      {{"--profile", "kafka-streams", "--clocks", "watermark"},
       "--clocks watermark under --profile kafka-streams"},
      {{"--profile", "kafka-streams", "--watermarks", "bounded:1s"},
       "--watermarks under --profile kafka-streams"},
      {{"--profile", "kafka-streams", "--idle-timeout", "1s"},
       "--idle-timeout under --profile kafka-streams"},
      {{"--profile", "flink", "--schedule", "event-time"}, "--schedule under --profile flink"},
      {{"--profile", "kafka-streams", "--aggregate", "collect"},
       "--aggregate under --profile kafka-streams"},
      {{"--profile", "flink", "--trigger", "purging"}, "--trigger purging under --profile flink"},
      {{"--profile", "flink", "--emit", "on-close"}, "--emit: only under --profile kafka-streams"},
      {{"--profile", "kafka-streams", "--watermark-interval", "1s"},
       "--watermark-interval: only under --profile flink"},
      {{"--profile", "kafka-streams", "-w", "sliding:5ms", "--emit", "on-close"},
       "--emit on-close under --profile kafka-streams"},
      {{"--emit", "on-close"}, "--emit: only under --profile kafka-streams"},
  };
  for (const auto& [extra, message] : cases) {
    cli::Args args{"compare", trace, "--csv", dir / "never.csv"};
    args.insert(args.end(), extra.begin(), extra.end());
    if (std::find(extra.begin(), extra.end(), "-w") == extra.end()) {
      args.insert(args.end(), {"-w", "tumbling:10ms"});
    }
    CAPTURE(message);
    const Result r = tidemark_cmd(args);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(message));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "never.csv"));
  }
}
