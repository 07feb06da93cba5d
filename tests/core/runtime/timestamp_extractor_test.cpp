#include "tidemark/core/runtime/timestamp_extractor.hpp"

#include <catch2/catch.hpp>
#include <limits>

#include "tidemark/core/error.hpp"

using namespace tidemark;

namespace {
constexpr Event event(int64_t event, int64_t send, int64_t receive, int64_t truth) {
  Event e;
  e.event_time = Timestamp{event};
  e.send_time = Timestamp{send};
  e.receive_time = Timestamp{receive};
  e.true_time = Timestamp{truth};
  return e;
}
constexpr TimestampSource kAll[] = {TimestampSource::kEvent, TimestampSource::kReceive,
                                    TimestampSource::kCorrected, TimestampSource::kTrue};
}  // namespace

TEST_CASE("timestamp sources: each reads its own column, corrected adds the send offset",
          "[timestamp]") {
  constexpr Event e = event(1000, 1100, 1130, 990);
  STATIC_REQUIRE(extract(e, TimestampSource::kEvent) == Timestamp{1000});
  STATIC_REQUIRE(extract(e, TimestampSource::kReceive) == Timestamp{1130});
  STATIC_REQUIRE(extract(e, TimestampSource::kTrue) == Timestamp{990});
  // event + (receive - send): the device clock moved by the 30 ms seen between send and receive.
  STATIC_REQUIRE(extract(e, TimestampSource::kCorrected) == Timestamp{1030});
  // A device clock ahead of the server's: the offset is negative.
  CHECK(extract(event(1000, 1500, 1200, 0), TimestampSource::kCorrected) == Timestamp{700});
}

TEST_CASE("timestamp sources: corrected time saturates at the ends of int64", "[timestamp]") {
  constexpr int64_t hi = std::numeric_limits<int64_t>::max();
  constexpr int64_t lo = std::numeric_limits<int64_t>::min();
  CHECK(extract(event(hi - 5, 0, 10, 0), TimestampSource::kCorrected) == Timestamp::max());
  CHECK(extract(event(lo + 5, 10, 0, 0), TimestampSource::kCorrected) == Timestamp::min());
  CHECK(extract(event(hi - 10, 0, 9, 0), TimestampSource::kCorrected) == Timestamp{hi - 1});
}

TEST_CASE("timestamp sources: names parse and print back, unknown ones list the valid",
          "[timestamp]") {
  for (const TimestampSource s : kAll) CHECK(parse_timestamp_source(to_string(s)) == s);
  CHECK(to_string(TimestampSource::kCorrected) == "corrected");
  CHECK_THROWS_AS(parse_timestamp_source("Event"), ConfigError);
  CHECK_THROWS_WITH(parse_timestamp_source("server"),
                    "timestamp: unknown value \"server\" (event, receive, corrected, true)");
  CHECK_THROWS_AS(parse_timestamp_source(""), ConfigError);
}

TEST_CASE("timestamp sources: the columns each needs and the first one missing", "[timestamp]") {
  CHECK(required_columns(TimestampSource::kEvent) == 0);
  CHECK(required_columns(TimestampSource::kReceive) == kColReceiveTime);
  CHECK(required_columns(TimestampSource::kCorrected) == (kColSendTime | kColReceiveTime));
  CHECK(required_columns(TimestampSource::kTrue) == kColTrueTime);

  constexpr uint32_t all = kColSendTime | kColReceiveTime | kColTrueTime;
  for (const TimestampSource s : kAll) {
    INFO(to_string(s));
    CHECK(missing_column(s, all) == "");
    CHECK(missing_column(s, required_columns(s)) == "");  // exactly what it needs is enough
  }
  CHECK(missing_column(TimestampSource::kEvent, 0) == "");
  CHECK(missing_column(TimestampSource::kReceive, kColSendTime) == "receive_time");
  CHECK(missing_column(TimestampSource::kCorrected, 0) == "send_time");  // the first missing
  CHECK(missing_column(TimestampSource::kCorrected, kColSendTime) == "receive_time");
  CHECK(missing_column(TimestampSource::kCorrected, kColReceiveTime) == "send_time");
  CHECK(missing_column(TimestampSource::kTrue, kColSendTime | kColReceiveTime) == "true_time");
}
