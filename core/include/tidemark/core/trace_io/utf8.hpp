#pragma once
// Well-formed UTF-8, as the key table requires it and messages check it.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tidemark {

// The length of the well-formed UTF-8 sequence that starts at s[i] (1 to 4), or 0 when s[i] does
// not start one: overlong forms, surrogates and code points beyond U+10FFFF are not well formed.
inline size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  const size_t more = c >= 0xC2 && c <= 0xDF   ? 1
                      : c >= 0xE0 && c <= 0xEF ? 2
                      : c >= 0xF0 && c <= 0xF4 ? 3
                                               : 0;
  if (more == 0 || s.size() - i <= more) return 0;
  uint32_t cp = c & (0x7F >> (more + 1));
  for (size_t k = 1; k <= more; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (d & 0x3F);
  }
  if ((more == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (more == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
    return 0;
  }
  return more + 1;
}

}  // namespace tidemark
