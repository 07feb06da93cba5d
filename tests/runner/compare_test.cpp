// The oracle, the evaluation metrics and `tidemark compare`: hand-computed small traces, and
// properties on data/demo.csv.
#include "tidemark/runner/compare.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "commands.hpp"
#include "test_support.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/runtime/schedule.hpp"
#include "tidemark/runner/evaluation.hpp"

using namespace tidemark;
using namespace tidemark::literals;

namespace {

double no_clock() {
  return 0.0;
}

RunConfig config(const std::string& window, const std::string& policy,
                 const std::string& watermark = "bounded:0",
                 TimestampSource ts = TimestampSource::kEvent) {
  RunConfig c;
  c.window = WindowSpec::parse(window);
  c.lateness = LatenessPolicy::parse(policy);
  c.watermark = WatermarkSpec::parse(watermark);
  c.timestamp = ts;
  return c;
}

// One configuration through compare(), on one thread.
ConfigurationResult compare_one(const Trace& trace, const RunConfig& c) {
  const std::vector<RunConfig> configs{c};
  return compare(trace, configs, 1, no_clock).front();
}

const Trace& demo_trace() {
  static const Trace t = read_csv_trace(std::string(TIDEMARK_SOURCE_DIR) + "/data/demo.csv");
  return t;
}

// The first n records of the demo trace (keeps the slower sliding-window cases quick under ASan).
Trace demo_prefix(size_t n) {
  Trace t = demo_trace();
  t.events.resize(std::min(n, t.events.size()));
  return t;
}

// The largest amount by which an event's time is below the largest time seen before it.
Duration max_disorder(const Trace& trace) {
  Timestamp seen = Timestamp::min();
  Duration worst{0};
  for (const Event& e : trace.events) {
    if (seen.is_finite()) worst = std::max(worst, seen - e.event_time);
    seen = std::max(seen, e.event_time);
  }
  return worst;
}

// Out of order, one key, no receive_time (processing time = largest event time seen).
const char* kSmall = "event_time,value\n1,1\n5,2\n12,3\n3,4\n15,5\n25,6\n18,7\n";

}  // namespace

TEST_CASE("percentile is nearest-rank", "[compare]") {
  std::vector<double> v;
  CHECK(percentile(v, 50) == 0);
  v = {5};
  CHECK(percentile(v, 99) == 5);
  v = {4, 1, 3, 2};
  CHECK(percentile(v, 50) == 2);
  CHECK(percentile(v, 99) == 4);
  v.clear();
  for (int i = 100; i >= 1; --i) v.push_back(i);
  CHECK(percentile(v, 99) == 99);
  CHECK(percentile(v, 50) == 50);
  CHECK(percentile(v, 100) == 100);
}

TEST_CASE("relative error and equality of results", "[compare]") {
  CHECK(relative_error(2, 3) == Approx(1.0 / 3));
  CHECK(relative_error(0, 0) == 0);
  CHECK(relative_error(1, 0) == 1);
  CHECK(same_result({3, 0.1 + 0.2, 0, 0, 0}, {3, 0.3, 0, 0, 0}));
  CHECK_FALSE(same_result({3, 7, 0, 0, 0}, {2, 7, 0, 0, 0}));
  CHECK_FALSE(same_result({3, 7, 0, 0, 0}, {3, 7.001, 0, 0, 0}));
}

TEST_CASE("oracle: every window from all events, each emitted once at the end", "[compare]") {
  const Trace trace = test::csv(kSmall);
  CollectingSink sink;
  run(trace, oracle_config(config("tumbling:10ms", "drop"), TimestampSource::kEvent), sink, sink);
  CHECK(sink.late.empty());
  const Oracle oracle = Oracle::from_emissions(sink.emissions);
  REQUIRE(oracle.windows().size() == 3);
  CHECK(oracle.windows()[0].window == Window{{0}, {10}});
  CHECK(oracle.windows()[0].stats.count == 3);  // 1, 5, 3
  CHECK(oracle.windows()[0].stats.sum == 7);
  CHECK(oracle.windows()[1].stats.count == 3);  // 12, 15, 18
  CHECK(oracle.windows()[1].stats.sum == 15);
  CHECK(oracle.windows()[2].stats.count == 1);  // 25
  for (const Emission& e : sink.emissions) CHECK(e.clock == Timestamp::max());
  CHECK(oracle.find(0, {{10}, {20}}) == &oracle.windows()[1]);
  CHECK(oracle.find(0, {{10}, {21}}) == nullptr);
}

TEST_CASE("oracle keeps the final, non-retracted session of a merge", "[compare]") {
  // Kafka's SessionWindows example (gap 5): [10,17) and [20,25), then 16 merges them.
  auto em = [](int64_t s, int64_t e, uint64_t n, EmissionKind k) {
    Emission x;
    x.window = {{s}, {e}};
    x.stats.count = n;
    x.kind = k;
    return x;
  };
  const std::vector<Emission> emissions{em(10, 17, 2, EmissionKind::kOnTime),
                                        em(10, 17, 2, EmissionKind::kRetract),
                                        em(10, 25, 4, EmissionKind::kUpdate)};
  const Oracle o = Oracle::from_emissions(emissions);
  REQUIRE(o.windows().size() == 1);
  CHECK(o.windows()[0].window == Window{{10}, {25}});
  CHECK(o.windows()[0].stats.count == 4);
}

TEST_CASE("hand-computed metrics: drop, bounded:0, tumbling", "[compare]") {
  // Run: [0,10) fires at 12 with {1,5} (3 late), [10,20) at 25 with {12,15} (18 late), [20,30)
  // at the flush with {25}; processing time is the largest event time, 12 / 25 / 25.
  const Trace trace = test::csv(kSmall);
  const ConfigurationResult r = compare_one(trace, config("tumbling:10ms", "drop"));
  const Evaluation& ev = r.evaluation;
  CHECK(r.oracle_source == TimestampSource::kEvent);
  CHECK(ev.completeness.contributions == 7);
  CHECK(ev.completeness.delivered == 5);
  CHECK(ev.completeness.ratio == Approx(5.0 / 7));
  CHECK(ev.oracle_windows == 3);
  CHECK(ev.exact_windows == 1);
  CHECK(ev.first_exact_windows == 1);
  CHECK(ev.exact_share == Approx(1.0 / 3));
  CHECK(ev.first_count_error.mean == Approx((1.0 / 3 + 1.0 / 3 + 0) / 3));
  CHECK(ev.first_count_error.p99 == Approx(1.0 / 3));
  CHECK(ev.first_sum_error.mean == Approx((4.0 / 7 + 7.0 / 15 + 0) / 3));
  CHECK(ev.first_sum_error.p99 == Approx(4.0 / 7));
  // Latencies 12-10, 25-20; [20,30) was first emitted by the flush and has none.
  CHECK(ev.latency_first.samples == 2);
  CHECK(ev.latency_first.p50 == 2);
  CHECK(ev.latency_first.p99 == 5);
  CHECK(ev.latency_first.max == 5);
  CHECK(ev.latency_last.p50 == 2);
  CHECK(ev.windows_emitted == 3);
  CHECK(ev.windows_flushed == 1);
  CHECK(ev.updates_per_window == 0);
  CHECK(ev.extra_windows == 0);
  CHECK(r.metrics.late == 2);
}

TEST_CASE("hand-computed metrics: grace:10ms repairs every window with one update each",
          "[compare]") {
  // [0,10) on_time {1,5} at 12, update +3 at 12; [10,20) on_time {12,15} at 25, update +18 at 25;
  // [20,30) on_time {25} at the flush (no latency sample).
  const Trace trace = test::csv(kSmall);
  const ConfigurationResult r = compare_one(trace, config("tumbling:10ms", "grace:10ms"));
  const Evaluation& ev = r.evaluation;
  CHECK(ev.completeness.ratio == 1.0);
  CHECK(ev.exact_windows == 3);
  CHECK(ev.first_exact_windows == 1);
  CHECK(ev.first_count_error.mean == Approx(2.0 / 9));
  CHECK(ev.updates_per_window == Approx(2.0 / 3));
  CHECK(ev.latency_first.p50 == 2);
  CHECK(ev.latency_last.p50 == 2);
  CHECK(ev.latency_last.max == 5);
  CHECK(r.metrics.late == 0);
}

TEST_CASE("hand-computed metrics: wait:10ms fires each window once, complete and late",
          "[compare]") {
  // [0,10) fires at 25 with {1,5,3}; [10,20) and [20,30) at the flush (processing time 25).
  const Trace trace = test::csv(kSmall);
  const ConfigurationResult r = compare_one(trace, config("tumbling:10ms", "wait:10ms"));
  const Evaluation& ev = r.evaluation;
  CHECK(ev.completeness.ratio == 1.0);
  CHECK(ev.exact_share == 1.0);
  CHECK(ev.first_exact_share == 1.0);
  CHECK(ev.first_count_error.p99 == 0);
  CHECK(ev.latency_first.samples == 1);  // [0,10) at 25; the others at the flush
  CHECK(ev.latency_first.p50 == 15);
  CHECK(ev.latency_first.max == 15);
  CHECK(ev.windows_emitted == 3);
  CHECK(ev.windows_flushed == 2);
  CHECK(r.metrics.windows_fired == 3);
  CHECK(r.metrics.updates == 0);
}

TEST_CASE("a latency with no window to measure has no value, not 0", "[compare]") {
  // wait:1h: nothing fires before the end of the trace; every window is emitted by the flush.
  const Trace trace = test::csv(kSmall);
  const ConfigurationResult r = compare_one(trace, config("tumbling:10ms", "wait:1h"));
  const Evaluation& ev = r.evaluation;
  CHECK(ev.windows_flushed == ev.windows_emitted);
  CHECK(ev.latency_first.samples == 0);
  CHECK_FALSE(ev.latency_first.p50.has_value());
  CHECK_FALSE(ev.latency_first.p99.has_value());
  CHECK_FALSE(ev.latency_first.max.has_value());
  CHECK_FALSE(ev.latency_last.p50.has_value());
  // The other metrics have their samples.
  CHECK(ev.first_count_error.mean == 0);
  CHECK(ev.updates_per_window == 0);
}

TEST_CASE("an empty trace has no error or per-window figures", "[compare]") {
  const Trace trace = test::csv("event_time,value\n");
  const ConfigurationResult r = compare_one(trace, config("tumbling:10ms", "drop"));
  const Evaluation& ev = r.evaluation;
  CHECK(ev.oracle_windows == 0);
  CHECK_FALSE(ev.first_count_error.mean.has_value());
  CHECK_FALSE(ev.first_sum_error.p99.has_value());
  CHECK_FALSE(ev.updates_per_window.has_value());
  CHECK_FALSE(ev.retractions_per_window.has_value());
  CHECK(ev.exact_share == 1.0);  // a share of nothing: complete by convention (docs/metrics.md)
}

TEST_CASE("completeness counts (event, window) contributions for hopping windows", "[compare]") {
  // hopping 10/5: 9 arrives after 12 closed [0,10) but [5,15) still takes it. Every event is
  // accepted somewhere, yet one of its six contributions is missing.
  const Trace trace = test::csv("event_time,value\n1,1\n12,2\n9,4\n");
  const ConfigurationResult r = compare_one(trace, config("hopping:10ms/5ms", "drop"));
  CHECK(r.metrics.accepted == 3);
  CHECK(r.metrics.late == 0);
  CHECK(r.evaluation.completeness.contributions == 6);
  CHECK(r.evaluation.completeness.delivered == 5);
  CHECK(r.evaluation.oracle_windows == 4);  // [-5,5) [0,10) [5,15) [10,20)
  CHECK(r.evaluation.exact_windows == 3);   // [0,10) emitted {1} instead of {1, 9}
}

TEST_CASE("hopping completeness pairs each event's run and true windows by start", "[compare]") {
  // hopping 50/10: five windows an event. A contribution (event, true window) is delivered when
  // the run put the event in that window too, and the window's last emission counted it. The
  // true windows lie on either side of the run's, overlapping by 5, 4, 2, 0, 1, 1 and 2 starts.
  const Trace trace = test::csv(
      "event_time,true_time\n"
      "100,100\n"    // run = true: [60..100] both
      "200,210\n"    // true [170..210]: 170..200 shared
      "300,275\n"    // true [230..270]: 260, 270 shared
      "400,455\n"    // true [410..450]: none
      "500,467\n"    // true [420..460]: 460
      "600,640\n"    // true [600..640]: 600
      "575,575\n");  // same starts, but [530,580) .. [550,600) closed at 600: 560, 570 only
  const ConfigurationResult r = compare_one(trace, config("hopping:50ms/10ms", "drop"));
  CHECK(r.oracle_source == TimestampSource::kTrue);
  CHECK(r.metrics.late == 0);
  CHECK(r.evaluation.completeness.contributions == 35);
  CHECK(r.evaluation.completeness.delivered == 5 + 4 + 2 + 0 + 1 + 1 + 2);
}

TEST_CASE("against true_time, an event windowed by a wrong clock is not delivered", "[compare]") {
  // The device clock is 5 ms behind: event_time = true_time - 5; corrected = true.
  const Trace trace = test::csv(
      "key,event_time,value,send_time,receive_time,true_time\n"
      "a,-2,1,-2,3,3\n"
      "a,7,2,7,12,12\n"
      "a,10,4,10,15,15\n");
  const ConfigurationResult by_event = compare_one(trace, config("tumbling:10ms", "drop"));
  CHECK(by_event.oracle_source == TimestampSource::kTrue);
  CHECK(by_event.metrics.late == 0);
  // Run windows [-10,0) {-2}, [0,10) {7}, [10,20) {10}; truth [0,10) {3}, [10,20) {12, 15}.
  CHECK(by_event.evaluation.completeness.contributions == 3);
  CHECK(by_event.evaluation.completeness.delivered == 1);  // only 15 -> [10,20)
  CHECK(by_event.evaluation.oracle_windows == 2);
  CHECK(by_event.evaluation.exact_windows == 0);
  CHECK(by_event.evaluation.extra_windows == 1);  // [-10,0)
  const ConfigurationResult corrected =
      compare_one(trace, config("tumbling:10ms", "drop", "bounded:0", TimestampSource::kCorrected));
  CHECK(corrected.evaluation.completeness.ratio == 1.0);
  CHECK(corrected.evaluation.exact_share == 1.0);
  CHECK(corrected.evaluation.extra_windows == 0);
}

TEST_CASE("hand-computed metrics: merging sessions retract and still end exact", "[compare]") {
  // Gap 5: 10, 12, 20 then 16. [10,17) fires at clock 20 and is kept for grace; 16 bridges it
  // and [20,25): retract [10,17), and [10,25) fires at the flush (processing time 20).
  const Trace trace = test::csv("event_time,value\n10,1\n12,1\n20,1\n16,1\n");
  const ConfigurationResult r = compare_one(trace, config("session:5ms", "grace:10ms"));
  const Evaluation& ev = r.evaluation;
  CHECK(ev.completeness.ratio == 1.0);
  CHECK(ev.oracle_windows == 1);
  CHECK(ev.exact_windows == 1);
  CHECK(ev.first_exact_windows == 1);
  CHECK(ev.windows_emitted == 2);
  CHECK(ev.retractions_per_window == 0.5);
  CHECK(ev.extra_windows == 0);
  CHECK(ev.windows_flushed == 1);  // [10,25)
  CHECK(ev.latency_first.samples == 1);
  CHECK(ev.latency_first.p50 == 3);  // [10,17) at 20
}

TEST_CASE("drop with bounded:0: completeness equals accepted / events", "[compare]") {
  const Trace& trace = demo_trace();
  const ConfigurationResult r = compare_one(trace, config("tumbling:10s", "drop"));
  REQUIRE(r.metrics.late > 0);  // the trace is out of order
  CHECK(r.evaluation.completeness.contributions == r.metrics.events);
  CHECK(r.evaluation.completeness.delivered == r.metrics.accepted);
  CHECK(r.evaluation.completeness.ratio == double(r.metrics.accepted) / double(r.metrics.events));
}

TEST_CASE("a delay bound at least the largest disorder: every policy complete and exact",
          "[compare]") {
  const Trace& trace = demo_trace();
  const Duration disorder = max_disorder(trace);
  REQUIRE(disorder > 10_s);
  CompareGrid grid;
  grid.watermarks = {WatermarkSpec::bounded(disorder)};
  grid.policies = {LatenessPolicy::drop(), LatenessPolicy::wait(5_s), LatenessPolicy::grace(30_s)};
  for (const char* window : {"tumbling:10s", "hopping:20s/5s", "session:2s"}) {
    grid.base.window = WindowSpec::parse(window);
    const std::vector<RunConfig> configs = grid.configurations();
    for (const ConfigurationResult& r : compare(trace, configs, 2, no_clock)) {
      INFO(window << " " << r.config.lateness.to_string());
      CHECK(r.metrics.late == 0);
      CHECK(r.evaluation.completeness.ratio == 1.0);
      CHECK(r.evaluation.exact_share == 1.0);
      CHECK(r.evaluation.first_exact_share == 1.0);
    }
  }
}

TEST_CASE("grace never less complete than drop, wait emits each window once", "[compare]") {
  const Trace trace = demo_prefix(3000);
  CompareGrid grid;
  grid.watermarks = {WatermarkSpec::bounded(0_ms), WatermarkSpec::bounded(Duration{300})};
  grid.clocks = {ClockMode::kWatermark, ClockMode::kStreamTime};
  grid.policies = {LatenessPolicy::drop(), LatenessPolicy::grace(2_s), LatenessPolicy::grace(30_s),
                   LatenessPolicy::wait(2_s)};
  for (const char* window : {"tumbling:10s", "hopping:10s/2s", "sliding:1s", "session:1s"}) {
    grid.base.window = WindowSpec::parse(window);
    const std::vector<RunConfig> configs = grid.configurations();
    const std::vector<ConfigurationResult> rows = compare(trace, configs, 2, no_clock);
    REQUIRE(rows.size() == 16);
    CHECK(rows[0].evaluation.completeness.ratio < 1.0);  // drop, bounded:0 loses events
    CHECK(rows[2].evaluation.completeness.ratio > rows[0].evaluation.completeness.ratio);
    for (size_t i = 0; i < rows.size(); i += 4) {
      INFO(window << " " << rows[i].config.watermark.to_string() << " "
                  << to_string(rows[i].config.clock));
      const double drop = rows[i].evaluation.completeness.ratio;
      CHECK(rows[i + 1].evaluation.completeness.ratio >= drop);
      CHECK(rows[i + 2].evaluation.completeness.ratio >= rows[i + 1].evaluation.completeness.ratio);
      const ConfigurationResult& wait = rows[i + 3];
      CHECK(wait.metrics.updates == 0);
      CHECK(wait.metrics.retractions == 0);
      CHECK(wait.metrics.windows_fired == wait.evaluation.windows_emitted);
    }
  }
}

TEST_CASE("compare: rows in listed order, identical for any thread count", "[compare]") {
  const Trace& trace = demo_trace();
  CompareGrid grid;
  grid.base.window = WindowSpec::parse("tumbling:10s");
  grid.timestamps = {TimestampSource::kEvent, TimestampSource::kCorrected};
  grid.watermarks = {WatermarkSpec::bounded(0_ms), WatermarkSpec::bounded(1_s)};
  grid.policies = {LatenessPolicy::drop(), LatenessPolicy::grace(30_s)};
  const std::vector<RunConfig> configs = grid.configurations();
  REQUIRE(configs.size() == 8);
  CHECK(configs[1].lateness.to_string() == "grace:30s");
  CHECK(configs[2].watermark.to_string() == "bounded:1s");
  CHECK(configs[4].timestamp == TimestampSource::kCorrected);
  const auto one = compare(trace, configs, 1, no_clock);
  REQUIRE(one.size() == 8);
  for (size_t i = 0; i < one.size(); ++i) {
    CHECK(one[i].config.lateness.to_string() == configs[i].lateness.to_string());
  }
  // 2 and 3 threads share the work unevenly; 64 is more threads than tasks.
  for (const unsigned threads : {2u, 3u, 64u}) {
    INFO(threads << " threads");
    const auto many = compare(trace, configs, threads, no_clock);
    REQUIRE(many.size() == 8);
    for (size_t i = 0; i < one.size(); ++i) {
      CHECK(one[i].config.timestamp == many[i].config.timestamp);
      CHECK(one[i].config.watermark.to_string() == many[i].config.watermark.to_string());
      CHECK(one[i].metrics.accepted == many[i].metrics.accepted);
      CHECK(one[i].metrics.windows_fired == many[i].metrics.windows_fired);
      CHECK(one[i].evaluation.completeness.contributions ==
            many[i].evaluation.completeness.contributions);
      CHECK(one[i].evaluation.completeness.delivered == many[i].evaluation.completeness.delivered);
      CHECK(one[i].evaluation.oracle_windows == many[i].evaluation.oracle_windows);
      CHECK(one[i].evaluation.exact_windows == many[i].evaluation.exact_windows);
      CHECK(one[i].evaluation.first_sum_error.mean == many[i].evaluation.first_sum_error.mean);
      CHECK(one[i].evaluation.latency_first.p99 == many[i].evaluation.latency_first.p99);
      CHECK(one[i].evaluation.updates_per_window == many[i].evaluation.updates_per_window);
    }
  }
  // Without true_time, each extractor is judged against its own oracle.
  CHECK(one[0].oracle_source == TimestampSource::kEvent);
  CHECK(one[4].oracle_source == TimestampSource::kCorrected);
}

TEST_CASE("compare validates every configuration before running", "[compare]") {
  const Trace trace = test::csv(kSmall);
  const std::vector<RunConfig> configs{
      config("tumbling:10ms", "drop"),
      config("tumbling:10ms", "drop", "bounded:0", TimestampSource::kCorrected)};
  CHECK_THROWS_AS(compare(trace, configs, 2, no_clock), ConfigError);
}

TEST_CASE("compare: a task's exception reaches the caller, tasks waiting for it do not hang",
          "[compare]") {
  const Trace trace = test::csv(kSmall);
  const std::vector<RunConfig> configs{config("tumbling:10ms", "drop"),
                                       config("tumbling:10ms", "grace:5ms")};
  // The stopwatch times each run, so every run fails; its completeness and evaluation wait for it.
  const Stopwatch broken = []() -> double { throw std::runtime_error("no clock"); };
  for (const unsigned threads : {1u, 2u, 8u}) {
    INFO(threads << " threads");
    CHECK_THROWS_WITH(compare(trace, configs, threads, broken), "no clock");
  }
}

// ---- the command ---------------------------------------------------------------------------

namespace {

struct CliResult {
  int code;
  std::string out, err;
};

CliResult cmd(const cli::Args& args) {
  std::ostringstream out, err;
  const int code = cli::main(args, out, err);
  return {code, out.str(), err.str()};
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// CSV text without the timing columns (the last two), which differ between runs.
std::string without_timing(const std::string& csv) {
  std::istringstream in(csv);
  std::string line, out;
  while (std::getline(in, line)) {
    for (int i = 0; i < 2; ++i) line.erase(line.rfind(','));
    out += line + '\n';
  }
  return out;
}

}  // namespace

TEST_CASE("tidemark compare: table, CSV and JSON, same output for 1 and 2 threads", "[compare]") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("tidemark-compare-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string demo = std::string(TIDEMARK_SOURCE_DIR) + "/data/demo.csv";
  auto args = [&](const std::string& threads, const std::string& stem) {
    return cli::Args{"compare",      demo,
                     "--window",     "tumbling:10s",
                     "--policies",   "drop,wait:2s,grace:30s",
                     "--watermarks", "bounded:0,bounded:500ms",
                     "--threads",    threads,
                     "--csv",        (dir / (stem + ".csv")).string(),
                     "--json",       (dir / (stem + ".json")).string()};
  };
  const CliResult a = cmd(args("1", "a"));
  const CliResult b = cmd(args("2", "b"));
  REQUIRE(a.code == 0);
  REQUIRE(b.code == 0);
  CHECK(a.err.empty());
  CHECK_THAT(a.out, Catch::Contains("complete") && Catch::Contains("grace:30s") &&
                        Catch::Contains("bounded:500ms") && Catch::Contains("18004 events"));
  const std::string csv = slurp(dir / "a.csv");
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 7);  // header + 6 rows
  CHECK(csv.rfind("window,timestamp,watermark,clock,policy,", 0) == 0);
  CHECK(without_timing(csv) == without_timing(slurp(dir / "b.csv")));
  const std::string json = slurp(dir / "a.json");
  CHECK_THAT(json, Catch::Contains("\"completeness\"") && Catch::Contains("\"configurations\""));
  std::filesystem::remove_all(dir);
}

TEST_CASE("tidemark compare: help with examples, bad options are one line and exit 2",
          "[compare]") {
  const CliResult help = cmd({"compare", "--help"});
  CHECK(help.code == 0);
  for (const char* option : {"--window", "--policies", "--watermarks", "--timestamps", "--clocks",
                             "--threads", "--csv", "--json", "Example: --policies"}) {
    INFO(option);
    CHECK_THAT(help.out, Catch::Contains(option));
  }
  CHECK_THAT(cmd({"--help"}).out, Catch::Contains("compare"));
  const std::string demo = std::string(TIDEMARK_SOURCE_DIR) + "/data/demo.csv";
  struct Case {
    cli::Args args;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {{"compare", demo, "-w", "tumbling:1s", "--policies", "drop,,grace:1s"},
       "--policies: empty item"},
      {{"compare", demo, "-w", "tumbling:1s", "--policies", "drop,later"},
       "\"later\" is not a policy"},
      {{"compare", demo, "-w", "tumbling:1s", "--watermarks", "bounded:-1s"}, "got -1s"},
      {{"compare", demo, "-w", "tumbling:1s", "--timestamps", "true"}, "true_time"},
      {{"compare", demo, "-w", "tumbling:1s", "--clocks", "wall"}, "clock: unknown value \"wall\""},
      {{"compare", demo, "-w", "tumbling:1s", "--threads", "0"}, "--threads"},
      {{"compare", demo}, "--window"},
  };
  for (const Case& c : cases) {
    INFO(c.expect);
    const CliResult r = cmd(c.args);
    CHECK(r.code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Catch::StartsWith("tidemark compare: ") && Catch::Contains(c.expect));
  }
}

TEST_CASE("clock-skew preset: corrected timestamps give more exact windows than event",
          "[compare]") {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("tidemark-skew-" + std::to_string(::getpid()) + ".csv");
  const CliResult gen = cmd({"generate", "--workload", "clock-skew", "--events", "20000", "--seed",
                             "7", "-o", path.string()});
  REQUIRE(gen.code == 0);
  const Trace trace = read_csv_trace(path);
  std::filesystem::remove(path);
  REQUIRE(trace.has(kColTrueTime));
  CompareGrid grid;
  grid.base.window = WindowSpec::parse("tumbling:10s");
  grid.timestamps = {TimestampSource::kEvent, TimestampSource::kCorrected};
  grid.watermarks = {WatermarkSpec::bounded(0_ms), WatermarkSpec::bounded(2_s)};
  grid.policies = {LatenessPolicy::drop(), LatenessPolicy::grace(30_s)};
  const std::vector<RunConfig> configs = grid.configurations();
  const std::vector<ConfigurationResult> rows = compare(trace, configs, 2, no_clock);
  REQUIRE(rows.size() == 8);
  for (size_t i = 0; i < 4; ++i) {
    const ConfigurationResult& event = rows[i];
    const ConfigurationResult& corrected = rows[i + 4];
    INFO(event.config.watermark.to_string() << " " << event.config.lateness.to_string());
    CHECK(event.oracle_source == TimestampSource::kTrue);
    CHECK(corrected.config.timestamp == TimestampSource::kCorrected);
    CHECK(corrected.evaluation.exact_share > event.evaluation.exact_share);
    CHECK(corrected.evaluation.completeness.ratio > event.evaluation.completeness.ratio);
  }
}

namespace {

// completeness() by its definition, with plain maps and no shortcuts: every event's oracle
// windows, and whether it is in the accepted prefix of the same window of the run.
Completeness brute_force_completeness(const Trace& trace, const RunConfig& c,
                                      TimestampSource oracle_source,
                                      const std::vector<Emission>& emissions) {
  std::map<std::tuple<KeyId, int64_t>, uint64_t> final_count;  // retractions remove the window
  for (const Emission& e : emissions) {
    const auto at = std::tuple(e.key, e.window.start.ms);
    if (e.kind == EmissionKind::kRetract) {
      final_count.erase(at);
    } else {
      final_count[at] = e.stats.count;
    }
  }
  // Tumbling windows are hopping ones whose advance is their size.
  const HoppingSpec w = c.window.visit(Overloaded{
      [](const TumblingSpec& s) { return HoppingSpec(s.size(), s.size(), s.offset()); },
      [](const HoppingSpec& s) { return s; },
      [](const auto&) -> HoppingSpec {
        throw std::logic_error("tumbling or hopping windows only");
      },
  });
  auto starts = [&](Timestamp t) {
    std::vector<int64_t> out;
    const int64_t size = w.size().ms, advance = w.advance().ms;
    int64_t s = t.ms - size + 1;  // the earliest start whose window holds t: walk up to one
    while (((s - w.offset().ms) % advance + advance) % advance != 0) ++s;
    for (; s <= t.ms; s += advance) out.push_back(s);
    return out;
  };
  std::map<std::tuple<KeyId, int64_t>, uint64_t> seen;
  Completeness out;
  for (uint32_t i : processing_order(trace, c.schedule, c.timestamp)) {
    const Event& e = trace.records()[i];
    if (e.kind != RecordKind::kEvent) continue;
    const std::vector<int64_t> run = starts(extract(e, c.timestamp));
    std::vector<bool> in_final;
    for (const int64_t s : run) {
      const auto at = std::tuple(e.key, s);
      const auto it = final_count.find(at);
      in_final.push_back(it != final_count.end() && seen[at]++ < it->second);
    }
    for (const int64_t s : starts(extract(e, oracle_source))) {
      ++out.contributions;
      const auto it = std::find(run.begin(), run.end(), s);
      if (it != run.end() && in_final[size_t(it - run.begin())]) ++out.delivered;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("completeness equals its definition on random disordered traces", "[compare]") {
  // Times jump back and forth across window boundaries, below zero too, on three clocks.
  test::Rng rng(17);
  Trace trace;
  trace.columns = kColPartition | kColKey | kColValue | kColReceiveTime | kColTrueTime;
  // fmt, not "k" + std::to_string(k), on which g++ 12 gives a false -Wrestrict warning.
  for (int k = 0; k < 6; ++k) trace.keys.intern(fmt::format("k{}", k));
  for (uint64_t i = 0; i < 2000; ++i) {
    Event e;
    e.true_time = Timestamp{-20'000 + int64_t(i) * 7};
    e.event_time = e.true_time + Duration{rng.uniform(-900, 900)};
    if (rng.chance(10)) e.event_time = e.event_time - Duration{rng.uniform(0, 9'000)};
    e.receive_time = e.true_time + Duration{rng.uniform(0, 2'000)};
    e.key = KeyId(rng.uniform(0, 5));
    e.partition = PartitionId(rng.uniform(0, 2));
    e.value = double(rng.uniform(0, 9));
    e.row = i + 2;
    trace.events.push_back(e);
  }
  for (const char* window :
       {"tumbling:1s", "tumbling:700ms@-250ms", "hopping:2s/500ms", "hopping:900ms/300ms@100ms"}) {
    for (const char* policy : {"drop", "grace:2s", "wait:1s"}) {
      for (const TimestampSource ts : {TimestampSource::kEvent, TimestampSource::kReceive}) {
        for (const Schedule schedule : {Schedule::kArrival, Schedule::kEventTime}) {
          RunConfig c = config(window, policy, "bounded:300ms", ts);
          c.schedule = schedule;
          INFO(window << " " << policy << " " << to_string(ts) << " " << int(schedule));
          CollectingSink sink;
          const Metrics m = run(trace, c, sink, sink).metrics;
          const Completeness got =
              completeness(trace, c, TimestampSource::kTrue, sink.emissions, m);
          const Completeness want =
              brute_force_completeness(trace, c, TimestampSource::kTrue, sink.emissions);
          CHECK(got.contributions == want.contributions);
          CHECK(got.delivered == want.delivered);
          CHECK(want.delivered > 0);
          CHECK(want.delivered < want.contributions);
        }
      }
    }
  }
}
