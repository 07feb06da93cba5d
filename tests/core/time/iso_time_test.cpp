#include "tidemark/core/time/iso_time.hpp"

#include <catch2/catch.hpp>
#include <random>

using namespace tidemark;

// The two cases below moved here from time_test.cpp.
TEST_CASE("ISO-8601 times normalise to UTC", "[iso_time]") {
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

TEST_CASE("ISO-8601 formatting round-trips, with offsets", "[iso_time]") {
  const Timestamp t = *parse_iso8601("2026-11-21T01:02:03.045Z");
  CHECK(format_iso8601(t) == "2026-11-21T01:02:03.045Z");
  CHECK(format_iso8601(t, 9 * 60) == "2026-11-21T10:02:03.045+09:00");
  CHECK(format_iso8601(t, -330) == "2026-11-20T19:32:03.045-05:30");
  CHECK(parse_iso8601(format_iso8601(t, -330)) == t);
  CHECK(format_iso8601(Timestamp{-1}) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("ISO-8601 times hold the years 0000 to 9999 in UTC, no more", "[iso_time]") {
  CHECK(parse_iso8601("0000-01-01T00:00:00Z") == kEarliestTime);
  CHECK(parse_iso8601("9999-12-31T23:59:59.999Z") == kLatestTime);
  // In range as written, out of range once normalised to UTC.
  CHECK_FALSE(parse_iso8601("0000-01-01T00:00:00+00:01").has_value());
  CHECK_FALSE(parse_iso8601("9999-12-31T23:59:59.999-00:01").has_value());
  CHECK(parse_iso8601("0000-01-01T00:01:00+00:01") == kEarliestTime);
  // The calendar's own limits: leap years by the Gregorian rule, no leap seconds.
  CHECK(parse_iso8601("2000-02-29T00:00:00Z").has_value());
  CHECK_FALSE(parse_iso8601("1900-02-29T00:00:00Z").has_value());
  CHECK_FALSE(parse_iso8601("2026-12-31T23:59:60Z").has_value());
  CHECK_FALSE(parse_iso8601("2026-04-31T00:00:00Z").has_value());
  CHECK_FALSE(parse_iso8601("2026-00-10T00:00:00Z").has_value());
  CHECK_FALSE(parse_iso8601("2026-01-00T00:00:00Z").has_value());
}

TEST_CASE("ISO-8601 fractions: up to 9 digits, cut to milliseconds toward -inf", "[iso_time]") {
  const int64_t second = parse_iso8601("1969-12-31T23:59:59Z")->ms;
  CHECK(second == -1000);
  CHECK(parse_iso8601("1969-12-31T23:59:59.9Z")->ms == second + 900);
  CHECK(parse_iso8601("1969-12-31T23:59:59.999999999Z")->ms == second + 999);  // not 0
  CHECK(parse_iso8601("1969-12-31T23:59:59,5Z")->ms == second + 500);
  CHECK_FALSE(parse_iso8601("1969-12-31T23:59:59.9999999999Z").has_value());  // 10 digits
  CHECK_FALSE(parse_iso8601("1969-12-31T23:59:59.5x5Z").has_value());
}

TEST_CASE("ISO-8601 offsets: a sign, hours below 24 and minutes below 60", "[iso_time]") {
  const Timestamp utc = *parse_iso8601("2026-11-21T00:00:00Z");
  CHECK(parse_iso8601("2026-11-21T23:59:00+23:59")->ms == utc.ms);
  CHECK(parse_iso8601("2026-11-20T00:01:00-23:59")->ms == utc.ms);
  CHECK(parse_iso8601("2026-11-21T00:00:00-00:00") == utc);
  for (const char* bad :
       {"2026-11-21T00:00:00+24:00", "2026-11-21T00:00:00+00:60", "2026-11-21T00:00:00+0900",
        "2026-11-21T00:00:00 +09:00", "2026-11-21T00:00:00z", "2026-11-21T00:00:00+09:00Z",
        "2026-11-21T00:00:00Z ", "", "2026-11-21X00:00:00Z", "2026/11/21T00:00:00Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_iso8601(bad).has_value());
  }
}

TEST_CASE("ISO-8601: every time in range, at any whole-minute offset, reads back as written",
          "[iso_time]") {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int64_t> time(kEarliestTime.ms, kLatestTime.ms);
  std::uniform_int_distribution<int> offset(-(23 * 60 + 59), 23 * 60 + 59);
  for (int i = 0; i < 20'000; ++i) {
    const Timestamp t{time(rng)};
    const int minutes = i % 4 == 0 ? 0 : offset(rng);
    const Timestamp local{t.ms + int64_t(minutes) * 60'000};
    if (local < kEarliestTime || local > kLatestTime) continue;  // not a year 0000..9999 date
    const std::string text = format_iso8601(t, minutes);
    INFO(t.ms << " at " << minutes << " minutes: " << text);
    REQUIRE(parse_iso8601(text) == t);
    CHECK((t.ms % 1000 == 0) == (text.find('.') == std::string::npos));  // fraction iff any
  }
  CHECK(format_iso8601(kEarliestTime) == "0000-01-01T00:00:00Z");
  CHECK(format_iso8601(kLatestTime) == "9999-12-31T23:59:59.999Z");
}
