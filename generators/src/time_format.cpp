#include "tidemark/generators/time_format.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <stdexcept>

#include "tidemark/core/error.hpp"

namespace tidemark::gen {

namespace {

// Offset lookup for one zone, remembering the last transition interval: consecutive rows are
// close in time, so most lookups skip the zone's binary search. Not thread-safe.
struct ZoneOffsets {
  const date::time_zone* zone;
  int64_t begin_ms = 1, end_ms = 0, offset_s = 0;  // empty interval: the first call looks up

  int64_t operator()(Timestamp t) {
    if (t.ms >= begin_ms && t.ms < end_ms) return offset_s;
    using namespace std::chrono;
    const date::sys_time<milliseconds> tp{milliseconds{t.ms}};
    const date::sys_info info = zone->get_info(tp);
    begin_ms = duration_cast<milliseconds>(info.begin.time_since_epoch()).count();
    end_ms = duration_cast<milliseconds>(info.end.time_since_epoch()).count();
    offset_s = info.offset.count();
    return offset_s;
  }
};

}  // namespace

CsvTimeFormat parse_time_format(std::string_view text) {
  auto fail = [&](std::string_view why) -> CsvTimeFormat {
    throw ConfigError(
        fmt::format("--time-format {}: {} (write epoch, iso, iso:+09:00 or "
                    "iso:Asia/Seoul)",
                    text, why));
  };
  CsvTimeFormat f;
  f.spec = std::string(text);
  if (text == "epoch") return f;
  f.kind = CsvTimeFormat::Kind::kIso;
  if (text == "iso" || text == "iso:Z" || text == "iso:UTC") return f;
  if (!text.starts_with("iso:")) return fail("unknown time format");
  const std::string_view zone = text.substr(4);
  if (!zone.empty() && (zone[0] == '+' || zone[0] == '-')) {
    auto digit = [&](size_t i) { return i < zone.size() && zone[i] >= '0' && zone[i] <= '9'; };
    if (zone.size() != 6 || !digit(1) || !digit(2) || zone[3] != ':' || !digit(4) || !digit(5)) {
      return fail("an offset is written +hh:mm");
    }
    const int h = (zone[1] - '0') * 10 + (zone[2] - '0'),
              m = (zone[4] - '0') * 10 + (zone[5] - '0');
    if (h > 23 || m > 59) return fail("offset out of range");
    const int64_t seconds = (zone[0] == '-' ? -1 : 1) * int64_t(h * 3600 + m * 60);
    f.offset_seconds = [seconds](Timestamp) { return seconds; };
    return f;
  }
  const date::time_zone* tz = nullptr;
  try {
    tz = date::locate_zone(std::string(zone));
  } catch (const std::exception& e) {
    return fail(
        fmt::format("unknown time zone \"{}\" (zones come from tzdata in "
                    "/usr/share/zoneinfo)",
                    zone));
  }
  f.offset_seconds = [state = std::make_shared<ZoneOffsets>(ZoneOffsets{tz})](Timestamp t) {
    return (*state)(t);
  };
  return f;
}

}  // namespace tidemark::gen
