#include "tidemark/core/trace_io/csv_fields.hpp"

#include <fmt/format.h>

#include "tidemark/core/error.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"

namespace tidemark::csv {

std::string value_error(std::string_view s) {
  double v;
  const std::string_view number = without_plus(s);
  const auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (ec == std::errc::result_out_of_range && p == number.data() + number.size()) {
    return fmt::format(
        "value: {} is beyond the range of a double (magnitudes 4.9e-324 to 1.8e308, or 0)",
        quoted_field(s));
  }
  return fmt::format("value: {} is not a finite number", quoted_field(s));
}

std::string partition_error(std::string_view s) {
  // Digits beyond uint64 are a number too large, not a malformed one.
  const bool digits = !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  if (!digits && !parse_number<uint64_t>(s)) {
    return fmt::format("partition: {} is not a non-negative integer", quoted_field(s));
  }
  // A number too large to be an id is short, but for leading zeros.
  return fmt::format("partition: {} is too large (at most {})",
                     s.size() <= kQuotedFieldBytes ? std::string(s) : quoted_field(s),
                     kMaxPartitions - 1);
}

}  // namespace tidemark::csv
