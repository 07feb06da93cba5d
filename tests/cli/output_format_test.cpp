// replay --output-format jsonl|csv and -o none: CSV that other tools read back as the JSON Lines
// rows, and results switched off without changing anything else.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "commands.hpp"
#include "support/command.hpp"
#include "tidemark/core/output/outputs.hpp"

namespace fs = std::filesystem;
using tidemark::cli::Args;

namespace {

using Result = tidemark::test::CommandResult;
using tidemark::test::tidemark_cmd;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("tidemark-format-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name, const std::string& content) const {
    std::ofstream(path / name, std::ios::binary) << content;
    return (path / name).string();
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Reads a CSV file with python3's csv module and a JSON Lines file with its json module, and
// checks that they hold the same rows: the same column names in the same order, strings equal,
// numbers equal (integers as integers), null as an empty field. Prints the first difference; exit 0
// if none.
constexpr const char* kCompareScript = R"(import csv, json, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.reader(f))
with open(sys.argv[2], encoding='utf-8') as f:
    objects = [json.loads(line) for line in f]
header, rows = rows[0], rows[1:]
if len(rows) != len(objects) or len(rows) < int(sys.argv[3]):
    sys.exit(f'{len(rows)} CSV rows, {len(objects)} JSON rows')
for i, (row, obj) in enumerate(zip(rows, objects)):
    if header != list(obj):
        sys.exit(f'row {i}: columns {header} vs {list(obj)}')
    for name, text in zip(header, row):
        value = obj[name]
        same = (text == '' if value is None else
                text == value if isinstance(value, str) else
                int(text) == value if isinstance(value, int) else float(text) == value)
        if not same:
            sys.exit(f'row {i}: {name}: CSV {text!r} vs JSON {value!r}')
)";

// Both formats of one replay: results.{csv,jsonl} and late.{csv,jsonl} in `dir`.
void replay_both(const TempDir& dir, const std::string& trace, const Args& run) {
  for (const std::string format : {"csv", "jsonl"}) {
    Args args = {"replay",
                 trace,
                 "--output-format",
                 format,
                 "-o",
                 dir / ("results." + format),
                 "--late-output",
                 dir / ("late." + format)};
    args.insert(args.end(), run.begin(), run.end());
    const Result r = tidemark_cmd(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
  }
}

bool python_agrees(const TempDir& dir, const std::string& what, size_t min_rows) {
  const std::string script = dir.file("compare.py", kCompareScript);
  const std::string command = "python3 " + script + " " + dir / (what + ".csv") + " " +
                              dir / (what + ".jsonl") + " " + std::to_string(min_rows);
  return std::system(command.c_str()) == 0;
}

}  // namespace

TEST_CASE("CSV results and late events read back as the JSON Lines rows", "[cli][csv]") {
  TempDir dir;
  SECTION("keys that need quoting, the empty key, an overflowed sum, updates") {
    // Line breaks in keys are in json_lines_test: a CSV trace holds none.
    const std::string trace = dir.file("t.csv",
                                       "event_time,key,value\n"
                                       "1,\"a,b\",1.5\n"
                                       "2,\"say \"\"hi\"\"\",2.25\n"
                                       "4,,0.1\n"
                                       "5,é ü,1e308\n"
                                       "6,é ü,1e308\n"
                                       "7,plain,0.30000000000000004\n"
                                       "40,plain,5\n"
                                       "2,plain,7\n"    // late, within grace: an update
                                       "1,\"a,b\",9\n"  // late, within grace
                                       "100,plain,1\n"
                                       "3,plain,1\n");  // beyond grace: a late event
    replay_both(dir, trace,
                {"-w", "tumbling:10ms", "--watermark", "bounded:0", "--lateness", "grace:50ms"});
    CHECK(python_agrees(dir, "results", 8));
    CHECK(python_agrees(dir, "late", 1));
    const std::string csv = read(dir / "results.csv");
    CHECK_THAT(csv, Catch::StartsWith(std::string(tidemark::kResultsCsvHeader)));
    CHECK_THAT(csv, Catch::Contains("\n\"a,b\",0,10,") &&
                        Catch::Contains("\n\"say \"\"hi\"\"\",") &&
                        Catch::Contains("\n\"\",0,10,"));
    CHECK_THAT(csv, Catch::Contains("é ü,0,10,2,,1e+308,1e+308,,on_time,"));
    CHECK(read(dir / "late.csv") ==
          std::string(tidemark::kLateCsvHeader) + "12,0,plain,3,3,100,window_closed\n");
  }
  SECTION("a generated trace of many keys and late events") {
    const std::string trace = dir / "g.tmt";
    REQUIRE(tidemark_cmd({"generate", "--workload", "offline-device", "--seed", "3", "--events",
                          "20000", "--rate", "200", "-o", trace})
                .code == 0);
    replay_both(
        dir, trace,
        {"-w", "hopping:2s/500ms", "--watermark", "bounded:100ms", "--lateness", "grace:1s"});
    CHECK(python_agrees(dir, "results", 1000));
    CHECK(python_agrees(dir, "late", 10));
  }
  SECTION("a run without results is a header alone") {
    const std::string trace = dir.file("empty.csv", "event_time,value\n");
    replay_both(dir, trace, {"-w", "tumbling:10ms"});
    CHECK(read(dir / "results.csv") == tidemark::kResultsCsvHeader);
    CHECK(read(dir / "late.csv") == tidemark::kLateCsvHeader);
    CHECK(read(dir / "results.jsonl").empty());
  }
}

TEST_CASE("the compare script finds a difference", "[cli][csv]") {
  TempDir dir;
  dir.file("x.jsonl", "{\"key\":\"a\",\"sum\":1.5}\n{\"key\":\"b\",\"sum\":null}\n");
  dir.file("x.csv", "key,sum\na,1.5\nb,\n");
  CHECK(python_agrees(dir, "x", 2));
  dir.file("x.csv", "key,sum\na,1.5\nb,0\n");  // null is not 0
  CHECK_FALSE(python_agrees(dir, "x", 2));
  dir.file("x.csv", "key,sum\na,1.50001\nb,\n");
  CHECK_FALSE(python_agrees(dir, "x", 2));
  dir.file("x.csv", "sum,key\n1.5,a\n,b\n");  // columns in another order
  CHECK_FALSE(python_agrees(dir, "x", 2));
  CHECK_FALSE(python_agrees(dir, "x", 3));  // fewer rows than required
}

TEST_CASE("results switched off (-o none) leave summary and late events as they were", "[cli]") {
  TempDir dir;
  const std::string trace = dir / "g.tmt";
  REQUIRE(tidemark_cmd({"generate", "--workload", "out-of-order", "--seed", "5", "--events", "5000",
                        "-o", trace})
              .code == 0);
  const Args run = {"replay", trace, "-w", "tumbling:1s", "--watermark", "bounded:10ms"};
  Args with = run, without = run;
  with.insert(with.end(), {"-o", dir / "r.jsonl", "--late-output", dir / "l1.jsonl", "--summary",
                           dir / "s1.json"});
  without.insert(without.end(),
                 {"-o", "none", "--late-output", dir / "l2.jsonl", "--summary", dir / "s2.json"});
  REQUIRE(tidemark_cmd(with).code == 0);
  const fs::path cwd = fs::current_path();
  fs::current_path(dir.path);  // where a file called "none" would appear
  const Result r = tidemark_cmd(without);
  fs::current_path(cwd);
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Contains("windows fired"));  // stdout is free for the table
  CHECK_FALSE(fs::exists(dir / "none"));
  CHECK_FALSE(read(dir / "r.jsonl").empty());
  CHECK(read(dir / "l1.jsonl") == read(dir / "l2.jsonl"));
  CHECK_FALSE(read(dir / "l2.jsonl").empty());
  auto s1 = nlohmann::json::parse(read(dir / "s1.json"));
  auto s2 = nlohmann::json::parse(read(dir / "s2.json"));
  for (auto* s : {&s1, &s2}) {
    for (const char* varying : {"wall_seconds", "events_per_second"}) s->erase(varying);
  }
  CHECK(s1 == s2);
  CHECK(s1["windows_fired"].get<uint64_t>() > 0);
  // ./none is a file of that name.
  Args named = run;
  named.insert(named.end(), {"-o", dir / "none"});
  CHECK(tidemark_cmd(named).code == 0);
  CHECK_FALSE(read(dir / "none").empty());
}

TEST_CASE("output format errors and failed writes are one line, exit 2", "[cli][csv]") {
  TempDir dir;
  const std::string trace = dir.file("t.csv", "event_time\n1\n5\n");
  const Result bad = tidemark_cmd({"replay", trace, "-w", "tumbling:1s", "--output-format", "xml"});
  CHECK(bad.code == 2);
  CHECK(bad.err == "tidemark replay: --output-format xml: unknown format (jsonl or csv)\n");
  CHECK_FALSE(tidemark_cmd({"replay", trace, "-w", "tumbling:1s", "--output-format", "CSV"}).code ==
              0);
  for (const char* option : {"-o", "--late-output"}) {
    INFO(option);
    const std::string tmt = dir / "big.tmt";
    REQUIRE(tidemark_cmd({"generate", "--workload", "out-of-order", "--seed", "1", "--events",
                          "100000", "--keys", "10000", "-o", tmt})
                .code == 0);
    const Result full = tidemark_cmd(
        {"replay", tmt, "-w", "tumbling:1s", "--output-format", "csv", option, "/dev/full"});
    CHECK(full.code == 2);
    CHECK(full.err == "tidemark replay: /dev/full: write failed: No space left on device\n");
  }
  const Result help = tidemark_cmd({"replay", "--help"});
  CHECK_THAT(help.out, Catch::Contains("--output-format") && Catch::Contains("none") &&
                           Catch::Contains("csv"));
}

TEST_CASE("replay --time-format iso spells every time as UTC text, the infinities as null or empty",
          "[cli][iso_time]") {
  TempDir dir;
  // tumbling:10ms, bounded:0, drop: 12 fires [0,10) with 1 and 5, 3 is late at clock 12; the
  // end-of-trace flush fires [10,20) at the clock +inf.
  const std::string trace = dir.file("t.csv", "event_time,value\n1,1\n5,2\n12,3\n3,4\n");
  for (const std::string format : {"jsonl", "csv"}) {
    CAPTURE(format);
    const Result ms = tidemark_cmd({"replay", trace, "-w", "tumbling:10ms", "--output-format",
                                    format, "-o", dir / "ms", "--late-output", dir / "ms-late"});
    REQUIRE(ms.code == 0);
    const Result iso = tidemark_cmd({"replay", trace, "-w", "tumbling:10ms", "--output-format",
                                     format, "--time-format", "iso", "-o", dir / "iso",
                                     "--late-output", dir / "iso-late"});
    REQUIRE(iso.code == 0);
    if (format == "jsonl") {
      // Row by row, the ms document with each time field spelled (write_iso_time is checked on
      // its own); every other field unchanged.
      const std::set<std::string> times{"start",     "end",        "clock",
                                        "proc_time", "event_time", "extracted_time"};
      for (const auto& [ms_file, iso_file] :
           {std::pair{dir / "ms", dir / "iso"}, std::pair{dir / "ms-late", dir / "iso-late"}}) {
        std::istringstream ms_rows(read(ms_file)), iso_rows(read(iso_file));
        std::string ms_line, iso_line;
        size_t rows = 0;
        while (std::getline(ms_rows, ms_line)) {
          REQUIRE(std::getline(iso_rows, iso_line));
          nlohmann::json want = nlohmann::json::parse(ms_line);
          for (auto& [field, value] : want.items()) {
            if (!times.count(field)) continue;
            const int64_t v = value.get<int64_t>();
            char text[64];
            value = v == INT64_MAX || v == INT64_MIN
                        ? nlohmann::json()
                        : nlohmann::json(std::string(text, tidemark::write_iso_time(text, v)));
          }
          CHECK(nlohmann::json::parse(iso_line) == want);
          ++rows;
        }
        CHECK_FALSE(std::getline(iso_rows, iso_line));
        CHECK(rows > 0);
      }
      const std::string first_row = read(dir / "iso").substr(0, read(dir / "iso").find('\n'));
      const auto first = nlohmann::json::parse(first_row);
      CHECK(first["end"] == "1970-01-01T00:00:00.010Z");
      CHECK(first["count"] == 2);
      CHECK(read(dir / "iso").find("\"clock\":null") != std::string::npos);  // the flush
    } else {
      const std::string rows = read(dir / "iso");
      CHECK(rows.starts_with(std::string(tidemark::kResultsCsvHeader)));
      CHECK(rows.find("1970-01-01T00:00:00.000Z,1970-01-01T00:00:00.010Z,2,3,") !=
            std::string::npos);
      CHECK(rows.find(",on_time,,") != std::string::npos);  // the flush's +inf clock: empty
      CHECK(read(dir / "iso-late")
                .find("1970-01-01T00:00:00.003Z,1970-01-01T00:00:00.003Z,"
                      "1970-01-01T00:00:00.012Z,window_closed") != std::string::npos);
    }
  }
  const Result bad = tidemark_cmd({"replay", trace, "-w", "tumbling:10ms", "--time-format", "s"});
  CHECK(bad.code == 2);
  CHECK(bad.err == "tidemark replay: --time-format s: unknown format (ms or iso)\n");
  const Result profile = tidemark_cmd(
      {"replay", trace, "-w", "tumbling:10ms", "--profile", "flink", "--time-format", "iso"});
  CHECK(profile.code == 2);
  CHECK_THAT(profile.err, Catch::Contains("--time-format iso: --profile flink"));
}
