// Flink's watermark vectors (docs/profiles.md; transcribed in notes/profiles.md Part 2a):
// StatusWatermarkValveTest (the vectors without idle statuses; a trace has no status rows, so
// the others are unit tests in tests/windows/profiles/flink_profile_test.cpp) and
// BoundedOutOfOrdernessWatermarksTest.
#include <limits>

#include "harness.hpp"

using namespace conformance;
using Watermarks = std::vector<int64_t>;

namespace {

const std::string kValve =
    "apache/flink:flink-streaming-java/src/test/java/org/apache/flink/streaming/runtime/"
    "watermarkstatus/StatusWatermarkValveTest.java#";
const std::string kValveAt = " @c5ed2b740eb2c5c366c4fa20abbb88faef2398dd";
const std::string kBounded =
    "apache/flink:flink-core/src/test/java/org/apache/flink/api/common/eventtime/"
    "BoundedOutOfOrdernessWatermarksTest.java#";
const std::string kBoundedAt = " @347216fb26992b68c5a773a2a43a4b8c11437339";

// The watermarks the valve emitted for `input` (W(n)#channel rows under --watermark
// punctuated). Partition 0 first carries one element per millisecond in [lo, hi], each a key of
// its own in a 1 ms window [t, t+1), so each emitted watermark W fires exactly the windows with
// t in (previous W, W], and the rows' clocks are the emitted watermarks.
Watermarks emitted(const std::string& input, const std::string& channels = "1") {
  std::string elements;
  for (int64_t t = 0; t <= 60; ++t)
    elements += "t" + std::to_string(t) + "@" + std::to_string(t) + " ";
  const Replay r = replay(records(elements + input),
                          {"-w", "tumbling:1ms", "--watermark", "punctuated", "--end", "keep",
                           "--partitions", channels},
                          "flink");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  Watermarks out;
  for (const auto& row : r.results) {
    const int64_t w = row["clock"].get<int64_t>();
    if (out.empty() || out.back() != w) out.push_back(w);
  }
  return out;
}

// The watermark when the probe element p@0 arrives after `input`: its late record's clock
// (1 s windows, so that only the probe is late). The tests call onPeriodicEmit after the events:
// --watermark-interval 0 emits after every record.
int64_t watermark_after(const std::string& input, const std::string& delay) {
  const Replay r =
      replay(records(input + " p@0"),
             {"-w", "tumbling:1s", "--watermark", "bounded:" + delay, "--watermark-interval", "0"},
             "flink");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.late.size() == 1);
  return r.late[0]["clock"].get<int64_t>();
}

}  // namespace

TEST_CASE("F-VA-1 " + kValve + "testSingleInputIncreasingWatermarks" + kValveAt,
          "[conformance][flink]") {
  CHECK(emitted("W(0)#0 W(25)#0") == Watermarks{0, 25});
}

TEST_CASE("F-VA-2 " + kValve + "testSingleInputDecreasingWatermarksYieldsNoOutput" + kValveAt,
          "[conformance][flink]") {
  CHECK(emitted("W(25)#0 W(18)#0 W(42)#0") == Watermarks{25, 42});
}

TEST_CASE("F-VA-5 " + kValve +
              "testMultipleInputYieldsWatermarkOnlyWhenAllChannelsReceivesWatermarks" + kValveAt,
          "[conformance][flink]") {
  // Nothing until channel 2 has a watermark too.
  CHECK(emitted("W(0)#0 W(0)#1 W(0)#2", "3") == Watermarks{0});
  CHECK(emitted("W(5)#0 W(9)#1", "3") == Watermarks{});
}

TEST_CASE("F-VA-6 " + kValve + "testMultipleInputIncreasingWatermarks" + kValveAt,
          "[conformance][flink]") {
  CHECK(emitted("W(0)#0 W(0)#1 W(0)#2 W(12)#0 W(8)#2 W(10)#2 W(15)#1 W(17)#2 W(20)#0", "3") ==
        Watermarks{0, 10, 12, 15});
}

TEST_CASE("F-VA-7 " + kValve + "testMultipleInputDecreasingWatermarksYieldsNoOutput" + kValveAt,
          "[conformance][flink]") {
  CHECK(emitted("W(25)#0 W(10)#1 W(17)#2 W(12)#0 W(8)#1 W(15)#2", "3") == Watermarks{10});
}

TEST_CASE("F-BO-2 " + kBounded + "testWatermarkAfterEvent" + kBoundedAt, "[conformance][flink]") {
  CHECK(watermark_after("a@1337", "10ms") == 1326);
}

TEST_CASE("F-BO-3 " + kBounded + "testWatermarkAfterNonMonotonousEvents" + kBoundedAt,
          "[conformance][flink]") {
  CHECK(watermark_after("a@12345 a@12300 a@12340 a@12280", "10ms") == 12334);
}

TEST_CASE("F-BO-1 " + kBounded + "testWatermarkBeforeRecords" + kBoundedAt,
          "[conformance][flink]") {
  // Before any event a partition's watermark is Long.MIN_VALUE, and the valve's minimum with it
  // (F-VA-5): with a second partition that never sees an event, a@0 after a@100 is not late,
  // where on one partition the watermark 99 has passed [0,1).
  const std::string input = "a@100 a@0";
  const std::vector<std::string> args = {"-w",          "tumbling:1ms",         "--watermark",
                                         "bounded:0ms", "--watermark-interval", "0"};
  const Replay one = replay(records(input), args, "flink");
  std::vector<std::string> two_args = args;
  two_args.insert(two_args.end(), {"--partitions", "2"});
  const Replay two = replay(records(input), two_args, "flink");
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  CHECK(late_records(one) == std::vector<std::string>{"a@0"});
  CHECK(two.late.empty());
  CHECK(two.results.size() == 2);
  CHECK(two.results[0]["clock"] == std::numeric_limits<int64_t>::max());  // end of input
}
