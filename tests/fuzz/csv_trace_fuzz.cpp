// The CSV reader on any text: it throws InputError or returns a trace whose every field is in
// range, and the CSV writer writes that trace (in each time spelling) as text that reads back to
// the same trace.

#include <bit>
#include <cmath>
#include <sstream>

#include "fuzz/fuzz_support.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/time/iso_time.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"
#include "tidemark/core/trace_io/csv_writer.hpp"

using namespace tidemark;
using fuzz::check;

namespace {

bool in_range(Timestamp t) {
  return kEarliestTime <= t && t <= kLatestTime;
}

void check_fields(const Trace& t) {
  constexpr uint32_t kAllColumns = (kColKind << 1) - 1;
  check((t.columns & ~kAllColumns) == 0, "unknown column bits {:#x}", t.columns);
  check(t.header_comment.find_first_of("\n") == std::string::npos, "comment with a line feed");
  for (size_t k = 0; k < t.keys.size(); ++k) {
    check(fuzz::valid_utf8(t.keys.name(KeyId(k))), "key {} is not UTF-8", k);
  }
  std::vector<bool> used(t.keys.size(), false);
  uint64_t previous_row = 1;  // the header's line, at least
  for (const Event& e : t.events) {
    check(e.row > previous_row, "row {} after row {}", e.row, previous_row);
    previous_row = e.row;
    check(in_range(e.event_time), "row {}: event_time {}", e.row, e.event_time.ms);
    const std::pair<Column, Timestamp> optional_times[] = {{kColSendTime, e.send_time},
                                                           {kColReceiveTime, e.receive_time},
                                                           {kColTrueTime, e.true_time}};
    for (const auto& [column, time] : optional_times) {
      check(t.has(column) ? in_range(time) : time.ms == 0, "row {}: time {}", e.row, time.ms);
    }
    check(std::isfinite(e.value) && (t.has(kColValue) || e.value == 1.0), "row {}: value {}", e.row,
          e.value);
    check(e.partition < kMaxPartitions && (t.has(kColPartition) || e.partition == 0),
          "row {}: partition {}", e.row, e.partition);
    check(e.key < t.keys.size() && (t.has(kColKey) || e.key == 0), "row {}: key {}", e.row, e.key);
    check(e.kind == RecordKind::kEvent || (t.has(kColKind) && (e.kind == RecordKind::kWatermark ||
                                                               e.kind == RecordKind::kIdle)),
          "row {}: kind {}", e.row, int(e.kind));
    used[e.key] = true;
  }
  if (t.has(kColKey)) {
    for (size_t k = 0; k < used.size(); ++k) check(used[k], "key {} is used by no row", k);
  } else {
    check(t.keys.size() == 1 && t.keys.name(0).empty(), "no key column, yet keys besides \"\"");
  }
}

void check_same(const Trace& a, const Trace& b) {
  check(a.columns == b.columns, "columns {:#x} read back as {:#x}", a.columns, b.columns);
  check(a.header_comment == b.header_comment, "comment \"{}\" read back as \"{}\"",
        a.header_comment, b.header_comment);
  check(a.keys.size() == b.keys.size(), "{} keys read back as {}", a.keys.size(), b.keys.size());
  for (size_t k = 0; k < a.keys.size(); ++k) {
    check(a.keys.name(KeyId(k)) == b.keys.name(KeyId(k)), "key {} read back differently", k);
  }
  check(a.events.size() == b.events.size(), "{} records read back as {}", a.events.size(),
        b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) {
    const Event &x = a.events[i], &y = b.events[i];
    check(x.event_time == y.event_time && x.send_time == y.send_time &&
              x.receive_time == y.receive_time && x.true_time == y.true_time &&
              std::bit_cast<uint64_t>(x.value) == std::bit_cast<uint64_t>(y.value) &&
              x.key == y.key && x.partition == y.partition && x.kind == y.kind,
          "record {} (row {}) read back differently", i + 1, x.row);
  }
}

CsvTimeFormat iso_at(int64_t offset_seconds) {
  CsvTimeFormat f;
  f.kind = CsvTimeFormat::Kind::kIso;
  if (offset_seconds != 0)
    f.offset_seconds = [offset_seconds](Timestamp) { return offset_seconds; };
  return f;
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Trace trace;
  try {
    trace = parse_csv_trace({reinterpret_cast<const char*>(data), size}, "fuzz.csv");
  } catch (const InputError&) {
    return 0;
  }
  check_fields(trace);
  for (const CsvTimeFormat& format :
       {CsvTimeFormat{}, iso_at(0), iso_at(9 * 3600), iso_at(-12600)}) {
    std::ostringstream out;
    try {
      write_csv_trace(out, trace, format);
    } catch (const ConfigError&) {
      // The writer refuses a key or comment that CSV cannot carry: one with a line break.
      bool line_break = has_line_break(trace.header_comment);
      for (size_t k = 0; k < trace.keys.size(); ++k) {
        line_break = line_break || has_line_break(trace.keys.name(KeyId(k)));
      }
      check(line_break, "write_csv_trace refused a trace without line breaks");
      return 0;
    }
    try {
      check_same(trace, parse_csv_trace(out.str(), "written.csv"));
    } catch (const InputError& e) {
      check(false, "the written trace does not read back: {}", e.what());
    }
  }
  return 0;
}
