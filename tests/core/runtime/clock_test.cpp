#include "tidemark/core/runtime/clock.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace tidemark;

namespace {
Timestamp T(int64_t ms) {
  return Timestamp{ms};
}
RunConfig bounded(int64_t delay, std::optional<int64_t> idle = {}) {
  RunConfig c;
  c.watermark = WatermarkSpec::bounded(Duration{delay});
  if (idle) c.idle_timeout = Duration{*idle};
  return c;
}
}  // namespace

TEST_CASE("min of inputs reports only progress and never decreases", "[clock]") {
  MinOfInputs m(3);
  CHECK(m.combined() == Timestamp::min());
  CHECK_FALSE(m.update(0, T(10)).has_value());  // partitions 1, 2 still at -inf
  CHECK_FALSE(m.update(1, T(20)).has_value());
  CHECK(m.update(2, T(5)) == T(5));
  CHECK(m.update(2, T(30)) == T(10));           // min moves to partition 0
  CHECK_FALSE(m.update(1, T(25)).has_value());  // not the minimum
  CHECK_FALSE(m.update(0, T(9)).has_value());   // watermarks never go back
  CHECK(m.watermark(0) == T(10));
  CHECK(m.update(0, T(40)) == T(25));
}

TEST_CASE("idle partitions leave the minimum, all idle means the max", "[clock]") {
  MinOfInputs m(3);
  m.update(0, T(100));
  m.update(1, T(200));
  m.set_idle(2);
  CHECK(m.combined() == T(100));
  m.set_idle(0);
  CHECK(m.combined() == T(200));
  m.set_idle(1);
  CHECK(m.combined() == T(200));
  m.set_active(2);  // comes back at -inf: C does not go back
  CHECK(m.combined() == T(200));
  CHECK_FALSE(m.update(2, T(150)).has_value());  // below C: no progress reported
  CHECK(m.update(2, T(300)) == T(300));          // the only active partition passes C
  CHECK(m.combined() == T(300));
}

// The definition, O(P) per step: the max of C and the min over active W_p (the max of all W_p
// when none is active).
TEST_CASE("min of inputs agrees with the definition under random updates and idleness", "[clock]") {
  for (const PartitionId partitions : {1u, 2u, 7u, 8u, 9u, 63u, 64u, 65u, 520u}) {
    test::Rng rng(partitions);
    MinOfInputs m(partitions);
    std::vector<Timestamp> w(partitions, Timestamp::min());
    std::vector<bool> idle(partitions, false);
    Timestamp c = Timestamp::min();
    for (int step = 0; step < 20'000; ++step) {
      const auto p = PartitionId(rng.uniform(0, partitions - 1));
      const int op = int(rng.uniform(0, 99));
      std::optional<Timestamp> reported;
      if (op < 4) {
        m.set_idle(p);
        idle[p] = true;
      } else if (op < 10) {
        m.set_active(p);
        idle[p] = false;
      } else {
        // Small steps and many ties: equal watermarks must not hide or fake a move.
        const Timestamp t{rng.uniform(-5, 5) + step / int64_t(partitions)};
        reported = m.update(p, t);
        w[p] = std::max(w[p], t);
      }
      Timestamp lo = Timestamp::max(), hi = Timestamp::min();
      bool any_active = false;
      for (PartitionId q = 0; q < partitions; ++q) {
        hi = std::max(hi, w[q]);
        if (!idle[q]) lo = std::min(lo, w[q]), any_active = true;
        REQUIRE(m.watermark(q) == w[q]);
        REQUIRE(m.is_idle(q) == idle[q]);
      }
      const Timestamp expected = std::max(c, any_active ? lo : hi);
      REQUIRE(m.combined() == expected);
      if (op >= 10) CHECK(reported == (expected > c ? std::optional(expected) : std::nullopt));
      c = expected;
    }
  }
}

TEST_CASE("a partition that never sends stalls the watermark clock", "[clock]") {
  EventClock c(bounded(0), 2);
  for (int64_t t = 0; t < 100; t += 10) CHECK(c.on_event(0, T(t), T(t)) == Timestamp::min());
}

TEST_CASE("with an idle timeout the silent partition stops stalling", "[clock]") {
  EventClock c(bounded(5, 50), 2);
  CHECK(c.on_event(0, T(0), T(0)) == Timestamp::min());
  CHECK(c.on_event(0, T(50), T(50)) == Timestamp::min());  // silent for exactly 50: not idle yet
  CHECK(c.on_event(0, T(51), T(51)) == T(46));             // silent for 51 > 50: idle
  // Partition 1 returns with old data: C does not go back, and keeps it in the min again.
  CHECK(c.on_event(1, T(10), T(60)) == T(46));
  CHECK(c.on_event(0, T(100), T(61)) == T(46));
  CHECK(c.on_event(1, T(80), T(62)) == T(75));
}

TEST_CASE("stream time is the max extracted time over all partitions", "[clock]") {
  RunConfig cfg;
  cfg.clock = ClockMode::kStreamTime;
  EventClock c(cfg, 2);
  CHECK(c.on_event(0, T(10), T(10)) == T(10));
  CHECK(c.on_event(1, T(5), T(11)) == T(10));
  CHECK(c.on_event(1, T(30), T(12)) == T(30));
}

TEST_CASE("punctuated watermarks move only on W rows", "[clock]") {
  RunConfig cfg;
  cfg.watermark = WatermarkSpec::punctuated();
  EventClock c(cfg, 1);
  CHECK(c.on_event(0, T(100), T(100)) == Timestamp::min());
  CHECK(c.on_punctuation(0, T(50), T(100)) == T(50));
  CHECK(c.on_punctuation(0, T(40), T(100)) == T(50));  // never decreases
  CHECK(c.on_event(0, T(500), T(100)) == T(50));
}

TEST_CASE("a W row leaves a bounded watermark where it is", "[clock]") {
  for (const PartitionId partitions : {1u, 2u}) {
    EventClock c(bounded(8), partitions);
    for (PartitionId p = 0; p < partitions; ++p) c.on_event(p, T(855), T(855));
    CHECK(c.on_punctuation(0, T(834), T(855)) == T(847));
    CHECK(c.on_punctuation(0, T(900), T(855)) == T(847));
    CHECK(c.on_event(0, T(844), T(855)) == T(847));
  }
}

// Found by tests/fuzz/run_fuzz.cpp: a W row under a bounded watermark took a single partition's
// clock back to -inf, so the window of 855 had fired for nothing, 844 went into a window that
// never fired (accepted, yet in no result), and session state tripped an invariant.
TEST_CASE("a W row under a bounded watermark loses no event", "[clock][runtime]") {
  const std::string trace = "event_time,kind\n855,E\n834,W\n844,E\n";
  RunConfig cfg = bounded(8);
  for (const char* window : {"tumbling:1ms", "hopping:2ms/1ms", "session:1ms"}) {
    INFO(window);
    cfg.window = WindowSpec::parse(window);
    const auto o = test::run_csv(trace, cfg);
    CHECK(o.metrics.late == 1);  // 844 arrives at C = 847, past every window of it
    CHECK(o.metrics.accepted == 1);
    REQUIRE(!o.sink.emissions.empty());
    CHECK(o.sink.emissions.back().stats.count == 1);
  }
}

TEST_CASE("a returning partition's old events are late, the stall is reproducible",
          "[clock][runtime]") {
  // Partition 1 sends once, then goes silent while partition 0 moves on.
  const std::string trace =
      "partition,key,event_time\n"
      "1,k,0\n"
      "0,k,5\n"
      "0,k,100\n"
      "0,k,200\n"
      "0,k,300\n"
      "1,k,15\n";  // row 7: old data from the returning partition
  RunConfig cfg = bounded(0);
  cfg.window = WindowSpec::parse("tumbling:10ms");

  SECTION("without idleness the silent partition holds the clock at 0") {
    const auto o = test::run_csv(trace, cfg);
    CHECK(o.metrics.late == 0);
    CHECK(o.metrics.accepted == 6);
  }
  SECTION("with idleness the clock moves on and the returning event is late") {
    cfg.idle_timeout = Duration{50};
    const auto o = test::run_csv(trace, cfg);
    REQUIRE(o.metrics.late == 1);
    CHECK(o.sink.late[0].row == 7);
    CHECK(o.sink.late[0].clock == T(300));
    CHECK(o.metrics.events == o.metrics.accepted + o.metrics.late);
  }
}
