#include "tidemark/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "tidemark/core/trace_io/utf8.hpp"

namespace tidemark {

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t n = utf8_sequence_length(text, i);
    if (n == 0 || c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02X}", c);
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

std::string quoted_field(std::string_view field) {
  if (field.size() <= kQuotedFieldBytes) return fmt::format("\"{}\"", one_line(field));
  size_t cut = 0;  // whole characters only, so that the cut splits none
  while (cut < field.size()) {
    const size_t n = std::max<size_t>(utf8_sequence_length(field, cut), 1);
    if (cut + n > kQuotedFieldBytes) break;
    cut += n;
  }
  return fmt::format("\"{}…\" ({} bytes)", one_line(field.substr(0, cut)), field.size());
}

void invariant_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "tidemark: internal error: %s failed at %s:%d\n", expr, file, line);
  std::abort();
}

}  // namespace tidemark
