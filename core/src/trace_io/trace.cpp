#include "tidemark/core/trace_io/trace.hpp"

#include "tidemark/core/error.hpp"

namespace tidemark {

std::string_view single_line_header_comment(const Trace& trace) {
  std::string_view comment = trace.header_comment;
  if (comment.find_first_of("\r\n") != std::string_view::npos) {
    throw ConfigError("header comment holds a line break; it must be a single line");
  }
  constexpr std::string_view kBlanks = " \t";
  comment.remove_prefix(std::min(comment.find_first_not_of(kBlanks), comment.size()));
  comment.remove_suffix(comment.size() - (comment.find_last_not_of(kBlanks) + 1));
  return comment;
}

}  // namespace tidemark
