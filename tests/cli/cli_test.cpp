// The tidemark command, run in-process: exit codes, one-line errors, outputs.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "support/command.hpp"
#include "support/temp_dir.hpp"
#include "tidemark/core/trace_io/binary_trace.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"

namespace fs = std::filesystem;
using tidemark::cli::Args;
using tidemark::test::TempDir;

namespace {

using Result = tidemark::test::CommandResult;
using tidemark::test::tidemark_cmd;

size_t line_count(const std::string& s) {
  return size_t(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

TEST_CASE("tidemark --help lists the commands, replay --help teaches with examples", "[cli]") {
  const Result top = tidemark_cmd({"--help"});
  CHECK(top.code == 0);
  CHECK_THAT(top.out, Catch::Contains("replay"));
  const Result replay = tidemark_cmd({"replay", "--help"});
  CHECK(replay.code == 0);
  for (const char* option :
       {"--window", "--timestamp", "--watermark", "--clock", "--idle-timeout", "--partitions",
        "--schedule", "--lateness", "--end", "--output", "--late-output", "--summary", "Example"}) {
    INFO(option);
    CHECK_THAT(replay.out, Catch::Contains(option));
  }
  CHECK(tidemark_cmd({}).code == 2);
  CHECK(tidemark_cmd({"frobnicate"}).code == 2);
}

TEST_CASE("tidemark --version and COMMAND --version print the project's version", "[cli]") {
  const std::string expected = "tidemark " TIDEMARK_PROJECT_VERSION "\n";
  const Result top = tidemark_cmd({"--version"});
  CHECK(top.code == 0);
  CHECK(top.out == expected);
  CHECK(top.err.empty());
  for (const tidemark::cli::Command& c : tidemark::cli::commands()) {
    INFO(c.name);
    // Without the options and arguments the command requires.
    const Result r = tidemark_cmd({std::string(c.name), "--version"});
    CHECK(r.code == 0);
    CHECK(r.out == expected);
    CHECK(r.err.empty());
  }
}

TEST_CASE("replay writes results, late events and a JSON summary", "[cli]") {
  TempDir dir;
  const std::string trace =
      dir.file("t.csv", "event_time,value\n1,1\n8,8\n12,12\n17,17\n9,9\n30,30\n5,5\n");
  const Result r = tidemark_cmd({"replay", trace, "--window", "tumbling:10ms", "--watermark",
                                 "bounded:5ms", "--lateness", "grace:10ms", "-o", dir / "r.jsonl",
                                 "--late-output", dir / "l.jsonl", "--summary", dir / "s.json"});
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Contains("late") && Catch::Contains("events/s"));
  std::ifstream results(dir / "r.jsonl");
  std::string first;
  std::getline(results, first);
  CHECK(
      first ==
      "{\"key\":\"\",\"start\":0,\"end\":10,\"count\":2,\"sum\":9,\"min\":1,\"max\":8,\"mean\":4.5,"
      "\"kind\":\"on_time\",\"clock\":12,\"proc_time\":17,\"seq\":1}");
  std::ifstream late(dir / "l.jsonl");
  std::string late_line;
  std::getline(late, late_line);
  CHECK(late_line ==
        "{\"row\":8,\"partition\":0,\"key\":\"\",\"event_time\":5,\"extracted_time\":5,"
        "\"clock\":25,\"reason\":\"window_closed\"}");
  const auto summary = nlohmann::json::parse(std::ifstream(dir / "s.json"));
  CHECK(summary["events"] == 7);
  CHECK(summary["accepted"] == 6);
  CHECK(summary["late"] == 1);
  CHECK(summary["updates"] == 1);
  CHECK(summary["config"]["lateness"] == "grace:10ms");
}

TEST_CASE("replay is byte-identical across runs", "[cli]") {
  TempDir dir;
  const std::string trace = dir.file(
      "t.csv", "partition,key,event_time,value\n0,a,5,1\n1,b,3,2\n0,a,40,3\n1,b,1,4\n0,b,12,5\n");
  for (const char* window : {"tumbling:10ms", "hopping:20ms/5ms", "sliding:7ms", "session:6ms"}) {
    Args args{"replay",     trace,        "--window",      window,
              "--lateness", "grace:10ms", "--late-output", "-"};
    const Result a = tidemark_cmd(args);
    const Result b = tidemark_cmd(args);
    REQUIRE(a.code == 0);
    CHECK(a.out == b.out);
    CHECK(line_count(a.out) > 0);
  }
}

TEST_CASE("bad input and bad options: one line, exit 2, naming file/line/column or option",
          "[cli]") {
  TempDir dir;
  const std::string good = dir.file("good.csv", "key,event_time\nk,1\n");
  struct Case {
    std::string name;
    Args args;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {"missing header",
       {"replay", dir.file("a.csv", "0,k,100\n1,k,200\n"), "-w", "tumbling:1s"},
       "a.csv:1:1: header: unknown column \"0\""},
      {"missing event_time",
       {"replay", dir.file("b.csv", "key,value\nk,1\n"), "-w", "tumbling:1s"},
       "b.csv:1: header: required column \"event_time\" is missing"},
      {"wrong field count",
       {"replay", dir.file("c.csv", "key,event_time\nk,1\nk,2,3\n"), "-w", "tumbling:1s"},
       "c.csv:3: expected 2 fields"},
      {"non-numeric time",
       {"replay", dir.file("d.csv", "key,event_time\nk,soon\n"), "-w", "tumbling:1s"},
       "d.csv:2:2: event_time: \"soon\" is not a time"},
      {"out-of-range time",
       {"replay", dir.file("e.csv", "event_time\n9223372036854775807\n"), "-w", "tumbling:1s"},
       "e.csv:2:1: event_time"},
      {"bad ISO date",
       {"replay", dir.file("f.csv", "event_time\n2026-11-31T00:00:00Z\n"), "-w", "tumbling:1s"},
       "f.csv:2:1: event_time: \"2026-11-31T00:00:00Z\" is not a time"},
      {"empty file", {"replay", dir.file("g.csv", ""), "-w", "tumbling:1s"}, "g.csv: empty file"},
      {"missing file", {"replay", dir / "nope.csv", "-w", "tumbling:1s"}, "nope.csv: cannot open"},
      {"unknown option", {"replay", good, "-w", "tumbling:1s", "--frobnicate"}, "--frobnicate"},
      {"missing window", {"replay", good}, "--window"},
      {"zero size", {"replay", good, "-w", "tumbling:0"}, "tumbling size must be > 0, got 0"},
      {"advance > size",
       {"replay", good, "-w", "hopping:10s/12s"},
       "advance must be in (0, 10s], got 12s"},
      {"offset too large",
       {"replay", good, "-w", "tumbling:10s@10s"},
       "offset must be in (-10s, 10s), got 10s"},
      {"bad duration", {"replay", good, "-w", "tumbling:10 parsecs"}, "10 parsecs"},
      {"bad lateness", {"replay", good, "-w", "tumbling:1s", "--lateness", "grace"}, "grace"},
      {"bad watermark",
       {"replay", good, "-w", "tumbling:1s", "--watermark", "bounded:-5s"},
       "got -5s"},
      {"bad clock",
       {"replay", good, "-w", "tumbling:1s", "--clock", "wall"},
       "clock: unknown value \"wall\""},
      {"missing column",
       {"replay", good, "-w", "tumbling:1s", "--timestamp", "corrected"},
       "--timestamp corrected needs column \"send_time\""},
      {"missing column in compare, named by its option",
       {"compare", good, "-w", "tumbling:1s", "--policies", "drop", "--timestamps",
        "event,receive"},
       "--timestamps receive needs column \"receive_time\""},
      {"missing column in inspect",
       {"inspect", good, "--timestamp", "true"},
       "--timestamp true needs column \"true_time\""},
      {"partitions too few",
       {"replay", dir.file("h.csv", "partition,event_time\n0,1\n5,2\n"), "-w", "tumbling:1s",
        "--partitions", "2"},
       "--partitions 2: "},
      {"partition beyond --partitions, by line",
       {"replay", dir.file("h2.csv", "partition,event_time\n0,1\n1,2\n5,3\n"), "-w", "tumbling:1s",
        "--partitions", "2"},
       "h2.csv line 4 has partition 5"},
      {"idle timeout zero",
       {"replay", good, "-w", "tumbling:1s", "--idle-timeout", "0"},
       "idle-timeout"},
      {"unwritable output",
       {"replay", good, "-w", "tumbling:1s", "-o", "/nonexistent/dir/r.jsonl"},
       "cannot write"},
      // Unsigned options: CLI11 clamps beyond uint64 and wraps negatives; both are errors.
      {"seed beyond uint64",
       {"generate", "--workload", "mixed", "--events", "10", "--seed", "99999999999999999999999",
        "-o", "-"},
       "--seed 99999999999999999999999: out of range (at most 18446744073709551615)"},
      {"seed 2^64",
       {"generate", "--workload", "mixed", "--events", "10", "--seed", "18446744073709551616", "-o",
        "-"},
       "--seed 18446744073709551616: out of range (at most 18446744073709551615)"},
      {"negative seed",
       {"generate", "--workload", "mixed", "--events", "10", "--seed", "-1", "-o", "-"},
       "--seed -1: must be >= 0"},
      {"events beyond uint64",
       {"generate", "--workload", "mixed", "--events", "18446744073709551616", "--seed", "1", "-o",
        "-"},
       "--events 18446744073709551616: out of range (at most 18446744073709551615)"},
      {"negative events",
       {"generate", "--workload", "mixed", "--events", "-1", "--seed", "1", "-o", "-"},
       "--events -1: must be >= 0"},
      {"keys beyond uint32",
       {"generate", "--workload", "mixed", "--events", "10", "--seed", "1", "-o", "-", "--keys",
        "99999999999999999999"},
       "--keys 99999999999999999999: must be in [1, 10000000]"},
      {"generate partitions beyond uint32",
       {"generate", "--workload", "mixed", "--events", "10", "--seed", "1", "-o", "-",
        "--partitions", "5000000000"},
       "--partitions 5000000000: must be in [1, "},
      {"replay partitions beyond uint32",
       {"replay", good, "-w", "tumbling:1s", "--partitions", "5000000000"},
       "--partitions 5000000000: out of range (at most 4294967295)"},
      {"negative replay partitions",
       {"replay", good, "-w", "tumbling:1s", "--partitions", "-1"},
       "--partitions -1: must be >= 0"},
      {"compare threads beyond uint64",
       {"compare", good, "-w", "tumbling:1s", "--threads", "99999999999999999999999"},
       "--threads 99999999999999999999999: out of range"},
      {"negative compare threads",
       {"compare", good, "-w", "tumbling:1s", "--threads", "-1"},
       "--threads -1: must be >= 0"},
      {"inspect limit beyond uint64",
       {"inspect", good, "--limit", "99999999999999999999999"},
       "--limit 99999999999999999999999: out of range"},
      {"negative inspect limit", {"inspect", good, "--limit", "-1"}, "--limit -1: must be >= 0"},
      // Counts in scientific notation must be whole and fit.
      {"fractional events",
       {"generate", "--workload", "mixed", "--events", "1.5", "--seed", "1", "-o", "-"},
       "--events 1.5: not an integer"},
      {"events 1e-3",
       {"generate", "--workload", "mixed", "--events", "1e-3", "--seed", "1", "-o", "-"},
       "--events 1e-3: not an integer"},
      {"events 1e20",
       {"generate", "--workload", "mixed", "--events", "1e20", "--seed", "1", "-o", "-"},
       "--events 1e20: out of range (at most 18446744073709551615)"},
      {"events 2e9",
       {"generate", "--workload", "mixed", "--events", "2e9", "--seed", "1", "-o", "-"},
       "--events 2000000000: must be in [0, 1000000000]"},
      {"fractional keys",
       {"generate", "--workload", "mixed", "--events", "10", "--seed", "1", "-o", "-", "--keys",
        "2.5"},
       "--keys 2.5: not an integer"},
      {"replay partitions 5e9",
       {"replay", good, "-w", "tumbling:1s", "--partitions", "5e9"},
       "--partitions 5e9: out of range (at most 4294967295)"},
      {"compare threads 1e-1",
       {"compare", good, "-w", "tumbling:1s", "--threads", "1e-1"},
       "--threads 1e-1: not an integer"},
      {"inspect limit 1e30", {"inspect", good, "--limit", "1e30"}, "--limit 1e30: out of range"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const Result r = tidemark_cmd(c.args);
    CHECK(r.code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK_THAT(r.err, Catch::StartsWith("tidemark") && Catch::Contains(c.expect));
  }
}

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("counts may be written 1e3 or 2.5e1: the same run as in digits", "[cli]") {
  const Result digits =
      tidemark_cmd({"generate", "--workload", "mixed", "--events", "1000", "--seed", "7", "--keys",
                    "25", "--partitions", "3", "-o", "-"});
  REQUIRE(digits.code == 0);
  const Result scientific =
      tidemark_cmd({"generate", "--workload", "mixed", "--events", "1e3", "--seed", "7", "--keys",
                    "2.5e1", "--partitions", "3E0", "-o", "-"});
  REQUIRE(scientific.code == 0);
  CHECK(scientific.out == digits.out);
  CHECK(line_count(digits.out) == 1002);  // the workload comment, the header, 1000 events

  TempDir dir;
  const std::string csv = dir.file("t.csv", "partition,key,event_time\n0,a,1\n1,b,5\n0,c,1200\n");
  for (const auto& [given, written] : std::vector<std::pair<Args, Args>>{
           {{"replay", csv, "-w", "tumbling:1s", "--partitions", "4"},
            {"replay", csv, "-w", "tumbling:1s", "--partitions", "0.4e1"}},
           {{"inspect", csv, "--limit", "20", "--partitions", "2"},
            {"inspect", csv, "--limit", "2e1", "--partitions", "2e0"}}}) {
    const Result a = tidemark_cmd(given), b = tidemark_cmd(written);
    REQUIRE(a.code == 0);
    CHECK(b.code == 0);
    // Only the wall time may differ.
    const auto without_timing = [](const std::string& text) {
      std::string kept;
      std::istringstream lines(text);
      for (std::string line; std::getline(lines, line);) {
        if (line.find("wall time") == std::string::npos &&
            line.find("events/s") == std::string::npos) {
          kept += line + '\n';
        }
      }
      return kept;
    };
    CHECK(without_timing(b.out) == without_timing(a.out));
  }
  const Result threads = tidemark_cmd({"compare", csv, "-w", "tumbling:1s", "--threads", "1e0"});
  REQUIRE(threads.code == 0);
  CHECK_THAT(threads.out, Catch::Contains("on 1 thread in"));
}

TEST_CASE("an output that is the input trace or another output is refused before any write",
          "[cli]") {
  TempDir dir;
  const std::string csv = dir.file("t.csv", "key,event_time\na,1\nb,2\na,1500\n");
  const std::string tmt = dir / "t.tmt";
  REQUIRE(tidemark_cmd({"convert", csv, tmt}).code == 0);
  const std::string csv_bytes = read_file(csv), tmt_bytes = read_file(tmt);
  const std::string x = dir / "x", other = dir / "sub/../t.tmt";  // another spelling of t.tmt
  struct Case {
    Args args;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {{"replay", tmt, "-w", "tumbling:1s", "-o", tmt}, "--output " + tmt + ": is the input"},
      {{"replay", csv, "-w", "tumbling:1s", "-o", csv}, "--output " + csv + ": is the input"},
      {{"replay", tmt, "-w", "tumbling:1s", "--late-output", other}, "--late-output"},
      {{"replay", csv, "-w", "tumbling:1s", "--summary", csv}, "--summary"},
      {{"convert", tmt, other}, "output " + other + ": is the input"},
      {{"compare", tmt, "-w", "tumbling:1s", "--json", tmt}, "--json"},
      {{"replay", csv, "-w", "tumbling:1s", "-o", x, "--late-output", x, "--summary", x},
       "--late-output " + x + ": the same file as --output " + x},
      {{"compare", csv, "-w", "tumbling:1s", "--csv", x, "--json", x}, "--json " + x},
      // One file in two spellings, neither existing yet.
      {{"replay", csv, "-w", "tumbling:1s", "-o", x, "--late-output", dir / "./x"},
       "--late-output " + dir / "./x" + ": the same file as --output " + x},
      {{"replay", csv, "-w", "tumbling:1s", "-o", x, "--summary", dir / "sub/../x"}, "--summary"},
      {{"compare", csv, "-w", "tumbling:1s", "--csv", x, "--json", dir / "./x"}, "--json"},
  };
  fs::create_directories(dir.path / "sub");
  for (const Case& c : cases) {
    INFO(c.args[0] << " " << c.expect);
    const Result r = tidemark_cmd(c.args);
    CHECK(r.code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains(c.expect));
    CHECK(read_file(csv) == csv_bytes);
    CHECK(read_file(tmt) == tmt_bytes);
    CHECK_FALSE(fs::exists(x));
  }
  // Devices and stdout may take several outputs.
  CHECK(tidemark_cmd({"replay", csv, "-w", "tumbling:1s", "-o", "/dev/null", "--late-output",
                      "/dev/null", "--summary", "/dev/null"})
            .code == 0);
  const Result both =
      tidemark_cmd({"replay", csv, "-w", "tumbling:1s", "-o", "-", "--late-output", "-"});
  CHECK(both.code == 0);
  CHECK(line_count(both.out) == 3);  // three windows, no late event
  // Relative to the working directory: `x` and `./x` are one file.
  {
    const fs::path cwd = fs::current_path();
    fs::current_path(dir.path);
    const Result relative = tidemark_cmd(
        {"replay", csv, "-w", "tumbling:1s", "-o", "r.jsonl", "--late-output", "./r.jsonl"});
    const Result summary =
        tidemark_cmd({"replay", csv, "-w", "tumbling:1s", "-o", "s.json", "--summary", "./s.json"});
    fs::current_path(cwd);
    CHECK(relative.code == 2);
    CHECK_THAT(relative.err, Catch::Contains("the same file as --output r.jsonl"));
    CHECK(summary.code == 2);
    CHECK_FALSE(fs::exists(dir / "r.jsonl"));
    CHECK_FALSE(fs::exists(dir / "s.json"));
  }
  // A summary that cannot be written fails before the results are written.
  const Result r = tidemark_cmd(
      {"replay", csv, "-w", "tumbling:1s", "-o", x, "--summary", dir / "missing/s.json"});
  CHECK(r.code == 2);
  CHECK_FALSE(fs::exists(x));
}

TEST_CASE("a directory as a trace is an error, not an abort", "[cli]") {
  TempDir dir;
  const std::string d = dir / "d";
  fs::create_directories(d);
  for (const Args& args :
       {Args{"replay", d, "-w", "tumbling:1s"}, Args{"inspect", d},
        Args{"convert", d, dir / "o.csv"}, Args{"compare", d, "-w", "tumbling:1s"}}) {
    INFO(args[0]);
    const Result r = tidemark_cmd(args);
    CHECK(r.code == 2);
    CHECK(r.err == "tidemark " + args[0] + ": " + d + ": cannot open: Is a directory\n");
  }
}

TEST_CASE("keys must be UTF-8: invalid bytes would make distinct keys one in JSON", "[cli]") {
  TempDir dir;
  // Two keys differing only in an invalid byte; an overlong '/'; a lone surrogate; truncated.
  for (const std::string key : {"\xff", "a\xfe", "\xc0\xaf", "\xed\xa0\x80", "\xe6\x97"}) {
    INFO(nlohmann::json(key).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
    const std::string csv = dir.file("k.csv", "key,event_time\nok,1\n" + key + ",2\n");
    const Result r = tidemark_cmd({"replay", csv, "-w", "tumbling:1s"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(csv + ":3:1: key: not valid UTF-8"));
  }
  // The same key in a binary trace's key table: made valid, converted, then patched.
  const std::string csv = dir.file("v.csv", "key,event_time\nz\xc3\xa9z,1\n");
  const std::string tmt = dir / "v.tmt";
  REQUIRE(tidemark_cmd({"convert", csv, tmt}).code == 0);
  std::string bytes = read_file(tmt);
  const size_t at = bytes.find("z\xc3\xa9z");
  REQUIRE(at != std::string::npos);
  bytes[at + 1] = '\xff';
  const std::string bad = dir.file("bad.tmt", bytes);
  const Result r = tidemark_cmd({"inspect", bad});
  CHECK(r.code == 2);
  CHECK_THAT(r.err,
             Catch::Contains("key table: entry 0: key: not valid UTF-8 (byte 0xFF at offset 1)"));
  // Valid multi-byte keys go through, each its own key.
  const std::string good =
      dir.file("g.csv", "key,event_time\ncaf\xc3\xa9,1\n\xe6\x97\xa5,2\n\xf0\x9f\x8e\x89,3\n");
  const Result ok = tidemark_cmd({"replay", good, "-w", "tumbling:1s"});
  REQUIRE(ok.code == 0);
  CHECK_THAT(ok.out, Catch::Contains("\"key\":\"caf\xc3\xa9\"") &&
                         Catch::Contains("\"key\":\"\xe6\x97\xa5\"") &&
                         Catch::Contains("\"key\":\"\xf0\x9f\x8e\x89\""));
}

TEST_CASE("JSON outputs replace invalid UTF-8 in paths and header comments instead of aborting",
          "[cli]") {
  TempDir dir;
  const std::string csv = dir.file("c\xff.csv", "# \xfe comment\nevent_time\n1\n");
  const Result inspect = tidemark_cmd({"inspect", csv, "--json"});
  REQUIRE(inspect.code == 0);
  CHECK(nlohmann::json::parse(inspect.out)["header"] == "\xef\xbf\xbd comment");
  const std::string summary = dir / "s.json";
  REQUIRE(
      tidemark_cmd({"replay", csv, "-w", "tumbling:1s", "-o", "/dev/null", "--summary", summary})
          .code == 0);
  CHECK(nlohmann::json::parse(read_file(summary)).contains("events"));
  const std::string json = dir / "c.json";
  REQUIRE(tidemark_cmd({"compare", csv, "-w", "tumbling:1s", "--json", json}).code == 0);
  CHECK(nlohmann::json::parse(read_file(json))["configurations"].size() == 1);
}

TEST_CASE("ISO times whose local time leaves the years 0000..9999 are written in UTC", "[cli]") {
  TempDir dir;
  const std::string epoch = "event_time\n253402300799999\n-62167219200000\n0\n";
  const std::string csv = dir.file("e.csv", epoch);
  for (const std::string zone : {"iso:+14:00", "iso:-12:00", "iso:Pacific/Kiritimati"}) {
    INFO(zone);
    const std::string iso = dir / "iso.csv", back = dir / "back.csv";
    REQUIRE(tidemark_cmd({"convert", csv, iso, "--time-format", zone}).code == 0);
    REQUIRE(tidemark_cmd({"convert", iso, back}).code == 0);  // reads back
    CHECK(read_file(back) == epoch);
  }
  const std::string iso = dir / "iso.csv";
  REQUIRE(tidemark_cmd({"convert", csv, iso, "--time-format", "iso:+14:00"}).code == 0);
  CHECK(read_file(iso) ==
        "event_time\n9999-12-31T23:59:59.999Z\n0000-01-01T14:00:00+14:00\n1970-01-01T14:00:00+14:"
        "00\n");
}

TEST_CASE("compare reports the partitions its runs use", "[cli]") {
  TempDir dir;
  const std::string csv = dir.file("p.csv", "partition,event_time\n0,1\n2,5\n");
  const std::string json = dir / "c.json";
  const Result given =
      tidemark_cmd({"compare", csv, "-w", "tumbling:1s", "--partitions", "10", "--json", json});
  REQUIRE(given.code == 0);
  CHECK_THAT(given.out, Catch::Contains("10 partitions"));
  CHECK(nlohmann::json::parse(read_file(json))["partitions"] == 10);
  const Result present = tidemark_cmd({"compare", csv, "-w", "tumbling:1s", "--json", json});
  REQUIRE(present.code == 0);
  CHECK_THAT(present.out, Catch::Contains("3 partitions"));
  CHECK(nlohmann::json::parse(read_file(json))["partitions"] == 3);
}

TEST_CASE("compare --json - and --csv - write only the document to stdout, the table to stderr",
          "[cli]") {
  TempDir dir;
  const std::string csv = dir.file("t.csv", "event_time\n1\n5\n1200\n");
  const Result json = tidemark_cmd({"compare", csv, "-w", "tumbling:1s", "--json", "-"});
  REQUIRE(json.code == 0);
  CHECK(nlohmann::json::parse(json.out)["configurations"].size() == 1);
  CHECK_THAT(json.err, Catch::Contains("1 configuration on"));
  const Result table = tidemark_cmd({"compare", csv, "-w", "tumbling:1s", "--csv", "-"});
  REQUIRE(table.code == 0);
  CHECK(table.out.starts_with("window,timestamp,"));
  CHECK(line_count(table.out) == 2);
  CHECK_THAT(table.err, Catch::Contains("latency 1st"));
  // Both in files: the table stays on stdout.
  const Result files = tidemark_cmd(
      {"compare", csv, "-w", "tumbling:1s", "--json", dir / "c.json", "--csv", dir / "c.csv"});
  REQUIRE(files.code == 0);
  CHECK_THAT(files.out, Catch::Contains("latency 1st"));
  CHECK(files.err.empty());
}

TEST_CASE("compare writes a latency no window had as null, an empty CSV field and -", "[cli]") {
  TempDir dir;
  // One window, [0,1h), which only the end-of-trace flush emits: no latency to measure.
  const std::string csv = dir.file("t.csv", "event_time\n1\n5\n1200\n");
  const Args args = {"compare", csv, "-w", "tumbling:1h", "--policies", "drop,grace:1m"};
  Args with_json = args;
  with_json.insert(with_json.end(), {"--json", "-"});
  const Result json = tidemark_cmd(with_json);
  REQUIRE(json.code == 0);
  const nlohmann::json rows = nlohmann::json::parse(json.out)["configurations"];
  REQUIRE(rows.size() == 2);
  for (const nlohmann::json& row : rows) {
    CHECK(row["windows_flushed"] == 1);
    for (const char* field :
         {"latency_first_p50_ms", "latency_first_p99_ms", "latency_first_max_ms",
          "latency_last_p50_ms", "latency_last_p99_ms", "latency_last_max_ms"}) {
      INFO(field);
      CHECK(row.at(field).is_null());
    }
    CHECK(row["completeness"] == 1.0);
    CHECK(row["first_count_error_mean"] == 0.0);
  }
  Args with_csv = args;
  with_csv.insert(with_csv.end(), {"--csv", "-"});
  const Result table = tidemark_cmd(with_csv);
  REQUIRE(table.code == 0);
  std::istringstream lines(table.out);
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  const auto cells = [](const std::string& line) {
    std::vector<std::string> out(1);
    for (const char c : line) {
      if (c == ',') {
        out.emplace_back();
      } else {
        out.back().push_back(c);
      }
    }
    return out;
  };
  const std::vector<std::string> names = cells(header), values = cells(first);
  REQUIRE(names.size() == values.size());
  for (size_t i = 0; i < names.size(); ++i) {
    INFO(names[i]);
    CHECK(values[i].empty() == names[i].starts_with("latency_"));
  }
  // The table: "-" where the latencies would be.
  const Result shown = tidemark_cmd(args);
  REQUIRE(shown.code == 0);
  CHECK(std::regex_search(shown.out, std::regex(R"(\n(drop|grace:1m) .* 0\.00% +- +- +0\.000 )")));
}

TEST_CASE("compare's oracle_time names the time the oracle windows by, as text", "[cli]") {
  TempDir dir;
  const std::string with_true = dir.file("t.csv", "event_time,true_time\n1,1\n5,4\n1200,1100\n");
  const std::string without = dir.file("e.csv", "event_time\n1\n5\n1200\n");
  const auto oracle_time = [](const std::string& trace, const std::string& timestamps) {
    const Result json = tidemark_cmd(
        {"compare", trace, "-w", "tumbling:1s", "--timestamps", timestamps, "--json", "-"});
    REQUIRE(json.code == 0);
    std::vector<std::string> out;
    const nlohmann::json doc = nlohmann::json::parse(json.out);
    for (const auto& row : doc["configurations"]) {
      out.push_back(row["oracle_time"]);
    }
    return out;
  };
  CHECK(oracle_time(with_true, "event,true") == std::vector<std::string>{"true_time", "true_time"});
  CHECK(oracle_time(without, "event") == std::vector<std::string>{"event_time"});
  // In CSV too: not a bare true, which pandas and DuckDB read as a boolean.
  const Result csv = tidemark_cmd({"compare", with_true, "-w", "tumbling:1s", "--csv", "-"});
  REQUIRE(csv.code == 0);
  CHECK_THAT(csv.out, Catch::Contains(",watermark,drop,true_time,3,"));
}

TEST_CASE("compare reports the threads it started, not the count asked for", "[cli]") {
  TempDir dir;
  const std::string csv = dir.file("t.csv", "event_time\n1\n5\n");
  const std::string json = dir / "c.json";
  // One configuration is four tasks (its oracle, run, completeness and evaluation).
  const Result many =
      tidemark_cmd({"compare", csv, "-w", "tumbling:1s", "--threads", "100000", "--json", json});
  REQUIRE(many.code == 0);
  CHECK_THAT(many.out, Catch::Contains("1 configuration on 4 threads"));
  CHECK(nlohmann::json::parse(read_file(json))["threads"] == 4);
  const Result one = tidemark_cmd({"compare", csv, "-w", "tumbling:1s", "-j", "1"});
  REQUIRE(one.code == 0);
  CHECK_THAT(one.out, Catch::Contains("1 configuration on 1 thread in"));
}

TEST_CASE("a full disk is named in the error: the file, or stdout", "[cli]") {
  TempDir dir;
  const std::string csv = dir.file("t.csv", "event_time\n1\n5\n");
  const Result generated = tidemark_cmd(
      {"generate", "--workload", "mixed", "--seed", "1", "--events", "100000", "-o", "/dev/full"});
  CHECK(generated.code == 2);
  CHECK(generated.err == "tidemark generate: /dev/full: write failed: No space left on device\n");
  const Result converted = tidemark_cmd({"convert", csv, "/dev/full"});
  CHECK(converted.code == 2);
  CHECK_THAT(converted.err, Catch::StartsWith("tidemark convert: /dev/full: write failed"));
  const Result replayed = tidemark_cmd({"replay", csv, "-w", "tumbling:1s", "-o", "/dev/full"});
  CHECK(replayed.code == 2);
  CHECK(replayed.err == "tidemark replay: /dev/full: write failed: No space left on device\n");
  // Results of many blocks: the run stops at the first failed one, with the system's reason.
  const std::string tmt = dir / "big.tmt";
  REQUIRE(tidemark_cmd({"generate", "--workload", "out-of-order", "--seed", "1", "--events",
                        "100000", "--keys", "10000", "-o", tmt})
              .code == 0);
  for (const char* option : {"-o", "--late-output"}) {
    INFO(option);
    const Result big = tidemark_cmd({"replay", tmt, "-w", "tumbling:1s", option, "/dev/full"});
    CHECK(big.code == 2);
    CHECK(big.err == "tidemark replay: /dev/full: write failed: No space left on device\n");
  }
  // The engine profiles write through their own sinks, and name the file alike.
  for (const char* profile : {"flink", "kafka-streams"}) {
    INFO(profile);
    const Result engine =
        tidemark_cmd({"replay", tmt, "-w", "tumbling:1s", "--profile", profile, "-o", "/dev/full"});
    CHECK(engine.code == 2);
    CHECK(engine.err == "tidemark replay: /dev/full: write failed: No space left on device\n");
  }
}

TEST_CASE("arguments a command does not take are listed in the order typed", "[cli]") {
  TempDir dir;
  const std::string csv = dir.file("t.csv", "event_time\n1\n");
  const Result r = tidemark_cmd({"compare", csv, "-w", "tumbling:1s", "--lateness", "grace:5s"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("these arguments were not expected: --lateness grace:5s"));
  const Result one = tidemark_cmd({"replay", csv, "-w", "tumbling:1s", "extra"});
  CHECK(one.code == 2);
  CHECK_THAT(one.err, Catch::Contains("this argument was not expected: extra"));
}

TEST_CASE("a .tmt whose header miscounts its partitions fails every command", "[cli]") {
  TempDir dir;
  const std::string csv = dir.file("p.csv", "partition,event_time\n0,1\n0,20\n0,5\n");
  REQUIRE(tidemark_cmd({"convert", csv, dir / "p.tmt"}).code == 0);
  std::string bytes;
  {
    std::ifstream in(dir / "p.tmt", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[20] = 5;  // the header's partition count: 5, for records of partition 0 alone
  const std::string bad = dir.file("p5.tmt", bytes);
  const std::string mismatch =
      "p5.tmt: the header's partition count 5 does not match the "
      "records' 1 (1 + their largest partition id)";
  for (const Args& args : std::vector<Args>{
           {"replay", bad, "-w", "tumbling:10ms", "-o", dir / "r.jsonl"},
           {"replay", bad, "-w", "tumbling:10ms", "--schedule", "event-time", "-o",
            dir / "r.jsonl"},
           {"compare", bad, "-w", "tumbling:10ms"},
           {"inspect", bad},
           {"convert", bad, dir / "out.csv"},
       }) {
    INFO(args[0]);
    const Result r = tidemark_cmd(args);
    CHECK(r.code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains(mismatch));
    // Found at the end of the stream, after results were written: none reach their path.
    CHECK_FALSE(fs::exists(dir / "r.jsonl"));
    CHECK_FALSE(fs::exists(dir / "out.csv"));
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 3);
  }
  // Streamed, the header is all replay has before the run: it must not claim ids as the records'.
  const Result few = tidemark_cmd({"replay", bad, "-w", "tumbling:10ms", "--partitions", "1"});
  CHECK(few.code == 2);
  CHECK_THAT(few.err, Catch::Contains("--partitions 1: the header of ") &&
                          Catch::Contains("p5.tmt gives 5 partitions"));
}

TEST_CASE("a CSV line over 1 MiB is refused when read, and when a .tmt's comment would make one",
          "[cli]") {
  TempDir dir;
  // A comment longer than a .tmt holds cannot come from a CSV: its line is refused first.
  const std::string csv =
      dir.file("bc.csv", "# " + std::string(size_t(1) << 21, 'x') + "\nevent_time\n1\n");
  for (const std::string& output : {dir / "bc.tmt", dir / "bc.csv.out"}) {
    INFO(output);
    const Result r = tidemark_cmd({"convert", csv, output});
    CHECK(r.code == 2);
    CHECK(r.err == "tidemark convert: " + csv +
                       ":1: line longer than 1 MiB (1048576 bytes), the limit of a CSV line\n");
    CHECK_FALSE(fs::exists(output));
  }
  // A .tmt holds a comment of 1 MiB, one that "# " makes too long for a CSV line.
  tidemark::Trace t = tidemark::parse_csv_trace("event_time\n1\n", "t.csv");
  t.header_comment = std::string(tidemark::kMaxBinaryCommentBytes, 'x');
  const std::string tmt = dir / "c.tmt";
  {
    std::ofstream out(tmt, std::ios::binary);
    tidemark::write_binary_trace(out, t);
  }
  const Result r = tidemark_cmd({"convert", tmt, dir / "c.csv"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("header comment is 1048576 bytes; a CSV line holds at most "
                                    "1048576 bytes (1 MiB)"));
}

TEST_CASE("inspect --partitions 0 is an error, as in replay and compare", "[cli]") {
  TempDir dir;
  const std::string csv = dir.file("t.csv", "event_time\n1\n");
  const Result r = tidemark_cmd({"inspect", csv, "--partitions", "0"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--partitions must be in [1, "));
  CHECK(tidemark_cmd({"inspect", csv, "--partitions", "2"}).code == 0);
}

TEST_CASE("CSV errors write control bytes as \\xHH, a binary trace named otherwise is named so",
          "[cli]") {
  TempDir dir;
  const std::string nul = dir.file("n.csv", std::string("event_time\n10\x00"
                                                        "00\n",
                                                        17));
  const Result r = tidemark_cmd({"replay", nul, "-w", "tumbling:1s"});
  CHECK(r.code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("event_time: \"10\\x0000\" is not a time"));
  const std::string csv = dir.file("t.csv", "event_time\n1\n");
  REQUIRE(tidemark_cmd({"convert", csv, dir / "t.tmt"}).code == 0);
  fs::copy_file(dir / "t.tmt", dir / "t.bin");
  const Result bin = tidemark_cmd({"inspect", dir / "t.bin"});
  CHECK(bin.code == 2);
  CHECK(line_count(bin.err) == 1);
  CHECK_THAT(bin.err, Catch::Contains("t.bin: a binary trace (it starts with TIDEMARK)"));
}

TEST_CASE("replay puts the summary table on stderr when the summary JSON is on stdout", "[cli]") {
  TempDir dir;
  const std::string csv = dir.file("t.csv", "event_time\n1\n5\n");
  const Result r =
      tidemark_cmd({"replay", csv, "-w", "tumbling:1s", "-o", "/dev/null", "--summary", "-"});
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["events"] == 2);
  CHECK_THAT(r.err, Catch::Contains("events/s"));
}

TEST_CASE("CSV errors escape bytes that are not UTF-8 and cut a long field", "[cli]") {
  TempDir dir;
  const std::string u = dir.file("u.csv",
                                 "key,event_time\na,17\xff"
                                 "5\n");
  const Result r = tidemark_cmd({"replay", u, "--window", "tumbling:1s"});
  CHECK(r.code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains(u + ":2:2: event_time: \"17\\xFF5\" is not a time"));
  CHECK(r.err.find('\xff') == std::string::npos);
  const std::string big =
      dir.file("big.csv", "key,event_time\n\"" + std::string(500'000, 'q') + "\",1,2\n");
  const Result cut = tidemark_cmd({"inspect", big});
  CHECK(cut.code == 2);
  CHECK(line_count(cut.err) == 1);
  CHECK(cut.err.size() < 400);
  CHECK_THAT(cut.err, Catch::Contains(big + ":2: expected 2 fields as in the header, got 3"));
  const std::string field =
      dir.file("f.csv", "key,kind,event_time\na," + std::string(500'000, 'q') + ",1\n");
  const Result kind = tidemark_cmd({"replay", field, "-w", "tumbling:1s"});
  CHECK(kind.code == 2);
  CHECK(kind.err == "tidemark replay: " + field + ":2:2: kind: \"" + std::string(200, 'q') +
                        "…\" (500000 bytes) is not E, W or I\n");
}

TEST_CASE("input without a line break stops at line 1, whatever its length", "[cli]") {
  TempDir dir;
  for (const Args& args :
       {Args{"replay", "/dev/zero", "--window", "tumbling:1s"}, Args{"inspect", "/dev/zero"},
        Args{"convert", "/dev/zero", dir / "z.tmt"}}) {
    INFO(args[0]);
    const Result r = tidemark_cmd(args);
    CHECK(r.code == 2);
    CHECK(r.err == "tidemark " + args[0] +
                       ": /dev/zero:1: line longer than 1 MiB (1048576 bytes), the limit of a CSV "
                       "line\n");
  }
}

namespace {

// Replays `text` through a named pipe (a FIFO) in `dir`, written by another thread.
Result replay_from_pipe(const TempDir& dir, const std::string& text, Args options) {
  const std::string fifo = dir / "pipe.csv";
  fs::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << text; });
  options.insert(options.begin(), {"replay", fifo});
  const Result r = tidemark_cmd(options);
  writer.join();
  return r;
}

}  // namespace

TEST_CASE("replay reads a CSV trace from a pipe, without --partitions, up to 2^20 records",
          "[cli]") {
  TempDir dir;
  const std::string text =
      "partition,key,event_time\n0,a,5\n2,b,3\n0,a,1400\n1,b,1100\n0,b,2600\n2,a,900\n";
  const std::string file = dir.file("t.csv", text);
  for (const Args& options :
       {Args{"-w", "tumbling:1s", "--late-output", "-"},
        Args{"-w", "session:300ms", "--clock", "stream-time", "--partitions", "4", "-o", "-"}}) {
    Args from_file = options;
    from_file.insert(from_file.begin(), {"replay", file});
    const Result expected = tidemark_cmd(from_file);
    REQUIRE(expected.code == 0);
    const Result piped = replay_from_pipe(dir, text, options);
    CHECK(piped.code == 0);
    CHECK(piped.out == expected.out);
    CHECK(line_count(piped.out) >= 3);
  }
  // One record more than is read ahead: the partition count must be given.
  std::string many = "partition,event_time\n";
  for (size_t i = 0; i <= tidemark::kCsvReadAheadRecords; ++i) many += "0,1\n";
  const Result r = replay_from_pipe(dir, many, {"-w", "tumbling:1s", "-o", "/dev/null"});
  CHECK(r.code == 2);
  CHECK(r.err == "tidemark replay: " + dir / "pipe.csv" +
                     " is not a regular file and holds more than 1048576 records: pass "
                     "--partitions, as the partition count (1 + the largest partition id) must "
                     "be known before the first record and a pipe cannot be read twice\n");
  const Result given = replay_from_pipe(dir, many, {"-w", "tumbling:1s", "--partitions", "1"});
  CHECK(given.code == 0);
  CHECK_THAT(given.out, Catch::Contains("1048577"));
}
