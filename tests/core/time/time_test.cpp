#include "tidemark/core/time/time.hpp"

#include <catch2/catch.hpp>

#include "tidemark/core/error.hpp"
#include "tidemark/core/time/iso_time.hpp"

using namespace tidemark;
using namespace tidemark::literals;

TEST_CASE("durations parse with units and reject the rest", "[time]") {
  CHECK(parse_duration("250ms") == 250_ms);
  CHECK(parse_duration("10s") == 10_s);
  CHECK(parse_duration("5m") == 5_min);
  CHECK(parse_duration("2h") == 2_h);
  CHECK(parse_duration("1d") == Duration{86'400'000});
  CHECK(parse_duration("0") == Duration{});
  CHECK(parse_duration("-3s") == Duration{-3000});
  for (const char* bad :
       {"", "10", "s", "10x", "1.5s", "10 s", "99999999999999999999ms", "9999999999999999d", "-"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_duration(bad), ConfigError);
  }
  CHECK_THROWS_WITH(parse_duration("10x", "window"),
                    Catch::Contains("window") && Catch::Contains("10x"));
}

TEST_CASE("durations format as their shortest exact spelling", "[time]") {
  CHECK(format_duration(Duration{0}) == "0");
  CHECK(format_duration(Duration{1500}) == "1500ms");
  CHECK(format_duration(Duration{90'000}) == "90s");
  CHECK(format_duration(Duration{300'000}) == "5m");
  CHECK(format_duration(Duration{7'200'000}) == "2h");
  CHECK(format_duration(Duration{-60'000}) == "-1m");
}

TEST_CASE("timestamp arithmetic saturates and keeps infinities", "[time]") {
  const Timestamp near_max{std::numeric_limits<int64_t>::max() - 5};
  CHECK((near_max + Duration{10}) == Timestamp::max());
  CHECK((Timestamp{std::numeric_limits<int64_t>::min() + 5} - Duration{10}) == Timestamp::min());
  CHECK((Timestamp::min() + Duration{1000}) == Timestamp::min());
  CHECK((Timestamp::max() - Duration{1000}) == Timestamp::max());
  CHECK((Timestamp::max() - Timestamp::min()).ms == std::numeric_limits<int64_t>::max());
  CHECK((Timestamp{5} - Timestamp{8}) == Duration{-3});
  STATIC_REQUIRE((Timestamp{1} + Duration{2}) == Timestamp{3});
}

TEST_CASE("ISO-8601 times normalise to UTC", "[time]") {
  CHECK(parse_iso8601("1970-01-01T00:00:00Z") == Timestamp{0});
  CHECK(parse_iso8601("2026-11-21T10:00:00.250+09:00") ==
        parse_iso8601("2026-11-21T01:00:00.250Z"));
  CHECK(parse_iso8601("2026-11-21T01:00:00.25Z")->ms ==
        parse_iso8601("2026-11-21T01:00:00Z")->ms + 250);
  CHECK(parse_iso8601("1969-12-31T23:59:59.999Z") == Timestamp{-1});
  CHECK(parse_iso8601("2024-02-29 12:00:00-05:30") == parse_iso8601("2024-02-29T17:30:00Z"));
  CHECK(parse_iso8601("2026-11-21T01:00:00.123456Z")->ms % 1000 == 123);  // sub-ms truncated
  for (const char* bad :
       {"2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-21T24:00:00Z",
        "2026-11-21T10:00:00", "2026-11-21T10:00Z", "2026-11-21", "hello",
        "2026-11-21T10:00:00+9:00", "2026-11-21T10:00:00.Z", "2026-11-21T10:00:00Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(parse_iso8601(bad).has_value());
  }
}

TEST_CASE("ISO-8601 formatting round-trips, with offsets", "[time]") {
  const Timestamp t = *parse_iso8601("2026-11-21T01:02:03.045Z");
  CHECK(format_iso8601(t) == "2026-11-21T01:02:03.045Z");
  CHECK(format_iso8601(t, 9 * 60) == "2026-11-21T10:02:03.045+09:00");
  CHECK(format_iso8601(t, -330) == "2026-11-20T19:32:03.045-05:30");
  CHECK(parse_iso8601(format_iso8601(t, -330)) == t);
  CHECK(format_iso8601(Timestamp{-1}) == "1969-12-31T23:59:59.999Z");
  CHECK(format_timestamp(Timestamp::min()) == "-inf");
  CHECK(format_timestamp(Timestamp::max()) == "+inf");
}
