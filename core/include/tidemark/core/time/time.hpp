#pragma once
// Event-time values: milliseconds since the Unix epoch (UTC) and durations, with saturating
// arithmetic. The int64 limits stand for -infinity and +infinity and are sticky.

#include <compare>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

namespace tidemark {

// A signed span of milliseconds.
struct Duration {
  int64_t ms = 0;
  friend constexpr auto operator<=>(const Duration&, const Duration&) = default;
};

// A point in event time, milliseconds since the epoch; min() and max() are -inf and +inf.
struct Timestamp {
  int64_t ms = 0;

  static constexpr Timestamp min() { return {std::numeric_limits<int64_t>::min()}; }
  static constexpr Timestamp max() { return {std::numeric_limits<int64_t>::max()}; }
  constexpr bool is_finite() const { return *this != min() && *this != max(); }
  friend constexpr auto operator<=>(const Timestamp&, const Timestamp&) = default;
};
static_assert(std::is_trivially_copyable_v<Timestamp>);

constexpr int64_t saturating_add(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}

constexpr int64_t saturating_sub(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) {
    return b < 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}

// Infinite timestamps stay infinite; finite ones saturate at the limits.
constexpr Timestamp operator+(Timestamp t, Duration d) {
  return t.is_finite() ? Timestamp{saturating_add(t.ms, d.ms)} : t;
}
constexpr Timestamp operator-(Timestamp t, Duration d) {
  return t.is_finite() ? Timestamp{saturating_sub(t.ms, d.ms)} : t;
}
constexpr Duration operator-(Timestamp a, Timestamp b) {
  return {saturating_sub(a.ms, b.ms)};
}
constexpr Duration operator+(Duration a, Duration b) {
  return {saturating_add(a.ms, b.ms)};
}
constexpr Duration operator-(Duration a, Duration b) {
  return {saturating_sub(a.ms, b.ms)};
}

namespace literals {
constexpr Duration operator""_ms(unsigned long long v) {
  return {int64_t(v)};
}
constexpr Duration operator""_s(unsigned long long v) {
  return {int64_t(v) * 1000};
}
constexpr Duration operator""_min(unsigned long long v) {
  return {int64_t(v) * 60'000};
}
constexpr Duration operator""_h(unsigned long long v) {
  return {int64_t(v) * 3'600'000};
}
}  // namespace literals

// Parses `250ms`, `10s`, `5m`, `2h`, `1d`, a bare `0`, with an optional leading minus;
// throws ConfigError naming `what` and the text.
Duration parse_duration(std::string_view text, std::string_view what = "duration");

// The shortest exact spelling: 90000 ms -> "90s", 300000 -> "5m", 1500 -> "1500ms".
std::string format_duration(Duration d);

// A timestamp for people: ISO-8601 UTC for finite values, "-inf"/"+inf" otherwise.
std::string format_timestamp(Timestamp t);

}  // namespace tidemark
