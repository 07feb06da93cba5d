#include "tidemark/core/count.hpp"

#include <algorithm>
#include <string>

namespace tidemark {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The value of `digits` * 10^exponent, if it fits (exponent >= 0).
Count scaled(std::string_view digits, int64_t exponent) {
  if (digits.size() + uint64_t(exponent) > 20) return {0, CountError::kTooLarge};
  uint64_t v = 0;
  const auto times_ten_plus = [&v](uint64_t digit) {
    return !__builtin_mul_overflow(v, uint64_t{10}, &v) && !__builtin_add_overflow(v, digit, &v);
  };
  for (const char c : digits) {
    if (!times_ten_plus(uint64_t(c - '0'))) return {0, CountError::kTooLarge};
  }
  for (int64_t i = 0; i < exponent; ++i) {
    if (!times_ten_plus(0)) return {0, CountError::kTooLarge};
  }
  return {v, CountError::kNone};
}

}  // namespace

Count parse_count(std::string_view s) {
  if (!s.empty() && s.front() == '-') return {0, CountError::kNegative};
  // The significant digits, integer and fraction parts together, and the power of ten they
  // are multiplied by.
  std::string digits;
  int64_t exponent = 0;
  size_t i = 0;
  while (i < s.size() && is_digit(s[i])) digits += s[i++];
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) {
      digits += s[i++];
      --exponent;
    }
  }
  if (digits.empty()) return {0, CountError::kNotInteger};
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    const bool negative = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (i == s.size() || !is_digit(s[i])) return {0, CountError::kNotInteger};
    int64_t e = 0;
    constexpr int64_t kBeyondAnyCount = 1'000'000'000;  // saturates: the answer is the same
    while (i < s.size() && is_digit(s[i])) e = std::min(kBeyondAnyCount, e * 10 + (s[i++] - '0'));
    exponent += negative ? -e : e;
  }
  if (i != s.size()) return {0, CountError::kNotInteger};
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return {0, CountError::kNone};  // 0, 0.0, 0e9
  std::string_view significant = std::string_view(digits).substr(first);
  while (exponent < 0 && significant.back() == '0') {
    significant.remove_suffix(1);
    ++exponent;
  }
  if (exponent < 0) return {0, CountError::kNotInteger};
  return scaled(significant, exponent);
}

}  // namespace tidemark
