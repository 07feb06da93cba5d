#pragma once
// Exact replacements for std::nearbyint and std::floor that compile to a few inline
// instructions: x86-64 before SSE4.1 has no rounding instruction, so the standard functions are
// libm calls, one or more per generated event.

#include <cmath>
#include <cstdint>

namespace tidemark::gen {

// std::nearbyint(x) in the default rounding mode (to nearest, ties to even), bit for bit: adding
// and subtracting 2^52 rounds |x| < 2^52 to an integer in that mode; larger magnitudes, inf and
// NaN are returned as they are, like nearbyint does. The sign survives, so -0.3 gives -0.
inline double nearbyint_exact(double x) {
  constexpr double k2p52 = 0x1p52;
  const double a = std::fabs(x);
  if (!(a < k2p52)) return x;
  return std::copysign((a + k2p52) - k2p52, x);
}

// int64_t(std::floor(x)) for finite x with |x| < 2^63.
inline int64_t floor_to_int64(double x) {
  const int64_t t = int64_t(x);  // truncation: one too high for negative non-integers
  return t - int64_t(double(t) > x);
}

}  // namespace tidemark::gen
