#include "tidemark/core/trace_io/csv_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/time/iso_time.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"

namespace tidemark {

namespace {

// A key as a CSV field: quoted when the reader would otherwise split, unquote or trim it.
std::string csv_field(std::string_view key) {
  if (key.find_first_of("\r\n") != std::string_view::npos) {
    throw ConfigError(
        fmt::format("key \"{}\" holds a line break, which CSV cannot carry; keep "
                    "the binary format",
                    one_line(key)));
  }
  const bool quote = key.find_first_of(",\"") != std::string_view::npos ||
                     (!key.empty() && (key.front() == ' ' || key.front() == '\t' ||
                                       key.back() == ' ' || key.back() == '\t'));
  if (!quote) return std::string(key);
  std::string out = "\"";
  for (char c : key) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

class TimeWriter {
 public:
  explicit TimeWriter(const CsvTimeFormat& f) : f_(f) {}
  void operator()(fmt::memory_buffer& out, Timestamp t) const {
    if (f_.kind == CsvTimeFormat::Kind::kEpoch) {
      fmt::format_to(std::back_inserter(out), "{}", t.ms);
      return;
    }
    int64_t offset = f_.offset_seconds ? f_.offset_seconds(t) : 0;
    // In UTC instead: an offset of seconds cannot be written, and a local time outside the
    // years 0000..9999 (the first and last hours of that range) could not be read back.
    const Timestamp local = t + Duration{offset * 1000};
    if (offset % 60 != 0 || local < kEarliestTime || local > kLatestTime) offset = 0;
    const std::string s = format_iso8601(t, int(offset / 60));
    out.append(s.data(), s.data() + s.size());
  }

 private:
  const CsvTimeFormat& f_;
};

}  // namespace

CsvTraceWriter::CsvTraceWriter(std::ostream& out, const Trace& header, CsvTimeFormat format)
    : out_(out),
      format_(std::move(format)),
      has_partition_(header.has(kColPartition)),
      has_key_(header.has(kColKey)),
      has_value_(header.has(kColValue)),
      has_send_(header.has(kColSendTime)),
      has_receive_(header.has(kColReceiveTime)),
      has_true_(header.has(kColTrueTime)),
      has_kind_(header.has(kColKind)) {
  const std::string_view comment = single_line_header_comment(header);
  if (!comment.empty() && comment.size() + 2 > kMaxCsvLineBytes) {  // "# " before it
    throw ConfigError(fmt::format(
        "header comment is {} bytes; a CSV line holds at most {} bytes (1 MiB), \"# \" included",
        comment.size(), kMaxCsvLineBytes));
  }

  auto it = std::back_inserter(buf_);
  if (!comment.empty()) fmt::format_to(it, "# {}\n", comment);
  std::string line;
  auto col = [&](bool present, std::string_view name) {
    if (!present) return;
    if (!line.empty()) line += ',';
    line += name;
  };
  col(has_partition_, "partition");
  col(has_key_, "key");
  col(true, "event_time");
  col(has_value_, "value");
  col(has_send_, "send_time");
  col(has_receive_, "receive_time");
  col(has_true_, "true_time");
  col(has_kind_, "kind");
  fmt::format_to(it, "{}\n", line);

  // Quoted spellings are made once per key, not once per row.
  if (has_key_) {
    keys_.reserve(header.keys.size());
    for (size_t k = 0; k < header.keys.size(); ++k) {
      keys_.push_back(csv_field(header.keys.name(KeyId(k))));
    }
  }
}

void CsvTraceWriter::write(std::span<const Event> records) {
  const TimeWriter time(format_);
  fmt::memory_buffer& buf = buf_;
  auto it = std::back_inserter(buf);
  for (const Event& e : records) {
    const size_t line_start = buf.size();
    bool first = true;
    auto sep = [&] {
      if (!first) buf.push_back(',');
      first = false;
    };
    if (has_partition_) {
      sep();
      fmt::format_to(it, "{}", e.partition);
    }
    if (has_key_) {
      sep();
      const std::string& k = keys_[e.key];
      buf.append(k.data(), k.data() + k.size());
    }
    sep();
    time(buf, e.event_time);
    if (has_value_) {
      buf.push_back(',');
      fmt::format_to(it, "{}", e.value);  // shortest spelling that reads back to the same double
    }
    if (has_send_) {
      buf.push_back(',');
      time(buf, e.send_time);
    }
    if (has_receive_) {
      buf.push_back(',');
      time(buf, e.receive_time);
    }
    if (has_true_) {
      buf.push_back(',');
      time(buf, e.true_time);
    }
    if (has_kind_) {
      buf.push_back(',');
      buf.push_back(e.kind == RecordKind::kWatermark ? 'W'
                    : e.kind == RecordKind::kIdle    ? 'I'
                                                     : 'E');
    }
    if (buf.size() - line_start > kMaxCsvLineBytes) {  // one the reader would refuse
      throw ConfigError(fmt::format(
          "row {} would make a CSV line of {} bytes, beyond the limit of a CSV line, 1 MiB ({} "
          "bytes); keep the binary format",
          e.row, buf.size() - line_start, kMaxCsvLineBytes));
    }
    buf.push_back('\n');
    if (buf.size() > (1u << 20)) {
      out_.write(buf.data(), std::streamsize(buf.size()));
      buf.clear();
      // Stop at the first failed write: a generator would otherwise run on to its end.
      if (!out_) throw WriteError("writing the CSV trace failed");
    }
  }
}

void CsvTraceWriter::finish() {
  out_.write(buf_.data(), std::streamsize(buf_.size()));
  buf_.clear();
  if (!out_) throw WriteError("writing the CSV trace failed");
}

void write_csv_trace(std::ostream& out, const Trace& trace, const CsvTimeFormat& format) {
  CsvTraceWriter writer(out, trace, format);
  writer.write(trace.records());
  writer.finish();
}

}  // namespace tidemark
