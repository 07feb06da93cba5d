// Counts as people write them: digits or scientific notation, exact.
#include "tidemark/core/count.hpp"

#include <catch2/catch.hpp>

using tidemark::Count;
using tidemark::CountError;
using tidemark::parse_count;

TEST_CASE("a count is a whole number in digits or scientific notation", "[count]") {
  const auto value = [](std::string_view text) {
    const Count c = parse_count(text);
    INFO(text);
    REQUIRE(c.error == CountError::kNone);
    return c.value;
  };
  CHECK(value("0") == 0);
  CHECK(value("1000000") == 1'000'000);
  CHECK(value("007") == 7);
  CHECK(value("1e6") == 1'000'000);
  CHECK(value("1E6") == 1'000'000);
  CHECK(value("1e+6") == 1'000'000);
  CHECK(value("2.5e3") == 2500);
  CHECK(value("0.4e1") == 4);
  CHECK(value("1.0") == 1);
  CHECK(value("1500e-2") == 15);
  CHECK(value("0e999999999999") == 0);
  CHECK(value("18446744073709551615") == UINT64_MAX);
  CHECK(value("1.8446744073709551615e19") == UINT64_MAX);
  CHECK(value("1e19") == 10'000'000'000'000'000'000u);
}

TEST_CASE("a count that is not whole, negative or beyond uint64 says which", "[count]") {
  const auto error = [](std::string_view text) { return parse_count(text).error; };
  for (const std::string_view text : {"", "1.5", "1e-3", "1.0000000000000001e3", "abc", "1e", "1e+",
                                      ".", "e5", "+1", " 1", "1 ", "0x10", "1e6x", "1,000"}) {
    INFO(text);
    CHECK(error(text) == CountError::kNotInteger);
  }
  CHECK(error("-1") == CountError::kNegative);
  CHECK(error("-1e3") == CountError::kNegative);
  for (const std::string_view text :
       {"18446744073709551616", "1e20", "1.8446744073709551616e19", "1e999999999999999999999"}) {
    INFO(text);
    CHECK(error(text) == CountError::kTooLarge);
  }
}
