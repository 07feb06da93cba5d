#pragma once
// The CSV trace format (docs/design.md §6): header row, columns by name in any order, `#` comment
// lines before the header. Errors name file, line and column.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "tidemark/core/trace_io/trace.hpp"

namespace tidemark {

// Longest line a CSV trace may hold, its line break not counted: 1 MiB. A longer line (or input
// with no line break at all, such as /dev/zero) is an error naming file and line, so that reading
// never holds more than this of a line.
inline constexpr size_t kMaxCsvLineBytes = size_t(1) << 20;

// Parses a whole CSV text; `source` names it in error messages. Throws InputError.
Trace parse_csv_trace(std::string_view text, std::string source);
// Reads and parses a file (through CsvTraceReader: the text is never held whole). Throws
// InputError (also for unreadable or empty files).
Trace read_csv_trace(const std::filesystem::path& path);

// As a path to read a CSV trace from: standard input, named "stdin" in messages (./- is a file).
inline constexpr std::string_view kStdinPath = "-";

// Parses one time field: integer epoch milliseconds or ISO-8601; nullopt when malformed or outside
// [kEarliestTime, kLatestTime].
std::optional<Timestamp> parse_time_field(std::string_view text);

// Reads a CSV trace chunk by chunk through a buffer of fixed size, so that memory stays bounded
// whatever the trace's length: what grows is the key table, by the keys met so far. Parsing and
// error messages are those of parse_csv_trace (they share the line parser). Works on any file
// that reads sequentially: a regular file, a pipe, a device.
class CsvTraceReader {
 public:
  // Opens the file and reads up to the header line. Throws InputError.
  explicit CsvTraceReader(const std::filesystem::path& path);
  ~CsvTraceReader();
  CsvTraceReader(const CsvTraceReader&) = delete;
  CsvTraceReader& operator=(const CsvTraceReader&) = delete;

  // Source, columns and header comment; its `events` stay empty. Its key table gains the keys of
  // the records next() returns, in order of first appearance as parse_csv_trace numbers them; the
  // table stays at one address for the reader's life (result sinks refer to it).
  const Trace& header() const;
  // The next validated records (at most 4096), valid until the next call; empty at the end.
  // Throws InputError at the first malformed line.
  std::span<const Event> next();

  // 1 + the largest partition id of the trace (0 for no records; 1 without a partition column);
  // call it before the first next(). A regular file is read once ahead for it, its partition
  // column only, up to the first line whose partition cannot be read (the records stop there
  // too); should a later record hold a larger id (the file changed in between), next() throws
  // InputError at its line. A pipe or device cannot be read twice: up to kCsvReadAheadRecords
  // records are parsed and held instead, and nullopt is returned when the input holds more (then
  // the count must come from elsewhere, such as --partitions).
  std::optional<PartitionId> partitions();

  // Bytes the reader holds besides the key table: its read buffer, its chunk of records and the
  // records read ahead. Fixed after the first next() but for records read ahead.
  size_t memory_bytes() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Records of a pipe or device that CsvTraceReader::partitions() holds, at most (64 MiB).
inline constexpr size_t kCsvReadAheadRecords = size_t(1) << 20;

}  // namespace tidemark
