#include "tidemark/core/trace_io/csv_fields.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

using namespace tidemark;
using namespace tidemark::csv;

namespace {

// split_line's fields as strings; nullopt when it refuses the line.
std::optional<std::vector<std::string>> split(std::string_view line) {
  std::vector<std::string_view> fields;
  std::vector<std::string> scratch;
  if (!split_line(line, fields, scratch)) return std::nullopt;
  return std::vector<std::string>(fields.begin(), fields.end());
}

using Fields = std::vector<std::string>;

}  // namespace

TEST_CASE("csv fields: trim drops blanks at both ends and a line's trailing CR only", "[csv]") {
  CHECK(trim(" \ta b\t \r") == "a b");
  CHECK(trim("") == "");
  CHECK(trim(" \t ") == "");
  CHECK(trim("\ra") == "\ra");  // a CR is only a line ending's
}

TEST_CASE("csv fields: an unquoted line splits at every comma, each field trimmed", "[csv]") {
  CHECK(split("a, b ,c") == Fields{"a", "b", "c"});
  CHECK(split("") == Fields{""});  // an empty line is one empty field
  CHECK(split("a,") == Fields{"a", ""});
  CHECK(split(",,") == Fields{"", "", ""});
  CHECK(split("a,b\r") == Fields{"a", "b"});
}

TEST_CASE("csv fields: quoted fields hold commas and doubled quotes", "[csv]") {
  CHECK(split("\"a,b\",c") == Fields{"a,b", "c"});
  CHECK(split("x, \"say \"\"hi\"\"\" ,y") == Fields{"x", "say \"hi\"", "y"});
  CHECK(split("\"\",1") == Fields{"", "1"});
  CHECK(split("\" padded \"") == Fields{" padded "});  // blanks inside quotes are kept
  CHECK(split("\"a\"\r") == Fields{"a"});
}

TEST_CASE("csv fields: unbalanced or stray quotes make the line malformed", "[csv]") {
  CHECK_FALSE(split("\"unterminated,1").has_value());
  CHECK_FALSE(split("\"a\"x,1").has_value());    // text after the closing quote
  CHECK_FALSE(split("\"a\",b\"c").has_value());  // a quote inside an unquoted field
  CHECK_FALSE(split("a\"b\"").has_value());
}

TEST_CASE("csv fields: numbers take one optional sign, all of the field, within the type",
          "[csv]") {
  CHECK(parse_number<int64_t>("42") == 42);
  CHECK(parse_number<int64_t>("+42") == 42);
  CHECK(parse_number<int64_t>("-42") == -42);
  CHECK(parse_number<int64_t>("9223372036854775807") == INT64_MAX);
  CHECK(parse_number<int64_t>("-9223372036854775808") == INT64_MIN);
  for (const char* bad :
       {"", "+", "-", "+-5", "++5", "--5", "5x", " 5", "1.5", "9223372036854775808"}) {
    INFO(bad);
    CHECK_FALSE(parse_number<int64_t>(bad).has_value());
  }
  CHECK_FALSE(parse_number<uint64_t>("-1").has_value());
  CHECK(parse_number<double>("+1.5e3") == 1500.0);
}

TEST_CASE("csv fields: a value error tells a number beyond a double from text", "[csv]") {
  const std::string beyond =
      " is beyond the range of a double (magnitudes 4.9e-324 to 1.8e308, or 0)";
  CHECK(value_error("1e400") == "value: \"1e400\"" + beyond);
  CHECK(value_error("-1e400") == "value: \"-1e400\"" + beyond);
  CHECK(value_error("+1e400") == "value: \"+1e400\"" + beyond);  // quoted as written
  CHECK(value_error("1e-400") == "value: \"1e-400\"" + beyond);
  CHECK(value_error("abc") == "value: \"abc\" is not a finite number");
  CHECK(value_error("1e400x") == "value: \"1e400x\" is not a finite number");
  CHECK(value_error("") == "value: \"\" is not a finite number");
}

TEST_CASE("csv fields: a partition is empty (0) or an integer below the partition limit", "[csv]") {
  CHECK(partition_of("") == PartitionId(0));
  CHECK(partition_of("7") == PartitionId(7));
  CHECK(partition_of("+7") == PartitionId(7));
  CHECK(partition_of(std::to_string(kMaxPartitions - 1)) == kMaxPartitions - 1);
  CHECK_FALSE(partition_of(std::to_string(kMaxPartitions)).has_value());
  CHECK_FALSE(partition_of("-1").has_value());
  CHECK_FALSE(partition_of("p1").has_value());

  CHECK(partition_error("-1") == "partition: \"-1\" is not a non-negative integer");
  CHECK(partition_error("p1") == "partition: \"p1\" is not a non-negative integer");
  CHECK(partition_error("16777216") == "partition: 16777216 is too large (at most 16777215)");
  // Beyond uint64 too: a number, only too large.
  CHECK(partition_error("99999999999999999999") ==
        "partition: 99999999999999999999 is too large (at most 16777215)");
  CHECK(partition_error("") == "partition: \"\" is not a non-negative integer");
}

TEST_CASE("csv fields: field_at gives split_line's field, or nullopt past the last", "[csv]") {
  std::vector<std::string_view> fields;
  std::vector<std::string> scratch;
  for (const std::string_view line :
       {"a,b,c", " a , b ,c\r", "\"x,y\",b,c", "a,\"q\"\"q\",c", "a,b,\"c,d\"", ",,"}) {
    const auto all = split(line);
    REQUIRE(all.has_value());
    for (size_t i = 0; i < all->size(); ++i) {
      INFO(line << " field " << i);
      const auto f = field_at(line, i, fields, scratch);
      REQUIRE(f.has_value());
      CHECK(std::string(*f) == (*all)[i]);
    }
    CHECK_FALSE(field_at(line, all->size(), fields, scratch).has_value());
  }
  // Fields before a stray quote are read as split at commas; the field holding it is not.
  CHECK(field_at("a,b,\"c", 1, fields, scratch) == std::string_view("b"));
  CHECK_FALSE(field_at("a,b,\"c", 2, fields, scratch).has_value());
}
