#include "tidemark/core/time/iso_time.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <chrono>

namespace tidemark {

namespace {

// Reads exactly n digits at s[pos]; -1 if any is not a digit.
int digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

// Hand-scanned fields (the fast path for millions of rows) with date doing the calendar maths.
std::optional<Timestamp> parse_iso8601(std::string_view s) {
  const int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  if (year < 0 || month < 0 || day < 0 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (s.size() < 19 || (s[10] != 'T' && s[10] != ' ')) return std::nullopt;
  const int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (hour < 0 || minute < 0 || second < 0 || s[13] != ':' || s[16] != ':') return std::nullopt;
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    size_t n = 0;
    while (pos + n < s.size() && s[pos + n] >= '0' && s[pos + n] <= '9') ++n;
    if (n == 0 || n > 9) return std::nullopt;
    for (size_t i = 0; i < 3; ++i) millis = millis * 10 + (i < n ? s[pos + i] - '0' : 0);
    pos += n;
  }
  int offset_minutes = 0;
  if (pos < s.size() && s[pos] == 'Z' && pos + 1 == s.size()) {
    pos += 1;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size()) {
    const int oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
    if (oh < 0 || om < 0 || s[pos + 3] != ':' || oh > 23 || om > 59) return std::nullopt;
    offset_minutes = (s[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;  // a time without Z or offset is ambiguous
  }
  const date::year_month_day ymd{date::year{year}, date::month(unsigned(month)),
                                 date::day(unsigned(day))};
  if (!ymd.ok()) return std::nullopt;
  const int64_t days = date::sys_days{ymd}.time_since_epoch().count();
  const int64_t local_ms = ((days * 24 + hour) * 60 + minute) * 60'000 + second * 1000 + millis;
  const Timestamp t{local_ms - int64_t(offset_minutes) * 60'000};
  if (t < kEarliestTime || t > kLatestTime) return std::nullopt;
  return t;
}

std::string format_iso8601(Timestamp t, int offset_minutes) {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds{t.ms + int64_t(offset_minutes) * 60'000}};
  const auto day_point = date::floor<date::days>(tp);
  const date::year_month_day ymd{day_point};
  const date::hh_mm_ss<milliseconds> tod{tp - day_point};
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", int(ymd.year()),
                                unsigned(ymd.month()), unsigned(ymd.day()), tod.hours().count(),
                                tod.minutes().count(), tod.seconds().count());
  if (tod.subseconds().count() != 0) out += fmt::format(".{:03}", tod.subseconds().count());
  if (offset_minutes == 0) {
    out += 'Z';
  } else {
    const int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    out += fmt::format("{}{:02}:{:02}", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  }
  return out;
}

}  // namespace tidemark
