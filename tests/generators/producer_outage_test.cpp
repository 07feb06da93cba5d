// A producer outage silences its partitions, then delivers the backlog at once.
#include <catch2/catch.hpp>

#include "support/generated_traces.hpp"
#include "tidemark/runner/trace_stats.hpp"

using namespace tidemark;
using namespace tidemark::gen;
using namespace tidemark::test;

TEST_CASE("an outaged partition delivers nothing inside its interval, then its backlog",
          "[generators]") {
  const Trace t = make("producer-outage", {{"seed", "2"},
                                           {"events", "100000"},
                                           {"rate", "2000"},
                                           {"outage-partitions", "1"},
                                           {"outage-start", "10s"},
                                           {"outage-duration", "20s"}});
  const Timestamp from{1'767'225'600'000 + 10'000}, to = from + Duration{20'000};
  size_t others_inside = 0, backlog = 0;
  for (const Event& e : t.events) {
    const bool inside = e.receive_time >= from && e.receive_time < to;
    if (e.partition == 1) {
      REQUIRE_FALSE(inside);
      backlog += e.receive_time == to;
    } else {
      others_inside += inside;
    }
  }
  // 20 s at 2000/s = 40000 events, a quarter-ish of them on partition 1 (hash of 100 keys).
  CHECK(backlog > 5000);
  CHECK(others_inside > 20000);
  const TraceStats s = compute_trace_stats(t, {.silence_threshold = Duration{15'000}});
  REQUIRE(s.silences.size() == 1);
  CHECK(s.silences[0].partition == 1);
  CHECK(s.silences[0].to == to);
  CHECK((s.silences[0].from - from).ms < 0);
  CHECK((s.silences[0].from - from).ms > -200);
}
