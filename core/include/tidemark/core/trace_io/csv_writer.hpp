#pragma once
// Writes a trace as CSV (docs/design.md §6) in the one canonical form the CSV reader reads back to
// the same trace: the header comment as the first line, then the present columns in the order
// partition, key, event_time, value, send_time, receive_time, true_time, kind.

#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "tidemark/core/trace_io/trace.hpp"

namespace tidemark {

// How times are spelled: epoch milliseconds, or ISO-8601 in UTC or at a UTC offset that may
// depend on the instant (a time zone). Both spellings read back to the same milliseconds.
struct CsvTimeFormat {
  enum class Kind { kEpoch, kIso };
  Kind kind = Kind::kEpoch;
  // Seconds east of UTC in effect at an instant (ISO only); empty means UTC, written `Z`. An
  // offset that is not a whole number of minutes (local mean time before 1900) cannot be written
  // as ±hh:mm, so that instant is written in UTC instead: still exact.
  std::function<int64_t(Timestamp)> offset_seconds;
  std::string spec = "epoch";  // as the user wrote it, for messages and headers
};

// Writes the whole trace. Throws ConfigError when a key or the header comment holds a line break
// (CSV cannot carry it) or would make a line longer than kMaxCsvLineBytes (the reader would refuse
// it), and WriteError when the stream fails.
void write_csv_trace(std::ostream& out, const Trace& trace, const CsvTimeFormat& format = {});

// Writes a CSV trace a chunk of records at a time, for traces too long to hold: the same bytes as
// write_csv_trace. `header` gives the columns, the header comment and the key names.
class CsvTraceWriter {
 public:
  CsvTraceWriter(std::ostream& out, const Trace& header, CsvTimeFormat format = {});
  // The next records, in order. Throws WriteError as soon as a buffered write fails.
  void write(std::span<const Event> records);
  // After the last record. Throws WriteError when the stream failed.
  void finish();

 private:
  std::ostream& out_;
  CsvTimeFormat format_;
  bool has_partition_, has_key_, has_value_, has_send_, has_receive_, has_true_, has_kind_;
  std::vector<std::string> keys_;  // CSV spellings, by key id
  fmt::memory_buffer buf_;
};

}  // namespace tidemark
