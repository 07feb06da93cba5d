#pragma once
// Errors that reach the user: configuration mistakes and malformed input.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tidemark {

// A configuration value that cannot be used; the message names the option and the value.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An output stream that failed (a full disk, a closed pipe); the message does not name the file,
// which only the caller knows.
class WriteError : public ConfigError {
 public:
  using ConfigError::ConfigError;
};

// Malformed input data; the message names file, line and column.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `text` fit for a one-line message: control bytes (a NUL, a line break) and bytes that are not
// well-formed UTF-8 written as \xHH, so that quoted input neither cuts the message short, splits
// it nor puts raw bytes on a terminal.
std::string one_line(std::string_view text);

// Longest part of an input field that a message quotes.
inline constexpr size_t kQuotedFieldBytes = 200;
// An input field as a message quotes it: in double quotes and made one line; a field longer than
// kQuotedFieldBytes is cut to its first whole characters within them, marked with "…" and its
// length, as in "aaaa…" (20971520 bytes).
std::string quoted_field(std::string_view field);

// Internal invariant violated: a bug in tidemark, reported with file and line.
[[noreturn]] void invariant_failed(const char* expr, const char* file, int line);

}  // namespace tidemark

#define TIDEMARK_ASSERT(expr) \
  ((expr) ? void(0) : ::tidemark::invariant_failed(#expr, __FILE__, __LINE__))
