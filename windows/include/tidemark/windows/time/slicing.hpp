#pragma once
// Index arithmetic shared by the fixed-size time-window operators: the bounds of their fast
// paths, and floor division for window and slice indexes of negative times.

#include <algorithm>
#include <cstdint>
#include <limits>

#include "tidemark/core/runtime/lateness.hpp"
#include "tidemark/core/time/time.hpp"

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

// A grid of fixed-size windows: window m is [offset + m*advance, offset + m*advance + size).
struct WindowGrid {
  int64_t offset, size, advance;
};

// What a lateness policy adds to a window's end, as index arithmetic needs it: the window fires
// at end + fire and closes at end + close. The policy's own fire_time() and close_time() are
// the only source; decide() reads the same two.
struct PolicyDelays {
  int64_t fire, close;
};
constexpr PolicyDelays delays_of(const LatenessPolicy& p) {
  return {(p.fire_time(Timestamp{0}) - Timestamp{0}).ms,
          (p.close_time(Timestamp{0}) - Timestamp{0}).ms};
}

// The window indexes clock `c` bounds: the newest window that has fired (decide() no longer
// accepts into it silently) and the oldest not closed (decide() does not reject). Exact for
// every clock and delay (128-bit intermediates), as decide() is with its saturating times;
// tests/windows/time/slicing_test.cpp checks the two against each other.
struct ClockBounds {
  int64_t fired_max, alive_min;
};
constexpr ClockBounds clock_bounds(Timestamp c, const WindowGrid& g, const PolicyDelays& d) {
  if (c == Timestamp::max()) return {kIndexLimit, kIndexLimit};
  if (c == Timestamp::min()) return {-kIndexLimit, -kIndexLimit};
  const Int128 base = Int128(c.ms) - g.offset - g.size;
  return {floor_div(base - d.fire, g.advance), floor_div(base - d.close, g.advance) + 1};
}

}  // namespace tidemark::slicing
