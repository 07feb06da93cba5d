// `--profile kafka-streams` beyond the engine's own vectors (tests/conformance/): what it refuses,
// how generic is left alone, and the rules derived from Kafka's code that no engine test pins.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "support/command.hpp"
#include "tidemark/windows/profiles/kafka_streams.hpp"

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
           ("tidemark-kafka-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + ".csv");
    std::ofstream(path) << csv;
  }
  ~Trace() { fs::remove(path); }
};

const std::string kTrace =
    "partition,key,event_time,value\n0,a,0,1\n0,a,5,2\n0,b,3,4\n0,a,12,1\n0,a,2,7\n";

}  // namespace

TEST_CASE("kafka-streams refuses what Kafka Streams has no notion of, in one line",
          "[kafka][cli]") {
  const Trace t(kTrace);
  const std::string trace = t.path.string();
  for (const Args& extra : std::vector<Args>{{"--watermark", "punctuated"},
                                             {"--watermark", "bounded:5ms"},
                                             {"--clock", "watermark"},
                                             {"--idle-timeout", "1s"},
                                             {"--schedule", "event-time"},
                                             {"--lateness", "wait:5ms"},
                                             {"--end", "flush"},
                                             {"--emit", "on-fire"},
                                             {"--aggregate", "median"},
                                             {"--retention", "5ms"}}) {  // below size + grace
    Args args = {"replay", trace, "-w", "tumbling:10ms", "--profile", "kafka-streams"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result r = tidemark_cmd(args);
    INFO(extra[0] << " " << extra[1] << ": " << r.err);
    CHECK(r.code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.rfind("tidemark replay: ", 0) == 0);
  }
  const Result offset =
      tidemark_cmd({"replay", trace, "-w", "tumbling:10ms@5ms", "--profile", "kafka-streams"});
  CHECK(offset.code == 2);
  CHECK(offset.err.find("aligned to 0") != std::string::npos);
  // Stream time is what it is built on: asking for it is fine.
  CHECK(tidemark_cmd({"replay", trace, "-w", "tumbling:10ms", "--profile", "kafka-streams",
                      "--clock", "stream-time", "-o", "/dev/null"})
            .code == 0);
}

TEST_CASE("kafka-streams takes -o none and refuses CSV rows, in one line", "[kafka][cli]") {
  const Trace t(kTrace);
  const Args base = {"replay",        t.path.string(), "-w",
                     "tumbling:10ms", "--profile",     "kafka-streams"};
  Args with_rows = base;
  with_rows.insert(with_rows.end(), {"-o", "-"});
  const Result rows = tidemark_cmd(with_rows);
  REQUIRE(rows.code == 0);
  CHECK(rows.out.find("\"ts\"") != std::string::npos);
  Args none = base;
  none.insert(none.end(), {"-o", "none"});
  const Result quiet = tidemark_cmd(none);
  REQUIRE(quiet.code == 0);
  // No row, no file named "none": only the summary table, on stdout as results are off.
  CHECK(quiet.out.find("\"ts\"") == std::string::npos);
  CHECK(quiet.out.rfind("tidemark replay ", 0) == 0);
  CHECK(!fs::exists("none"));
  Args csv = base;
  csv.insert(csv.end(), {"--output-format", "csv", "-o", "-"});
  const Result refused = tidemark_cmd(csv);
  CHECK(refused.code == 2);
  CHECK(refused.out.empty());
  CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);
  CHECK(refused.err.find("--output-format csv") != std::string::npos);
}

TEST_CASE("generic and flink refuse the kafka-streams options", "[kafka][cli]") {
  const Trace t(kTrace);
  for (const Args& extra : std::vector<Args>{{"--emit", "on-close"},
                                             {"--aggregate", "collect"},
                                             {"--retention", "1s"},
                                             {"--profile", "flink", "--emit", "on-close"},
                                             {"--profile", "spark"}}) {
    Args args = {"replay", t.path.string(), "-w", "tumbling:10ms"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result r = tidemark_cmd(args);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("generic, the default profile, is byte for byte what no --profile gives",
          "[kafka][cli]") {
  const Trace t(kTrace);
  const Result plain = tidemark_cmd(
      {"replay", t.path.string(), "-w", "tumbling:10ms", "--lateness", "grace:5ms", "-o", "-"});
  const Result generic =
      tidemark_cmd({"replay", t.path.string(), "-w", "tumbling:10ms", "--lateness", "grace:5ms",
                    "--profile", "generic", "-o", "-"});
  REQUIRE(plain.code == 0);
  // The summary's wall time differs; the results (JSON lines, before it on stdout) do not.
  const auto results = [](const std::string& s) { return s.substr(0, s.find("tidemark replay")); };
  CHECK(results(plain.out) == results(generic.out));
  CHECK(results(plain.out).find("\"ts\"") == std::string::npos);
}

TEST_CASE("kafka-streams drops negative timestamps at the source, as RecordQueue does", "[kafka]") {
  tidemark::Trace trace;
  trace.source = "t.csv";
  const auto key = trace.keys.intern("k");
  for (const int64_t ts : {5, -3, 7}) {
    tidemark::Event e;
    e.event_time = tidemark::Timestamp{ts};
    e.key = key;
    e.row = trace.events.size() + 2;
    trace.events.push_back(e);
  }
  tidemark::KafkaStreamsConfig config;
  config.window = tidemark::TumblingSpec(tidemark::Duration{10});
  tidemark::CollectingProfileSink results;
  tidemark::CollectingSink late;
  const auto m = tidemark::run_kafka_streams(trace, config, results, late).metrics;
  CHECK(m.events == 3);
  CHECK(m.late == 1);
  REQUIRE(late.late.size() == 1);
  CHECK(late.late[0].extracted_time.ms == -3);
  REQUIRE(results.results.size() == 2);
  CHECK(results.results[1].stats.count == 2);  // 5 and 7, stream time never saw -3
}

TEST_CASE("kafka-streams sessions: the store's retention decides what a record can bridge",
          "[kafka]") {
  // KStreamSessionWindowAggregateProcessorTest#shouldMergeSessions bridges [0,0] and
  // [300001,300001] with a store retention of 3 x gap; the DSL's default retention (gap + grace)
  // no longer finds [0,0] at store time 300001 (AbstractRocksDBSegmentedBytesStore
  // #getActualFrom: end >= 300001 - 300000 + 1), so the record joins the later session only.
  tidemark::Trace trace;
  trace.source = "t.csv";
  const auto key = trace.keys.intern("mel");
  for (const int64_t ts : {0, 300001, 150000}) {
    tidemark::Event e;
    e.event_time = tidemark::Timestamp{ts};
    e.key = key;
    trace.events.push_back(e);
  }
  tidemark::KafkaStreamsConfig config;
  config.window = tidemark::SessionSpec(tidemark::Duration{300000});
  const auto last = [&] {
    tidemark::CollectingProfileSink results;
    tidemark::NullSink late;
    tidemark::run_kafka_streams(trace, config, results, late);
    return results.results.back();
  };
  const tidemark::ProfileResult dsl_default = last();
  CHECK(dsl_default.start == 150000);
  CHECK(dsl_default.end == 300001);
  CHECK(dsl_default.stats.count == 2);
  config.retention = tidemark::Duration{900000};
  const tidemark::ProfileResult long_retention = last();
  CHECK(long_retention.start == 0);
  CHECK(long_retention.stats.count == 3);
}

TEST_CASE("kafka-streams on-close: a window the store's fetch no longer finds is never forwarded",
          "[kafka]") {
  // Tumbling 10 ms, no grace: [0,10) closes at the record at 25, which first puts [20,30). The
  // on-close store's fetchAll starts at observedStreamTime - retention = 20 - 10
  // (AbstractRocksDBTimeOrderedSegmentedBytesStore#fetchAll, AbstractDualSchemaRocksDB
  // SegmentedBytesStore#getActualFrom, time-first window schema), so the DSL's default retention
  // (size + grace) never forwards [0,10); a retention of 20 ms does. 15 is late ([10,20) closed).
  tidemark::Trace trace;
  trace.source = "t.csv";
  const auto key = trace.keys.intern("k");
  for (const int64_t ts : {5, 25, 15, 42}) {
    tidemark::Event e;
    e.event_time = tidemark::Timestamp{ts};
    e.key = key;
    trace.events.push_back(e);
  }
  tidemark::KafkaStreamsConfig config;
  config.window = tidemark::TumblingSpec(tidemark::Duration{10});
  config.emit = tidemark::KafkaEmit::kOnClose;
  const auto starts = [&] {
    tidemark::CollectingProfileSink results;
    tidemark::NullSink late;
    tidemark::run_kafka_streams(trace, config, results, late);
    std::vector<int64_t> out;
    for (const auto& r : results.results) out.push_back(r.start);
    return out;
  };
  // At 42 the store time is 40: [20,30) is found from a retention of 20 ms on as well.
  CHECK(starts() == std::vector<int64_t>{});
  config.retention = tidemark::Duration{19};
  CHECK(starts() == std::vector<int64_t>{});
  config.retention = tidemark::Duration{20};
  CHECK(starts() == std::vector<int64_t>{0, 20});
}

TEST_CASE("compare --profile generic is compare without --profile", "[kafka][cli]") {
  const Trace t(kTrace);
  // Everything but the timings, which differ from run to run.
  auto document = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"compare",    t.path.string(),  "-w",     "tumbling:10ms",
                                  "--policies", "drop,grace:5ms", "--json", "-"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result r = tidemark_cmd(args);
    REQUIRE(r.code == 0);
    nlohmann::json j = nlohmann::json::parse(r.out);
    j.erase("wall_seconds");
    for (auto& row : j["configurations"]) {
      row.erase("wall_seconds");
      row.erase("events_per_second");
    }
    return j;
  };
  const nlohmann::json plain = document({});
  CHECK(document({"--profile", "generic"}) == plain);
  const nlohmann::json kafka = document({"--profile", "kafka-streams"});
  CHECK(kafka["profile"] == "kafka-streams");
  CHECK(kafka["configurations"].size() == plain["configurations"].size());
}
