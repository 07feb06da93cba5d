// write_iso_time and IsoTimeSpelling (--time-format iso): checked against Howard Hinnant's date
// library over its whole four-digit range, and against JavaScript's Date.toISOString and NumPy's
// datetime64 beyond it.
#include "tidemark/core/output/iso_time_spelling.hpp"

#include <date/date.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

#include "test_support.hpp"

using namespace tidemark;

namespace {

std::string iso(int64_t ms) {
  char text[64];
  return std::string(text, write_iso_time(text, ms));
}

template <bool kJson>
std::string spelled(IsoTimeSpelling<kJson>& s, int64_t ms) {
  char text[64];
  return std::string(text, s.put(text, ms));
}

}  // namespace

TEST_CASE("ISO times agree with the date library from year 0000 to 9999", "[iso_time]") {
  using namespace std::chrono;
  constexpr int64_t kFirst = -62'167'219'200'000;  // 0000-01-01T00:00:00.000Z
  constexpr int64_t kLast = 253'402'300'799'999;   // 9999-12-31T23:59:59.999Z
  test::Rng rng(2026);
  for (int i = 0; i < 50'000; ++i) {
    // Half anywhere in the range, half near the epoch and near day and year boundaries.
    const int64_t ms =
        i % 2 ? rng.uniform(kFirst, kLast)
              : rng.uniform(-3, 3) * 86'400'000 * rng.uniform(0, 400) + rng.uniform(-2, 2);
    const std::string want = date::format("%FT%TZ", sys_time<milliseconds>(milliseconds(ms)));
    REQUIRE(iso(ms) == want);
  }
  CHECK(iso(kFirst) == "0000-01-01T00:00:00.000Z");
  CHECK(iso(kLast) == "9999-12-31T23:59:59.999Z");
  CHECK(iso(0) == "1970-01-01T00:00:00.000Z");
  CHECK(iso(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(iso(951'782'400'000) == "2000-02-29T00:00:00.000Z");
}

TEST_CASE("ISO times beyond four-digit years take the expanded form", "[iso_time]") {
  // JavaScript: new Date(x).toISOString().
  CHECK(iso(253'402'300'800'000) == "+010000-01-01T00:00:00.000Z");
  CHECK(iso(-62'167'219'200'001) == "-000001-12-31T23:59:59.999Z");
  CHECK(iso(8'640'000'000'000'000) == "+275760-09-13T00:00:00.000Z");
  CHECK(iso(-8'640'000'000'000'000) == "-271821-04-20T00:00:00.000Z");
  // NumPy: np.datetime_as_string(np.datetime64(x, "ms"), unit="ms").
  CHECK(iso(std::numeric_limits<int64_t>::max() - 1) == "+292278994-08-17T07:12:55.806Z");
  CHECK(iso(std::numeric_limits<int64_t>::min() + 1) == "-292275055-05-16T16:47:04.193Z");
}

TEST_CASE("ISO spellings: quoted or bare, infinities null or empty, repeats copied", "[iso_time]") {
  constexpr int64_t kPosInf = std::numeric_limits<int64_t>::max();
  constexpr int64_t kNegInf = std::numeric_limits<int64_t>::min();
  IsoTimeSpelling<true> json;
  CHECK(spelled(json, 0) == "\"1970-01-01T00:00:00.000Z\"");
  CHECK(spelled(json, 0) == "\"1970-01-01T00:00:00.000Z\"");
  CHECK(spelled(json, kPosInf) == "null");
  CHECK(spelled(json, 1) == "\"1970-01-01T00:00:00.001Z\"");
  CHECK(spelled(json, kNegInf) == "null");
  IsoTimeSpelling<false> csv;
  CHECK(spelled(csv, kNegInf).empty());  // the first value may be the one a fresh spelling holds
  CHECK(spelled(csv, 0) == "1970-01-01T00:00:00.000Z");
  CHECK(spelled(csv, kPosInf).empty());
  CHECK(spelled(csv, -1) == "1969-12-31T23:59:59.999Z");
}
