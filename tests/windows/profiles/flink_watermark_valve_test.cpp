// FlinkWatermarkValve: Flink's StatusWatermarkValve, the minimum over aligned channels with idle
// statuses. The engine's vectors that involve idle statuses are here (a trace has no status rows,
// so tests/conformance cannot reach them); the rest pin the tournament tree behind the minimum.
#include "tidemark/windows/profiles/flink_watermark_valve.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

using tidemark::FlinkWatermarkValve;

namespace {

using Out = FlinkWatermarkValve::Output;

constexpr Out kNone{};
Out wm(int64_t w) {
  return {w, {}};
}
Out status(bool idle) {
  return {{}, idle};
}

// The valve vectors of apache/flink flink-streaming-java/src/test/java/org/apache/flink/
// streaming/runtime/watermarkstatus/StatusWatermarkValveTest.java
// @c5ed2b740eb2c5c366c4fa20abbb88faef2398dd that involve idle statuses.
const std::string kValve =
    "apache/flink:flink-streaming-java/src/test/java/org/apache/flink/streaming/runtime/"
    "watermarkstatus/StatusWatermarkValveTest.java#";

}  // namespace

TEST_CASE("F-VA-3 " + kValve + "testSingleInputWatermarkStatusToggling", "[flink][valve]") {
  FlinkWatermarkValve v(1);
  CHECK(v.input_status(0, false) == kNone);
  CHECK(v.input_status(0, true) == status(true));
  CHECK(v.input_status(0, true) == kNone);
  CHECK(v.input_status(0, false) == status(false));
}

TEST_CASE("F-VA-4 " + kValve + "testSingleInputWatermarksIntactDuringIdleness", "[flink][valve]") {
  FlinkWatermarkValve v(1);
  CHECK(v.input_watermark(0, 25) == wm(25));
  CHECK(v.input_status(0, true) == status(true));
  CHECK(v.input_watermark(0, 50) == kNone);
  CHECK(v.input_status(0, false) == status(false));
  CHECK(v.input_watermark(0, 50) == wm(50));
}

TEST_CASE("F-VA-8 " + kValve + "testMultipleInputWatermarkStatusToggling", "[flink][valve]") {
  FlinkWatermarkValve v(2);
  CHECK(v.input_status(0, false) == kNone);
  CHECK(v.input_status(1, false) == kNone);
  CHECK(v.input_status(1, true) == kNone);
  CHECK(v.input_status(0, true) == status(true));
  CHECK(v.input_status(0, true) == kNone);
  CHECK(v.input_status(1, true) == kNone);
  CHECK(v.input_status(1, false) == status(false));
  CHECK(v.input_status(0, false) == kNone);
}

TEST_CASE("F-VA-9 " + kValve + "testMultipleInputWatermarkAdvancingWithPartiallyIdleChannels",
          "[flink][valve]") {
  FlinkWatermarkValve v(3);
  CHECK(v.input_watermark(0, 15) == kNone);
  CHECK(v.input_watermark(1, 10) == kNone);
  CHECK(v.input_status(2, true) == wm(10));
  CHECK(v.input_watermark(1, 18) == wm(15));
  CHECK(v.input_watermark(0, 20) == wm(18));
}

TEST_CASE("F-VA-10 " + kValve +
              "testMultipleInputWatermarkAdvancingAsChannelsIndividuallyBecomeIdle",
          "[flink][valve]") {
  FlinkWatermarkValve v(3);
  CHECK(v.input_watermark(0, 25) == kNone);
  CHECK(v.input_watermark(1, 10) == kNone);
  CHECK(v.input_watermark(2, 17) == wm(10));
  CHECK(v.input_status(1, true) == wm(17));
  CHECK(v.input_status(2, true) == wm(25));
}

TEST_CASE("F-VA-11 " + kValve +
              "testMultipleInputFlushMaxWatermarkAndWatermarkStatusOnceAllInputsBecomeIdle",
          "[flink][valve]") {
  FlinkWatermarkValve v(3);
  CHECK(v.input_watermark(0, 10) == kNone);
  CHECK(v.input_watermark(1, 5) == kNone);
  CHECK(v.input_watermark(2, 3) == wm(3));
  CHECK(v.input_status(0, true) == kNone);
  CHECK(v.input_status(1, true) == kNone);
  // All idle: the largest watermark of all channels, then the IDLE status.
  CHECK(v.input_status(2, true) == Out{10, true});
}

TEST_CASE("F-VA-12 " + kValve + "testMultipleInputWatermarkRealignmentAfterResumeActive",
          "[flink][valve]") {
  FlinkWatermarkValve v(3);
  CHECK(v.input_watermark(0, 10) == kNone);
  CHECK(v.input_watermark(1, 7) == kNone);
  CHECK(v.input_watermark(2, 3) == wm(3));
  CHECK(v.input_status(2, true) == wm(7));
  CHECK(v.input_status(2, false) == kNone);  // unaligned: 3 < 7
  CHECK(v.input_watermark(2, 5) == kNone);
  CHECK(v.input_watermark(2, 9) == kNone);  // aligned again
  CHECK(v.input_watermark(1, 12) == wm(9));
}

TEST_CASE("F-VA-13 " + kValve + "testNoOutputWhenAllActiveChannelsAreUnaligned", "[flink][valve]") {
  FlinkWatermarkValve v(3);
  CHECK(v.input_watermark(0, 10) == kNone);
  CHECK(v.input_watermark(1, 7) == kNone);
  CHECK(v.input_status(2, true) == wm(7));
  CHECK(v.input_status(2, false) == kNone);
  CHECK(v.input_status(0, true) == kNone);
  CHECK(v.input_status(1, true) == kNone);
  CHECK(v.output() == 7);
}

TEST_CASE("F-VA-14 " + kValve + "testUnalignedActiveChannelBecomesIdle", "[flink][valve]") {
  FlinkWatermarkValve v(2);
  CHECK(v.input_watermark(0, 7) == kNone);
  CHECK(v.input_watermark(1, 10) == wm(7));
  CHECK(v.input_status(0, true) == wm(10));
  CHECK(v.input_status(0, false) == kNone);
  CHECK(v.input_watermark(0, 9) == kNone);
  CHECK(v.input_status(0, true) == kNone);
}

TEST_CASE("the valve's minimum follows channels that tie and channels that go idle",
          "[flink][valve]") {
  // Channels that tie at the minimum: raising one of them must not raise the output; raising the
  // last one must. An idle channel leaves the minimum; back, it counts once it has caught up.
  FlinkWatermarkValve v(3);
  CHECK(v.input_watermark(0, 5) == kNone);
  CHECK(v.input_watermark(1, 5) == kNone);
  CHECK(v.input_watermark(2, 5) == wm(5));
  CHECK(v.input_watermark(0, 9) == kNone);
  CHECK(v.input_watermark(2, 8) == kNone);
  CHECK(v.input_watermark(1, 20) == wm(8));
  CHECK(v.input_watermark(2, 30) == wm(9));
  CHECK(v.input_status(0, true) == wm(20));
  CHECK(v.input_watermark(1, 40) == wm(30));
  CHECK(v.input_status(0, false) == kNone);  // 9 < 30: not aligned
  CHECK(v.input_watermark(0, 35) == kNone);  // aligned again, the minimum stays 30
  CHECK(v.input_watermark(2, 50) == wm(35));
}

TEST_CASE("a valve emits nothing until every channel has a watermark", "[flink][valve]") {
  FlinkWatermarkValve v(2);
  CHECK(v.channels() == 2);
  CHECK(v.output() == FlinkWatermarkValve::kNoWatermark);
  CHECK(v.input_watermark(1, 4) == kNone);
  CHECK(v.output() == FlinkWatermarkValve::kNoWatermark);
  CHECK(v.input_watermark(0, 6) == wm(4));
  CHECK(v.output() == 4);
}

TEST_CASE("a watermark that does not raise its channel's is ignored", "[flink][valve]") {
  FlinkWatermarkValve v(1);
  CHECK(v.input_watermark(0, 10) == wm(10));
  CHECK(v.input_watermark(0, 10) == kNone);
  CHECK(v.input_watermark(0, 3) == kNone);
  CHECK(v.output() == 10);
  // Long.MIN_VALUE is where every channel starts: never a raise.
  FlinkWatermarkValve fresh(1);
  CHECK(fresh.input_watermark(0, FlinkWatermarkValve::kNoWatermark) == kNone);
}

TEST_CASE("the valve's minimum is right for channel counts that are not a power of two",
          "[flink][valve]") {
  // Leaves past the last channel hold int64 max; they must never become the minimum.
  for (const uint32_t n : {2u, 3u, 5u, 7u, 9u, 33u}) {
    FlinkWatermarkValve v(n);
    for (uint32_t c = 0; c < n; ++c) {
      // Channel c starts at 100 + c; the minimum is reached only once channel 0 reports.
      const uint32_t channel = n - 1 - c;
      const Out out = v.input_watermark(channel, 100 + channel);
      CHECK(out == (channel == 0 ? wm(100) : kNone));
    }
    // Raise each channel in turn past the others: the output follows the next smallest.
    for (uint32_t c = 0; c + 1 < n; ++c) {
      CHECK(v.input_watermark(c, 1000 + c) == wm(100 + c + 1));
    }
    CHECK(v.input_watermark(n - 1, 5000) == wm(1000));
  }
}

TEST_CASE("the valve carries watermarks at the int64 limits", "[flink][valve]") {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  FlinkWatermarkValve v(2);
  CHECK(v.input_watermark(0, kMin + 1) == kNone);
  CHECK(v.input_watermark(1, kMax) == wm(kMin + 1));
  // int64 max is also what an unaligned leaf holds: a real one still counts.
  CHECK(v.input_watermark(0, kMax) == wm(kMax));
  CHECK(v.output() == kMax);
}

TEST_CASE("when the last channel goes idle the valve flushes only a watermark above its output",
          "[flink][valve]") {
  // Channel 1 already holds the output when it goes idle last: the largest watermark, 9, is not
  // above the output, so the status alone changes.
  FlinkWatermarkValve v(2);
  CHECK(v.input_watermark(0, 5) == kNone);
  CHECK(v.input_watermark(1, 9) == wm(5));
  CHECK(v.input_status(0, true) == wm(9));
  CHECK(v.input_status(1, true) == status(true));
  CHECK(v.output() == 9);
  // Idle channels' watermarks are ignored; activity comes back with the status only.
  CHECK(v.input_watermark(1, 20) == kNone);
  CHECK(v.input_status(1, false) == status(false));
  CHECK(v.input_watermark(1, 20) == wm(20));
}
