#include "tidemark/core/time/time.hpp"

#include <fmt/format.h>

#include <charconv>

#include "tidemark/core/error.hpp"
#include "tidemark/core/time/iso_time.hpp"

namespace tidemark {

namespace {
struct Unit {
  std::string_view suffix;
  int64_t ms;
};
// Longest suffix first so "ms" is not read as "m" + "s".
constexpr Unit kUnits[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
}  // namespace

Duration parse_duration(std::string_view text, std::string_view what) {
  auto fail = [&](std::string_view why) -> Duration {
    throw ConfigError(
        fmt::format("{}: {} in \"{}\" (write an integer and a unit: 250ms, 10s, "
                    "5m, 2h, 1d)",
                    what, why, text));
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  if (digits == 0) return fail("no number");
  int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + digits, n);
  if (ec != std::errc{}) return fail("number too large");
  const std::string_view suffix = s.substr(digits);
  int64_t unit = 0;
  if (suffix.empty()) {
    if (n != 0) return fail("missing unit");
    unit = 1;
  }
  for (const Unit& u : kUnits) {
    if (suffix == u.suffix) unit = u.ms;
  }
  if (unit == 0) return fail(fmt::format("unknown unit \"{}\"", suffix));
  int64_t ms = 0;
  if (__builtin_mul_overflow(n, unit, &ms)) return fail("duration too large");
  return Duration{negative ? -ms : ms};
}

std::string format_duration(Duration d) {
  if (d.ms == 0) return "0";
  for (auto it = std::rbegin(kUnits); it != std::rend(kUnits); ++it) {
    if (d.ms % it->ms == 0) return fmt::format("{}{}", d.ms / it->ms, it->suffix);
  }
  return fmt::format("{}ms", d.ms);
}

std::string format_timestamp(Timestamp t) {
  if (t == Timestamp::min()) return "-inf";
  if (t == Timestamp::max()) return "+inf";
  if (t < kEarliestTime || t > kLatestTime) return fmt::format("{}ms", t.ms);
  return format_iso8601(t);
}

}  // namespace tidemark
