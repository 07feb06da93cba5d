#pragma once
// Index arithmetic shared by the fixed-size time-window operators: the bounds of their fast
// paths, and floor division for window and slice indexes of negative times.

#include <algorithm>
#include <cstdint>
#include <limits>

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

}  // namespace tidemark::slicing
