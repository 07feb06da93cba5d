// SessionOperator driven directly, at the boundaries of its inline path and of its timers.
#include "tidemark/windows/session/session_operator.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/result_recorder.hpp"
#include "test_support.hpp"
#include "tidemark/core/output/emission.hpp"
#include "tidemark/windows/aggregate/aggregators.hpp"

using namespace tidemark;

namespace {

struct Harness {
  Harness(int64_t gap, const char* lateness)
      : op(Duration{gap}, LatenessPolicy::parse(lateness)), em(sink) {}
  bool add(KeyId key, int64_t t, int64_t clock) {
    em.set_time(Timestamp{clock}, Timestamp{clock});
    return op.add(key, Timestamp{t}, 1.0, Timestamp{clock}, em);
  }
  void fire(int64_t clock) {
    em.set_time(Timestamp{clock}, Timestamp{clock});
    op.fire(Timestamp{clock}, em);
  }
  // "key [start,end) count kind" per emission so far.
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const Emission& e : sink.emissions) {
      out.push_back(std::to_string(e.key) + " [" + std::to_string(e.window.start.ms) + "," +
                    std::to_string(e.window.end.ms) + ") " + std::to_string(e.stats.count) + " " +
                    std::string(to_string(e.kind)));
    }
    return out;
  }

  SessionOperator<> op;
  CollectingSink sink;
  Emitter em;
};

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("session operator: an event past the armed end but before the fire time joins",
          "[windows][session]") {
  // wait:10ms, gap 5: [0,5) is armed for end 5 and fires at C >= 5 + 1 + 10.
  Harness h(5, "wait:10ms");
  CHECK(h.add(0, 0, 0));
  h.fire(7);
  CHECK(h.add(0, 5, 7));  // touches [0,5) with C = 7 past its end: accepted, now [0,10)
  CHECK(h.add(0, 3, 7));  // inside [0,10), still past the armed end
  h.fire(20);
  CHECK(h.lines().empty());  // [0,10) fires at 21, not at its old time 16
  h.fire(21);
  CHECK(h.lines() == Lines{"0 [0,10) 3 on_time"});
  CHECK(h.op.open_windows() == 0);
}

TEST_CASE("session operator: older sessions' timers find them by end", "[windows][session]") {
  Harness h(5, "grace:100ms");
  // Out of order under a clock at -inf: [20,25) is the newest, [0,5) and [10,15) older.
  const int64_t no_clock = Timestamp::min().ms;
  CHECK(h.add(0, 20, no_clock));
  CHECK(h.add(0, 0, no_clock));
  CHECK(h.add(0, 10, no_clock));
  CHECK(h.add(1, 12, no_clock));
  CHECK(h.op.open_windows() == 4);
  SECTION("each fires at its own end, in order of end then key") {
    h.fire(16);
    CHECK(h.lines() == Lines{"0 [0,5) 1 on_time", "0 [10,15) 1 on_time"});
    h.fire(18);
    CHECK(h.lines().size() == 3);
    CHECK(h.lines().back() == "1 [12,17) 1 on_time");
    h.fire(26);
    CHECK(h.lines().back() == "0 [20,25) 1 on_time");
    h.fire(200);  // past grace: all purged
    CHECK(h.op.open_windows() == 0);
  }
  SECTION("a merge that ends where a merged-away session's timer does fires once") {
    // 5 bridges [0,5) and [10,15) into [0,15): the stale timer of [10,15) has the same end.
    CHECK(h.add(0, 5, no_clock));
    CHECK(h.op.open_windows() == 3);
    h.fire(16);
    CHECK(h.lines() == Lines{"0 [0,15) 3 on_time"});
    h.fire(200);
    CHECK(h.lines().size() == 3);  // plus key 1's and [20,25), each once
    CHECK(h.op.open_windows() == 0);
  }
}

TEST_CASE("session operator: generic over a commutative aggregator", "[windows][session]") {
  // The count aggregator's partial is a bare integer; its sessions, merges, retractions and
  // updates must be those of the statistics, with count for count.
  for (const char* lateness : {"drop", "grace:20ms", "wait:5ms"}) {
    test::Rng rng(7);
    SessionOperator<CountAggregator> counts(Duration{4}, LatenessPolicy::parse(lateness));
    SessionOperator<StatsAggregator> stats(Duration{4}, LatenessPolicy::parse(lateness));
    test::ResultRecorder<uint64_t> count_rows;
    test::ResultRecorder<WindowStats> stats_rows;
    int64_t clock = 0;
    for (int i = 0; i < 2000; ++i) {
      clock += rng.uniform(0, 2);
      const Timestamp c{clock}, t{clock + rng.uniform(-30, 3)};
      const KeyId key = KeyId(rng.uniform(0, 5));
      const double v = double(rng.uniform(-5, 5));
      counts.fire(c, count_rows);
      stats.fire(c, stats_rows);
      CHECK(counts.add(key, t, v, c, count_rows) == stats.add(key, t, v, c, stats_rows));
      CHECK(counts.open_windows() == stats.open_windows());
    }
    counts.fire(Timestamp::max(), count_rows);
    stats.fire(Timestamp::max(), stats_rows);
    REQUIRE(count_rows.rows.size() == stats_rows.rows.size());
    size_t retractions = 0;
    for (size_t i = 0; i < count_rows.rows.size(); ++i) {
      const auto& c = count_rows.rows[i];
      const auto& s = stats_rows.rows[i];
      INFO(lateness << " row " << i);
      CHECK(c.key == s.key);
      CHECK(c.window == s.window);
      CHECK(c.kind == s.kind);
      CHECK(c.result == s.result.count);
      retractions += c.kind == EmissionKind::kRetract;
    }
    if (std::string(lateness) == "grace:20ms") CHECK(retractions > 0);
  }
}
