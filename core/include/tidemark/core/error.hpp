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

// `text` fit for a one-line message: control bytes (a NUL, a line break) written as \xHH, so that
// quoted input neither cuts the message short nor splits it.
std::string one_line(std::string_view text);

// Internal invariant violated: a bug in tidemark, reported with file and line.
[[noreturn]] void invariant_failed(const char* expr, const char* file, int line);

}  // namespace tidemark

#define TIDEMARK_ASSERT(expr) \
  ((expr) ? void(0) : ::tidemark::invariant_failed(#expr, __FILE__, __LINE__))
