#include "tidemark/core/error.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

namespace tidemark {

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

void invariant_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "tidemark: internal error: %s failed at %s:%d\n", expr, file, line);
  std::abort();
}

}  // namespace tidemark
