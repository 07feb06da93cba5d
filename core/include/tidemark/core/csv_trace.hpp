#pragma once
// The CSV trace format (docs/design.md §6): header row, columns by name in any order, `#` comment
// lines before the header. Errors name file, line and column.

#include <filesystem>
#include <optional>
#include <string_view>

#include "tidemark/core/trace.hpp"

namespace tidemark {

// Parses a whole CSV text; `source` names it in error messages. Throws InputError.
Trace parse_csv_trace(std::string_view text, std::string source);
// Reads and parses a file. Throws InputError (also for unreadable or empty files).
Trace read_csv_trace(const std::filesystem::path& path);

// Parses one time field: integer epoch milliseconds or ISO-8601; nullopt when malformed or outside
// [kEarliestTime, kLatestTime].
std::optional<Timestamp> parse_time_field(std::string_view text);

}  // namespace tidemark
