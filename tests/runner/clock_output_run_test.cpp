// run() with a clock sink (--clock-output): the same results as without, and rows that follow C.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "tidemark/core/output/clock_changes.hpp"

using namespace tidemark;

namespace {

// 3 000 records over 3 partitions, some up to 2 s late; partition 2 goes silent in the middle.
std::string disordered_csv() {
  std::string csv = "partition,key,event_time,value\n";
  uint64_t x = 7;
  for (int i = 0; i < 3'000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const int partition = i % 3;
    if (partition == 2 && i > 1'000 && i < 2'000) continue;
    const int64_t late = (x >> 60) < 3 ? int64_t((x >> 20) % 2000) : 0;
    csv += std::to_string(partition) + ",k" + std::to_string((x >> 33) % 10) + "," +
           std::to_string(int64_t(i) * 10 - late) + ",1\n";
  }
  return csv;
}

bool same(const Emission& a, const Emission& b) {
  return a.key == b.key && a.window == b.window && a.stats == b.stats && a.kind == b.kind &&
         a.clock == b.clock && a.proc_time == b.proc_time && a.seq == b.seq;
}

}  // namespace

TEST_CASE("a run with a clock sink emits what a run without does, and C in its rows",
          "[runtime][clock-output]") {
  const Trace trace = test::csv(disordered_csv());
  struct Case {
    const char* window;
    bool idleness;
    ClockMode clock;
  };
  for (const Case c : {Case{"tumbling:1s", false, ClockMode::kWatermark},
                       Case{"session:300ms", true, ClockMode::kWatermark},
                       Case{"hopping:2s/500ms", false, ClockMode::kStreamTime}}) {
    INFO(c.window << " idleness " << c.idleness);
    RunConfig config;
    config.window = WindowSpec::parse(c.window);
    config.watermark = WatermarkSpec::bounded(Duration{300});
    config.clock = c.clock;
    if (c.idleness) config.idle_timeout = Duration{2'000};
    CollectingSink plain, traced;
    CollectingClockSink rows;
    const Metrics a = run(trace, config, plain, plain).metrics;
    const Metrics b = run(trace, config, traced, traced, &rows).metrics;
    REQUIRE(plain.emissions.size() == traced.emissions.size());
    for (size_t i = 0; i < plain.emissions.size(); ++i) {
      CHECK(same(plain.emissions[i], traced.emissions[i]));
    }
    CHECK(plain.late.size() == traced.late.size());
    CHECK(a.late == b.late);
    CHECK(a.final_clock == b.final_clock);

    // Clock rows: C rises at each (it never decreases, and a row is a change), every emission's
    // clock is one of them, and the last is the end flush to +inf.
    std::vector<Timestamp> values;
    uint64_t idle = 0, active = 0;
    for (const ClockChange& r : rows.changes) {
      if (r.status == ClockChange::Status::kIdle) ++idle;
      if (r.status == ClockChange::Status::kActive) ++active;
      if (r.status != ClockChange::Status::kNone) continue;
      if (!values.empty()) CHECK(r.clock > values.back());
      values.push_back(r.clock);
    }
    REQUIRE_FALSE(values.empty());
    CHECK(rows.changes.back().cause == ClockChange::Cause::kEnd);
    CHECK(values.back() == Timestamp::max());
    for (const Emission& e : plain.emissions) {
      CHECK(std::binary_search(values.begin(), values.end(), e.clock));
    }
    // Partition 2 is silent for 1 000 rows (10 s of event time = processing time here): it turns
    // idle once and active once with a 2 s timeout; never without one.
    CHECK(idle == (c.idleness ? 1 : 0));
    CHECK(active == idle);
  }
}

TEST_CASE("clock rows of punctuated watermarks name the W row that moved C",
          "[runtime][clock-output]") {
  // W rows carry W_p in event_time. Line 2: W_0 100, partition 1 has none. Line 3: an event.
  // Line 4: W_1 50: C 50. Line 5: W_1 300: C = W_0 100. Line 6: W_0 200 (C = min(200, 300)).
  const Trace trace = test::csv(
      "partition,kind,key,event_time,value\n"
      "0,W,,100,0\n"
      "0,E,a,120,1\n"
      "1,W,,50,0\n"
      "1,W,,300,0\n"
      "0,W,,200,0\n");
  RunConfig config;
  config.window = WindowSpec::parse("tumbling:100ms");
  config.watermark = WatermarkSpec::punctuated();
  config.end = EndMode::kKeep;
  CollectingSink sink;
  CollectingClockSink rows;
  run(trace, config, sink, sink, &rows);
  using Cause = ClockChange::Cause;
  using Status = ClockChange::Status;
  // Processing time is the largest extracted time so far: 120 from line 3 on (W rows do not
  // move it without receive times).
  CHECK(rows.changes == std::vector<ClockChange>{
                            {Cause::kRow, 4, 1, Timestamp{50}, Status::kNone, Timestamp{120}},
                            {Cause::kRow, 5, 1, Timestamp{100}, Status::kNone, Timestamp{120}},
                            {Cause::kRow, 6, 0, Timestamp{200}, Status::kNone, Timestamp{120}},
                        });
}
