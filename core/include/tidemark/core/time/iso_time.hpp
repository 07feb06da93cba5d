#pragma once
// ISO-8601 times with `Z` or a `±hh:mm` offset, normalised to UTC (calendar maths by date).

#include <optional>
#include <string>
#include <string_view>

#include "tidemark/core/time/time.hpp"

namespace tidemark {

// Smallest and largest time a trace may hold: 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z.
inline constexpr Timestamp kEarliestTime{-62'167'219'200'000};
inline constexpr Timestamp kLatestTime{253'402'300'799'999};

// `2026-11-21T10:00:00.250+09:00`, `2026-11-21T01:00:00Z`; 'T' or ' ' between date and time;
// 0-9 fraction digits (beyond milliseconds truncated toward -inf). nullopt when malformed or
// not a real date/time.
std::optional<Timestamp> parse_iso8601(std::string_view text);

// `2026-11-21T01:00:00.250Z` (fraction only when non-zero); `offset_minutes` writes local time
// with a `+hh:mm` suffix instead.
std::string format_iso8601(Timestamp t, int offset_minutes = 0);

}  // namespace tidemark
