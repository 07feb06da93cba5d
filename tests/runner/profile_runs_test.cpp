// compare() under the engine profiles: each configuration runs under the engine's rules and is
// measured against tidemark's oracle, with the engines' windows named as tidemark names them.
#include "tidemark/runner/profile_runs.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/runner/compare.hpp"

using namespace tidemark;

namespace {

double no_clock() {
  return 0.0;
}

RunConfig config(const std::string& window, const std::string& policy) {
  RunConfig c;
  c.window = WindowSpec::parse(window);
  c.lateness = LatenessPolicy::parse(policy);
  return c;
}

ConfigurationResult compare_one(const Trace& trace, const RunConfig& c, const Rules& rules) {
  const std::vector<RunConfig> configs{c};
  return compare(trace, trace.partition_count(), configs, rules, 1, no_clock, nullptr).front();
}

// Out of order, one key, no receive_time (processing time = largest event time seen).
const char* kSmall = "event_time,value\n1,1\n5,2\n12,3\n3,4\n15,5\n25,6\n18,7\n";

}  // namespace

TEST_CASE("compare under flink: periodic watermarks hold windows open that generic fires",
          "[compare][profile]") {
  const Trace trace = test::csv(kSmall);
  const RunConfig c = config("tumbling:10ms", "drop");
  // Generic fires [0,10) at 12 and [10,20) at 25: 3 and 18 are late, 5 of 7 delivered.
  const ConfigurationResult generic = compare_one(trace, c, GenericRules{});
  CHECK(generic.metrics.late == 2);
  CHECK(generic.evaluation.completeness.delivered == 5);
  CHECK(generic.evaluation.exact_windows == 1);  // [20,30)

  // The first periodic tick falls 200 ms (of processing time = largest event time) after the
  // first row, beyond the trace: only MAX_WATERMARK at the end fires, with every event.
  const ConfigurationResult periodic = compare_one(trace, c, FlinkRules{});
  CHECK(periodic.metrics.late == 0);
  CHECK(periodic.evaluation.completeness.ratio == 1.0);
  CHECK(periodic.evaluation.exact_windows == 3);
  CHECK(periodic.evaluation.windows_flushed == 3);
  CHECK_FALSE(periodic.evaluation.latency_first.p50.has_value());

  // Emitting after every record, W = max - 1: [0,10) fires once W >= 9 (at 12), [10,20) once
  // W >= 19 (at 25); 3 and 18 find their window late (end - 1 + 0 <= W), as under generic.
  FlinkRules every_record;
  every_record.options.watermark_interval = Duration{0};
  const ConfigurationResult eager = compare_one(trace, c, every_record);
  CHECK(eager.metrics.late == 2);
  CHECK(eager.evaluation.completeness.delivered == 5);
  CHECK(eager.evaluation.completeness.contributions == 7);
  CHECK(eager.evaluation.exact_windows == 1);
  CHECK(eager.evaluation.first_exact_windows == 1);
}

TEST_CASE("compare under kafka-streams: hopping windows never start below 0",
          "[compare][profile]") {
  // One event at 2: tidemark's windows [-5,5) and [0,10) hold it; Kafka's TimeWindows only
  // [0,10), so one of its two contributions is never delivered, whatever the grace.
  const Trace trace = test::csv("event_time,value\n2,1\n");
  const ConfigurationResult r =
      compare_one(trace, config("hopping:10ms/5ms", "grace:1s"), KafkaStreamsRules{});
  CHECK(r.evaluation.oracle_windows == 2);
  CHECK(r.evaluation.completeness.contributions == 2);
  CHECK(r.evaluation.completeness.delivered == 1);
  CHECK(r.evaluation.exact_windows == 1);
  CHECK(r.evaluation.extra_windows == 0);
}

TEST_CASE("compare under kafka-streams: sliding windows are tidemark's, in any arrival order",
          "[compare][profile]") {
  // docs/design.md's example: events at 8000, 9200, 12400 and sliding:5000ms make five windows.
  // Kafka's inclusive [s, e] is tidemark's [s, e + 1): with a grace covering the disorder, the
  // final windows are exactly the oracle's and none is extra.
  for (const char* text : {"event_time,value\n8000,1\n9200,2\n12400,4\n",
                           "event_time,value\n12400,4\n8000,1\n9200,2\n",
                           "event_time,value\n9200,2\n12400,4\n8000,1\n"}) {
    CAPTURE(text);
    const Trace trace = test::csv(text);
    const ConfigurationResult r =
        compare_one(trace, config("sliding:5000ms", "grace:1m"), KafkaStreamsRules{});
    CHECK(r.evaluation.oracle_windows == 5);
    CHECK(r.evaluation.exact_windows == 5);
    CHECK(r.evaluation.extra_windows == 0);
    CHECK(r.evaluation.completeness.ratio == 1.0);
  }
}

TEST_CASE("compare under kafka-streams: sessions are closed or never emitted",
          "[compare][profile]") {
  // Events 0 and 3, gap 5: Kafka's session [0, 3] is tidemark's [0, 8). On update it is emitted
  // as [0,0], retracted, then [0,3]; on close it would need stream time 3 + 5 + 1000, which never
  // comes: nothing is delivered.
  const Trace trace = test::csv("event_time,value\n0,1\n3,2\n");
  const RunConfig c = config("session:5ms", "grace:1s");
  const ConfigurationResult updates = compare_one(trace, c, KafkaStreamsRules{});
  CHECK(updates.evaluation.oracle_windows == 1);
  CHECK(updates.evaluation.exact_windows == 1);
  CHECK(updates.evaluation.extra_windows == 0);
  CHECK(updates.evaluation.windows_emitted == 2);  // [0,5) retracted, [0,8)
  CHECK(updates.metrics.retractions == 1);
  CHECK(updates.evaluation.completeness.delivered == 2);

  KafkaStreamsRules on_close;
  on_close.options.emit = KafkaEmit::kOnClose;
  const ConfigurationResult closed = compare_one(trace, c, on_close);
  CHECK(closed.evaluation.windows_emitted == 0);
  CHECK(closed.evaluation.exact_windows == 0);
  CHECK(closed.evaluation.completeness.delivered == 0);
  CHECK(closed.evaluation.completeness.contributions == 2);
}

TEST_CASE("compare under a profile refuses what the engine cannot run, before running",
          "[compare][profile]") {
  const Trace trace = test::csv(kSmall);
  CHECK_THROWS_AS(compare_one(trace, config("tumbling:10ms", "wait:5ms"), FlinkRules{}),
                  ConfigError);
  CHECK_THROWS_AS(compare_one(trace, config("tumbling:10ms", "wait:5ms"), KafkaStreamsRules{}),
                  ConfigError);
  RunConfig stream_time = config("tumbling:10ms", "drop");
  stream_time.clock = ClockMode::kStreamTime;
  CHECK_THROWS_AS(compare_one(trace, stream_time, FlinkRules{}), ConfigError);
  RunConfig delayed = config("tumbling:10ms", "drop");
  delayed.watermark = WatermarkSpec::bounded(Duration{5});
  CHECK_THROWS_AS(compare_one(trace, delayed, KafkaStreamsRules{}), ConfigError);
  KafkaStreamsRules on_close;
  on_close.options.emit = KafkaEmit::kOnClose;
  CHECK_THROWS_WITH(compare_one(trace, config("sliding:5ms", "drop"), on_close),
                    Catch::Contains("--emit on-close"));
}

TEST_CASE("a profile row takes tidemark's half-open window bounds", "[compare][profile]") {
  ProfileResult r;
  r.start = 10;
  r.end = 20;
  r.stream_time = 30;
  CHECK(to_emission(r, WindowSpec::parse("tumbling:10ms"), true).window == Window{{10}, {20}});
  CHECK(to_emission(r, WindowSpec::parse("sliding:10ms"), true).window == Window{{10}, {21}});
  CHECK(to_emission(r, WindowSpec::parse("session:7ms"), true).window == Window{{10}, {27}});
  CHECK(to_emission(r, WindowSpec::parse("session:7ms"), false).window == Window{{10}, {20}});
  CHECK(to_emission(r, WindowSpec::parse("session:7ms"), false).clock == Timestamp{30});
}
