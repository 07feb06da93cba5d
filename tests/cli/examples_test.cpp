// Documented worked examples (Kafka Streams' javadoc tables, a watermark-driven trace) as tests.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace tidemark;
using Lines = std::vector<std::string>;

namespace {
RunConfig config(const char* window, const char* lateness, const char* watermark = "bounded:0") {
  RunConfig c;
  c.window = WindowSpec::parse(window);
  c.lateness = LatenessPolicy::parse(lateness);
  c.watermark = WatermarkSpec::parse(watermark);
  return c;
}
}  // namespace

TEST_CASE("Kafka's SessionWindows table: gap 5, 10, 12, 20, then 16", "[examples][session]") {
  SECTION("without lateness the four events end in one session [10,25)") {
    const auto o = test::run_csv("key,event_time\nA,10\nA,12\nA,20\nA,16\n",
                                 config("session:5ms", "drop", "bounded:1m"));
    CHECK(o.lines() == Lines{"A [10,25) 4 4 on_time"});
  }
  SECTION("after [10,17) and [20,25) were emitted, 16 merges them: both are retracted") {
    // Stream time (Kafka's clock); B at 30 advances it past both sessions' ends.
    RunConfig c = config("session:5ms", "grace:20ms");
    c.clock = ClockMode::kStreamTime;
    const auto o = test::run_csv("key,event_time\nA,10\nA,12\nA,20\nB,30\nA,16\n", c);
    CHECK(o.lines() == Lines{
                           "A [10,17) 2 2 on_time",
                           "A [20,25) 1 1 on_time",
                           "A [10,17) 2 2 retract",
                           "A [20,25) 1 1 retract",
                           "A [10,25) 4 4 update",
                           "B [30,35) 1 1 on_time",
                       });
    CHECK(o.metrics.retractions == 2);
    CHECK(o.metrics.late == 0);
  }
  SECTION("an event exactly GAP after the last one joins the session (touching merges)") {
    const auto o = test::run_csv("key,event_time\nA,10\nA,15\nA,21\n",
                                 config("session:5ms", "drop", "bounded:1m"));
    CHECK(o.lines() == Lines{"A [10,20) 2 2 on_time", "A [21,26) 1 1 on_time"});
  }
  SECTION(
      "in order with bounded:0, the event exactly GAP later still joins: sessions fire at C > "
      "end") {
    const auto o = test::run_csv("key,event_time\nA,0\nA,10\nA,30\n",
                                 config("session:10ms", "drop", "bounded:0"));
    CHECK(o.lines() == Lines{"A [0,20) 2 2 on_time", "A [30,40) 1 1 on_time"});
    CHECK(o.sink.emissions[0].clock == Timestamp{30});  // fired once C passed 20
    CHECK(o.metrics.late == 0);
  }
  SECTION("an event that bridges two sessions past grace is late") {
    RunConfig c = config("session:5ms", "grace:5ms");
    c.clock = ClockMode::kStreamTime;
    const auto o = test::run_csv("key,event_time\nA,10\nA,20\nB,40\nA,16\n", c);
    CHECK(o.metrics.late == 1);
    CHECK(o.sink.late.at(0).row == 5);
  }
}

// Kafka's javadoc: records at 8000, 9200, 12400 with difference 5000 make five windows.
const Lines kKafkaSlidingWindows = {
    "k [3000,8001) 1 1 on_time",  "k [4200,9201) 2 2 on_time",  "k [7400,12401) 3 3 on_time",
    "k [8001,13002) 2 2 on_time", "k [9201,14202) 1 1 on_time",
};

TEST_CASE("Kafka's SlidingWindows example: difference 5000, 8000, 9200, 12400",
          "[examples][sliding]") {
  const auto o = test::run_csv("key,event_time\nk,8000\nk,9200\nk,12400\n",
                               config("sliding:5000ms", "drop", "bounded:1m"));
  CHECK(o.lines() == kKafkaSlidingWindows);
}

TEST_CASE("sliding windows out of order: same windows as in order", "[examples][sliding]") {
  const auto o = test::run_csv("key,event_time\nk,12400\nk,8000\nk,9200\n",
                               config("sliding:5000ms", "drop", "bounded:1m"));
  CHECK(o.lines() == kKafkaSlidingWindows);
}

// tumbling 10ms, watermark bounded:5ms. Arrivals: 1, 8, 12, 17 (C=12: [0,10) fires), 9 (late,
// C=12), 30 (C=25: [10,20) fires; with grace 10ms [0,10) closes at 20), 5 (late, C=25).
constexpr const char* kLateTrace = "event_time,value\n1,1\n8,8\n12,12\n17,17\n9,9\n30,30\n5,5\n";

TEST_CASE("a watermark-driven trace with late events inside and outside grace",
          "[examples][lateness]") {
  SECTION("grace:10ms: 9 updates [0,10); 5 is past grace and late") {
    const auto o = test::run_csv(kLateTrace, config("tumbling:10ms", "grace:10ms", "bounded:5ms"));
    CHECK(o.lines() == Lines{
                           " [0,10) 2 9 on_time",
                           " [0,10) 3 18 update",
                           " [10,20) 2 29 on_time",
                           " [30,40) 1 30 on_time",
                       });
    REQUIRE(o.sink.late.size() == 1);
    CHECK(o.sink.late[0].row == 8);
    CHECK(o.sink.late[0].clock == Timestamp{25});
    CHECK(o.sink.emissions[1].clock == Timestamp{12});
    CHECK(o.sink.emissions[3].clock == Timestamp::max());  // the end-of-trace flush
  }
  SECTION("drop: 9 and 5 are both late") {
    const auto o = test::run_csv(kLateTrace, config("tumbling:10ms", "drop", "bounded:5ms"));
    CHECK(o.lines() ==
          Lines{" [0,10) 2 9 on_time", " [10,20) 2 29 on_time", " [30,40) 1 30 on_time"});
    CHECK(o.metrics.late == 2);
  }
  SECTION("wait:10ms: [0,10) fires once, at C >= 20, with 9 in it; 5 is late") {
    const auto o = test::run_csv(kLateTrace, config("tumbling:10ms", "wait:10ms", "bounded:5ms"));
    CHECK(o.lines() ==
          Lines{" [0,10) 3 18 on_time", " [10,20) 2 29 on_time", " [30,40) 1 30 on_time"});
    CHECK(o.metrics.late == 1);
    CHECK(o.metrics.updates == 0);
  }
  SECTION("--end keep leaves the open windows open and counts them") {
    RunConfig c = config("tumbling:10ms", "drop", "bounded:5ms");
    c.end = EndMode::kKeep;
    const auto o = test::run_csv(kLateTrace, c);
    CHECK(o.lines() == Lines{" [0,10) 2 9 on_time", " [10,20) 2 29 on_time"});
    CHECK(o.metrics.open_windows_at_end == 1);
  }
}

TEST_CASE("hopping windows overlap: one event updates each of its windows", "[examples][hopping]") {
  const auto o = test::run_csv("event_time,value\n7,2\n12,3\n",
                               config("hopping:10ms/5ms", "drop", "bounded:1m"));
  CHECK(o.lines() == Lines{" [0,10) 1 2 on_time", " [5,15) 2 5 on_time", " [10,20) 1 3 on_time"});
}

TEST_CASE("on-time emissions in one clock step are ordered by fire time, end, key, start",
          "[examples][order]") {
  // Keys b then a (ids 0, 1); one watermark step fires all four windows.
  const auto o = test::run_csv("key,event_time\nb,15\nb,3\na,4\na,12\nz,100\n",
                               config("tumbling:10ms", "drop", "bounded:1m"));
  Lines lines = o.lines();
  CHECK(lines == Lines{"b [0,10) 1 1 on_time", "a [0,10) 1 1 on_time", "b [10,20) 1 1 on_time",
                       "a [10,20) 1 1 on_time", "z [100,110) 1 1 on_time"});
  for (size_t i = 0; i < o.sink.emissions.size(); ++i) CHECK(o.sink.emissions[i].seq == i + 1);
}

TEST_CASE("event-time scheduling merges partitions by head time", "[examples][schedule]") {
  // Partition 0 arrives entirely before partition 1; with stream time that makes 1's events late.
  const std::string trace = "partition,event_time\n0,0\n0,10\n0,20\n0,30\n1,5\n1,15\n1,25\n1,35\n";
  RunConfig c = config("tumbling:10ms", "drop");
  c.clock = ClockMode::kStreamTime;
  CHECK(test::run_csv(trace, c).metrics.late == 3);
  c.schedule = Schedule::kEventTime;
  const auto o = test::run_csv(trace, c);
  CHECK(o.metrics.late == 0);
  CHECK(o.metrics.windows_fired == 4);
}

TEST_CASE("timestamp extractors: receive and corrected", "[examples][timestamps]") {
  // Device clock 1000 ms behind the server: send 100 was really 1100.
  const std::string trace = "event_time,send_time,receive_time\n50,100,1150\n";
  RunConfig c = config("tumbling:1s", "drop", "bounded:1m");
  CHECK(test::run_csv(trace, c).lines() == Lines{" [0,1000) 1 1 on_time"});
  c.timestamp = TimestampSource::kReceive;
  CHECK(test::run_csv(trace, c).lines() == Lines{" [1000,2000) 1 1 on_time"});
  c.timestamp = TimestampSource::kCorrected;  // 50 + (1150 - 100) = 1100
  const auto o = test::run_csv(trace, c);
  CHECK(o.lines() == Lines{" [1000,2000) 1 1 on_time"});
  CHECK(o.sink.emissions[0].proc_time == Timestamp{1150});  // processing time = receive_time
  c.timestamp = TimestampSource::kTrue;
  CHECK_THROWS_WITH(test::run_csv(trace, c), Catch::Contains("true_time"));
}
