#pragma once
// Index arithmetic shared by the fixed-size time-window operators: the bounds of their fast
// paths, and floor division for window and slice indexes of negative times.

#include <algorithm>
#include <cstdint>
#include <limits>

#include "tidemark/core/time.hpp"

namespace tidemark::slicing {

inline constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kTimeLimit = int64_t(1) << 60;   // |event time| handled by slices
inline constexpr int64_t kIndexLimit = int64_t(1) << 62;  // beyond every real slice or window index
inline constexpr int64_t kDurationLimit = int64_t(1) << 40;
inline constexpr int64_t kMaxKeySpan = int64_t(1) << 14;   // slices held per key
inline constexpr size_t kMaxWindowSpan = size_t(1) << 18;  // window indexes held at once

__extension__ using Int128 = __int128;  // overflow-free intermediate for clock bounds

// Floor division for b > 0, correct for negative a.
constexpr int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}
constexpr int64_t floor_div(Int128 a, int64_t b) {
  Int128 q = a / b;
  if (a % b != 0 && a < 0) --q;
  return int64_t(std::clamp<Int128>(q, -kIndexLimit, kIndexLimit));
}
constexpr int64_t gcd(int64_t a, int64_t b) {
  return b == 0 ? a : gcd(b, a % b);
}

// The window indexes a clock bounds, window m being [offset + m*advance, +size) and firing and
// closing fire_delay and close_delay after its end: the newest whose fire time is <= the clock,
// and the oldest not closed. Exact for every clock and delay (128-bit intermediates), as
// decide() is with its saturating times.
struct ClockBounds {
  int64_t fired_max, alive_min;
};
constexpr ClockBounds clock_bounds(Timestamp c, int64_t offset, int64_t size, int64_t advance,
                                   int64_t fire_delay, int64_t close_delay) {
  if (c == Timestamp::max()) return {kIndexLimit, kIndexLimit};
  if (c == Timestamp::min()) return {-kIndexLimit, -kIndexLimit};
  const Int128 base = Int128(c.ms) - offset - size;
  return {floor_div(base - fire_delay, advance), floor_div(base - close_delay, advance) + 1};
}

}  // namespace tidemark::slicing
