// Well-formed UTF-8: every scalar value's encoding is accepted with its length; overlong forms,
// surrogates, values beyond U+10FFFF, stray continuation bytes and cut sequences are not.
#include "tidemark/core/trace_io/utf8.hpp"

#include <catch2/catch.hpp>
#include <string>

using tidemark::utf8_sequence_length;

namespace {

std::string encode(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += char(cp);
  } else if (cp < 0x800) {
    s += char(0xC0 | cp >> 6), s += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += char(0xE0 | cp >> 12), s += char(0x80 | (cp >> 6 & 0x3F)), s += char(0x80 | (cp & 0x3F));
  } else {
    s += char(0xF0 | cp >> 18), s += char(0x80 | (cp >> 12 & 0x3F));
    s += char(0x80 | (cp >> 6 & 0x3F)), s += char(0x80 | (cp & 0x3F));
  }
  return s;
}

}  // namespace

TEST_CASE("every scalar value's encoding is one sequence of its length", "[utf8]") {
  for (uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    const std::string s = encode(cp) + "x";
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    INFO("U+" << std::hex << cp);
    REQUIRE(utf8_sequence_length(s, 0) == (surrogate ? 0 : s.size() - 1));
  }
}

TEST_CASE("malformed UTF-8 starts no sequence", "[utf8]") {
  const std::string bad[] = {
      "\xC0\x80",          // overlong NUL
      "\xC1\xBF",          // overlong U+007F
      "\xE0\x80\x80",      // overlong 3-byte
      "\xE0\x9F\xBF",      // overlong U+07FF
      "\xF0\x8F\xBF\xBF",  // overlong U+FFFF
      "\xF4\x90\x80\x80",  // U+110000
      "\xF5\x80\x80\x80",  // lead byte beyond F4
      "\xFF",              // never a lead byte
      "\x80",              // stray continuation
      "\xC3\x41",          // continuation missing
      "\xE2\x82\x41",      // third byte not a continuation
  };
  for (const std::string& s : bad) {
    INFO(s.size() << " bytes");
    CHECK(utf8_sequence_length(s + "x", 0) == 0);
  }
}

TEST_CASE("a sequence may end the text, one cut by the end is not well formed", "[utf8]") {
  const std::string euro = "\xE2\x82\xAC";
  CHECK(utf8_sequence_length(euro, 0) == 3);
  CHECK(utf8_sequence_length(std::string("a") + euro, 1) == 3);
  CHECK(utf8_sequence_length(euro.substr(0, 2), 0) == 0);
  CHECK(utf8_sequence_length(std::string("a") + euro.substr(0, 1), 1) == 0);
  CHECK(utf8_sequence_length(std::string("\xF0\x9F\x98"), 0) == 0);
}
