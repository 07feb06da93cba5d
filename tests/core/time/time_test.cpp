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

TEST_CASE("timestamps for people: ISO-8601 when finite and in range, else inf or ms", "[time]") {
  CHECK(format_timestamp(Timestamp{-1}) == "1969-12-31T23:59:59.999Z");
  CHECK(format_timestamp(Timestamp::min()) == "-inf");
  CHECK(format_timestamp(Timestamp::max()) == "+inf");
  CHECK(format_timestamp(Timestamp{kLatestTime.ms + 1}) == "253402300800000ms");
  CHECK(format_timestamp(Timestamp{kEarliestTime.ms - 1}) == "-62167219200001ms");
}
