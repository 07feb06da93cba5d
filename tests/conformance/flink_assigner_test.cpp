// Flink's window assigner vectors (docs/profiles.md; transcribed in notes/profiles.md Part 2a):
// TumblingEventTimeWindowsTest, SlidingEventTimeWindowsTest (tidemark's hopping),
// EventTimeSessionWindowsTest and TimeWindowTest. Each element is a key of its own, "t<ts>", so
// the windows a run fires for that key are the windows the assigner gave the element; the end of
// input (Watermark.MAX_WATERMARK) fires them all.
#include "harness.hpp"

using namespace conformance;
using Windows = std::set<std::string>;

namespace {

const std::string kOps =
    "apache/flink:flink-streaming-java/src/test/java/org/apache/flink/"
    "streaming/runtime/operators/windowing/";
const std::string kTumbling =
    kOps + "TumblingEventTimeWindowsTest.java#%s @067bc18341a987c27906cda3492164142d828ea7";
const std::string kSliding =
    kOps + "SlidingEventTimeWindowsTest.java#%s @162894c661bde30e162d35bd3278c876700d3408";
const std::string kSession =
    kOps + "EventTimeSessionWindowsTest.java#%s @fca52d8a7c7cb68384fa6b6ecf0082d16c8a3a4f";
const std::string kTimeWindow =
    kOps + "TimeWindowTest.java#%s @60c01d3aa144c761ace16bc2cbe05fef3745c109";

std::string named(const std::string& id, std::string source, const std::string& method) {
  return id + " " + source.replace(source.find("%s"), 2, method);
}

// Per element ts, the windows it was assigned: "[start,end)".
std::map<int64_t, Windows> assigned(const std::vector<int64_t>& stamps, const std::string& window) {
  std::string input;
  for (const int64_t ts : stamps)
    input += "t" + std::to_string(ts) + "@" + std::to_string(ts) + " ";
  // A watermark far behind: no element meets a fired window.
  const Replay r = replay(records(input), {"-w", window, "--watermark", "bounded:1d"}, "flink");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.late.empty());
  std::map<int64_t, Windows> out;
  for (const auto& row : r.results) {
    const int64_t ts = std::stoll(row["key"].get<std::string>().substr(1));
    out[ts].insert("[" + std::to_string(row["start"].get<int64_t>()) + "," +
                   std::to_string(row["end"].get<int64_t>()) + ")");
  }
  return out;
}

void refused(const std::string& window) {
  const Replay r = replay(records("a@0"), {"-w", window}, "flink");
  INFO(window);
  CHECK(r.exit_code == 2);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

}  // namespace

TEST_CASE(named("F-TU-1", kTumbling, "testWindowAssignment"), "[conformance][flink]") {
  CHECK(assigned({0, 4999, 5000}, "tumbling:5000ms") ==
        std::map<int64_t, Windows>{
            {0, {"[0,5000)"}}, {4999, {"[0,5000)"}}, {5000, {"[5000,10000)"}}});
}

TEST_CASE(named("F-TU-2", kTumbling, "testWindowAssignmentWithGlobalOffset"),
          "[conformance][flink]") {
  CHECK(assigned({100, 5099, 5100}, "tumbling:5000ms@100ms") ==
        std::map<int64_t, Windows>{
            {100, {"[100,5100)"}}, {5099, {"[100,5100)"}}, {5100, {"[5100,10100)"}}});
}

TEST_CASE(named("F-TU-3", kTumbling, "testWindowAssignmentWithNegativeGlobalOffset"),
          "[conformance][flink]") {
  CHECK(assigned({0, 4899, 4900}, "tumbling:5000ms@-100ms") ==
        std::map<int64_t, Windows>{
            {0, {"[-100,4900)"}}, {4899, {"[-100,4900)"}}, {4900, {"[4900,9900)"}}});
}

TEST_CASE(named("F-TU-4", kTumbling, "testTimeUnits"), "[conformance][flink]") {
  CHECK(assigned({1000, 5999, 6000}, "tumbling:5s@1s") ==
        std::map<int64_t, Windows>{
            {1000, {"[1000,6000)"}}, {5999, {"[1000,6000)"}}, {6000, {"[6000,11000)"}}});
}

TEST_CASE(named("F-TU-5", kTumbling, "testInvalidParameters"), "[conformance][flink]") {
  // IllegalArgumentException "abs(offset) < size" for of(-1s), of(10s, 20s), of(10s, -11s).
  for (const char* w : {"tumbling:-1s", "tumbling:10s@20s", "tumbling:10s@-11s"}) refused(w);
}

TEST_CASE(named("F-SL-1", kSliding, "testWindowAssignment"), "[conformance][flink]") {
  CHECK(assigned({0, 4999, 5000}, "hopping:5000ms/1000ms") ==
        std::map<int64_t, Windows>{
            {0, {"[-4000,1000)", "[-3000,2000)", "[-2000,3000)", "[-1000,4000)", "[0,5000)"}},
            {4999, {"[0,5000)", "[1000,6000)", "[2000,7000)", "[3000,8000)", "[4000,9000)"}},
            {5000, {"[1000,6000)", "[2000,7000)", "[3000,8000)", "[4000,9000)", "[5000,10000)"}}});
}

TEST_CASE(named("F-SL-2", kSliding, "testWindowAssignmentWithOffset"), "[conformance][flink]") {
  CHECK(assigned({100, 5099, 5100}, "hopping:5000ms/1000ms@100ms") ==
        std::map<int64_t, Windows>{
            {100, {"[-3900,1100)", "[-2900,2100)", "[-1900,3100)", "[-900,4100)", "[100,5100)"}},
            {5099, {"[100,5100)", "[1100,6100)", "[2100,7100)", "[3100,8100)", "[4100,9100)"}},
            {5100, {"[1100,6100)", "[2100,7100)", "[3100,8100)", "[4100,9100)", "[5100,10100)"}}});
}

TEST_CASE(named("F-SL-3", kSliding, "testWindowAssignmentWithNegativeOffset"),
          "[conformance][flink]") {
  CHECK(assigned({0, 4899, 4900}, "hopping:5000ms/1000ms@-100ms") ==
        std::map<int64_t, Windows>{
            {0, {"[-4100,900)", "[-3100,1900)", "[-2100,2900)", "[-1100,3900)", "[-100,4900)"}},
            {4899, {"[-100,4900)", "[900,5900)", "[1900,6900)", "[2900,7900)", "[3900,8900)"}},
            {4900, {"[900,5900)", "[1900,6900)", "[2900,7900)", "[3900,8900)", "[4900,9900)"}}});
}

TEST_CASE(named("F-SL-4", kSliding, "testTimeUnits"), "[conformance][flink]") {
  const Windows later = {"[500,5500)", "[1500,6500)", "[2500,7500)", "[3500,8500)", "[4500,9500)"};
  CHECK(assigned({100, 5499, 5100}, "hopping:5s/1s@500ms") ==
        std::map<int64_t, Windows>{
            {100, {"[-4500,500)", "[-3500,1500)", "[-2500,2500)", "[-1500,3500)", "[-500,4500)"}},
            {5499, later},
            {5100, later}});
}

TEST_CASE(named("F-SL-5", kSliding, "testInvalidParameters"), "[conformance][flink]") {
  // "abs(offset) < slide and size > 0": of(-2s,1s), of(2s,-1s), of(-20s,10s,-1s),
  // of(20s,10s,-11s), of(20s,10s,11s).
  for (const char* w : {"hopping:-2s/1s", "hopping:2s/-1s", "hopping:-20s/10s@-1s",
                        "hopping:20s/10s@-11s", "hopping:20s/10s@11s"}) {
    refused(w);
  }
}

TEST_CASE(named("F-SE-1", kSession, "testWindowAssignment"), "[conformance][flink]") {
  // Also #testTimeUnits. Each element alone: its own [ts, ts + gap).
  CHECK(assigned({0, 4999, 5000}, "session:5000ms") ==
        std::map<int64_t, Windows>{
            {0, {"[0,5000)"}}, {4999, {"[4999,9999)"}}, {5000, {"[5000,10000)"}}});
}

TEST_CASE(named("F-SE-4", kSession, "testMergeConsecutiveWindows"), "[conformance][flink]") {
  // {[0,1) [1,2) [2,3) [4,5) [5,6)}: touching windows merge, [2,3) and [4,5) do not touch; as
  // elements of one key at 0, 1, 2, 4, 5 with gap 1 ms.
  const Replay r = replay(records("k@0 k@1 k@2 k@4 k@5"), {"-w", "session:1ms"}, "flink");
  REQUIRE(r.exit_code == 0);
  CHECK(spelled(r, Agg::kCount, Bounds::kHalfOpen) ==
        std::vector<std::string>{"k [0,3) 3 @2", "k [4,6) 2 @5"});
}

TEST_CASE(named("F-SE-6", kSession, "testInvalidParameters"), "[conformance][flink]") {
  // "0 < size" for withGap(-1s) and withGap(0).
  for (const char* w : {"session:-1s", "session:0ms"}) refused(w);
}

TEST_CASE(named("F-TW-1", kTimeWindow, "testGetWindowStartWithOffset"), "[conformance][flink]") {
  // The window start as fixed by FLINK-26334 (floor modulo), negative timestamps included.
  const auto starts = [](const std::vector<int64_t>& stamps, const std::string& window) {
    std::map<int64_t, int64_t> out;
    for (const auto& [ts, windows] : assigned(stamps, window)) {
      REQUIRE(windows.size() == 1);
      out[ts] = std::stoll(windows.begin()->substr(1));
    }
    return out;
  };
  CHECK(starts({-8, -7, -6, -1, 1, 6, 7, 8}, "tumbling:7ms") ==
        std::map<int64_t, int64_t>{
            {-8, -14}, {-7, -7}, {-6, -7}, {-1, -7}, {1, 0}, {6, 0}, {7, 7}, {8, 7}});
  CHECK(starts({-10, -9, -3, -2, -1, 1, 2, 3, 9, 10}, "tumbling:7ms@3ms") ==
        std::map<int64_t, int64_t>{{-10, -11},
                                   {-9, -11},
                                   {-3, -4},
                                   {-2, -4},
                                   {-1, -4},
                                   {1, -4},
                                   {2, -4},
                                   {3, 3},
                                   {9, 3},
                                   {10, 10}});
  CHECK(starts({-12, -7, -4, -3, 2, -1, 1, -2, 3, 4, 7, 12}, "tumbling:7ms@-2ms") ==
        std::map<int64_t, int64_t>{{-12, -16},
                                   {-7, -9},
                                   {-4, -9},
                                   {-3, -9},
                                   {2, -2},
                                   {-1, -2},
                                   {1, -2},
                                   {-2, -2},
                                   {3, -2},
                                   {4, -2},
                                   {7, 5},
                                   {12, 12}});
  CHECK(starts({1470902048450}, "tumbling:1d@-8h") ==
        std::map<int64_t, int64_t>{{1470902048450, 1470844800000}});
}

TEST_CASE(named("F-TW-2", kTimeWindow, "testIntersect"), "[conformance][flink]") {
  // [10,20) intersects [20,30) (touching) but not [21,30): as sessions of gap 10 ms.
  const Replay r = replay(records("a@10 a@20 b@10 b@21"),
                          {"-w", "session:10ms", "--watermark", "bounded:1s"}, "flink");
  REQUIRE(r.exit_code == 0);
  std::set<std::string> got;
  for (const auto& row : r.results) got.insert(spell(row, Agg::kCount, Bounds::kHalfOpen));
  CHECK(got == std::set<std::string>{"a [10,30) 2 @29", "b [10,20) 1 @19", "b [21,31) 1 @30"});
}
