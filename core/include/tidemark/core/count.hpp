#pragma once
// Counts as people write them on a command line: 1000000, 1e6, 2.5e3.

#include <cstdint>
#include <string_view>

namespace tidemark {

enum class CountError {
  kNone,
  kNotInteger,  // not a number, or one that is not whole: 1.5, 1e-3, abc
  kNegative,
  kTooLarge,  // beyond any uint64_t
};

struct Count {
  uint64_t value = 0;
  CountError error = CountError::kNone;
};

// A whole number written in decimal digits (1000000), or with a fraction and an exponent whose
// value is whole (1e6, 2.5e3, 1.0E6): decided exactly, without floating point, so that 1e6 is
// 1000000 and 1.0000000000000001e3 is not a count.
Count parse_count(std::string_view text);

}  // namespace tidemark
