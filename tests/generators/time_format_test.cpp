// parse_time_format: the `--time-format` values (epoch, iso, iso:+hh:mm, iso:Zone) and the one-line
// errors for anything else. Zone offsets come from the installed tzdata.
#include "tidemark/generators/time_format.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

#include "tidemark/core/error.hpp"

using namespace tidemark;

namespace {

const std::string kHint = " (write epoch, iso, iso:+09:00 or iso:Asia/Seoul)";

int64_t offset_at(const CsvTimeFormat& f, int64_t ms) {
  return f.offset_seconds(Timestamp{ms});
}

// 2026-01-01T00:00:00Z, 2026-01-15T00:00:00Z and 2026-07-15T00:00:00Z in epoch ms.
constexpr int64_t kNewYear2026 = 1'767'225'600'000;
constexpr int64_t kWinter = kNewYear2026 + 14 * 86'400'000LL;
constexpr int64_t kSummer = kNewYear2026 + 195 * 86'400'000LL;

}  // namespace

TEST_CASE("epoch and the UTC spellings of iso need no offset", "[time_format]") {
  const CsvTimeFormat epoch = gen::parse_time_format("epoch");
  CHECK(epoch.kind == CsvTimeFormat::Kind::kEpoch);
  CHECK(epoch.spec == "epoch");
  CHECK_FALSE(epoch.offset_seconds);
  for (const std::string utc : {"iso", "iso:Z", "iso:UTC"}) {
    const CsvTimeFormat f = gen::parse_time_format(utc);
    CHECK(f.kind == CsvTimeFormat::Kind::kIso);
    CHECK(f.spec == utc);           // as written, for messages and headers
    CHECK_FALSE(f.offset_seconds);  // empty: UTC, written `Z`
  }
}

TEST_CASE("a fixed offset is +hh:mm or -hh:mm, the same at every instant", "[time_format]") {
  CHECK(offset_at(gen::parse_time_format("iso:+09:00"), 0) == 9 * 3600);
  CHECK(offset_at(gen::parse_time_format("iso:+05:30"), 0) == 19'800);
  CHECK(offset_at(gen::parse_time_format("iso:-03:30"), kSummer) == -(3 * 3600 + 30 * 60));
  CHECK(offset_at(gen::parse_time_format("iso:+00:00"), kWinter) == 0);
  const CsvTimeFormat widest = gen::parse_time_format("iso:+23:59");
  CHECK(widest.kind == CsvTimeFormat::Kind::kIso);
  CHECK(widest.spec == "iso:+23:59");
  CHECK(offset_at(widest, std::numeric_limits<int64_t>::min()) == 23 * 3600 + 59 * 60);
  CHECK(offset_at(widest, std::numeric_limits<int64_t>::max()) == 23 * 3600 + 59 * 60);
}

TEST_CASE("a zone's offset follows the instant, in either order", "[time_format]") {
  CHECK(offset_at(gen::parse_time_format("iso:Asia/Seoul"), kNewYear2026) == 9 * 3600);
  // Berlin: CET in January, CEST in July (tzdata). One format asked back and forth must not keep
  // the offset of the instant before.
  const CsvTimeFormat berlin = gen::parse_time_format("iso:Europe/Berlin");
  CHECK(offset_at(berlin, kWinter) == 3600);
  CHECK(offset_at(berlin, kSummer) == 7200);
  CHECK(offset_at(berlin, kWinter) == 3600);
  CHECK(offset_at(berlin, kWinter + 1) == 3600);
  CHECK(offset_at(berlin, kSummer) == 7200);
}

TEST_CASE("an unknown time format is a config error naming the value and the choices",
          "[time_format]") {
  CHECK_THROWS_AS(gen::parse_time_format("unix"), ConfigError);
  CHECK_THROWS_WITH(gen::parse_time_format("unix"),
                    "--time-format unix: unknown time format" + kHint);
  CHECK_THROWS_WITH(gen::parse_time_format("ISO"),
                    "--time-format ISO: unknown time format" + kHint);
  CHECK_THROWS_WITH(gen::parse_time_format(""), "--time-format : unknown time format" + kHint);
}

TEST_CASE("time formats reject unknown zones and malformed offsets", "[time_format]") {
  CHECK_THROWS_WITH(gen::parse_time_format("iso:Mars/Olympus"),
                    "--time-format iso:Mars/Olympus: unknown time zone \"Mars/Olympus\" (zones "
                    "come from tzdata in /usr/share/zoneinfo)" +
                        kHint);
  for (const std::string bad :
       {"iso:+9", "iso:+0900", "iso:+09:0", "iso:+09:000", "iso:+0a:00", "iso:-09-00", "iso:+"}) {
    CHECK_THROWS_WITH(gen::parse_time_format(bad),
                      "--time-format " + bad + ": an offset is written +hh:mm" + kHint);
  }
  for (const std::string bad : {"iso:+24:00", "iso:-24:00", "iso:+09:60"}) {
    CHECK_THROWS_WITH(gen::parse_time_format(bad),
                      "--time-format " + bad + ": offset out of range" + kHint);
  }
}
