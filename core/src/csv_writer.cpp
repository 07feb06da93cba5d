#include "tidemark/core/csv_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/iso_time.hpp"

namespace tidemark {

namespace {

// A key as a CSV field: quoted when the reader would otherwise split, unquote or trim it.
std::string csv_field(std::string_view key) {
  if (key.find_first_of("\r\n") != std::string_view::npos) {
    throw ConfigError(
        fmt::format("key \"{}\" holds a line break, which CSV cannot carry; keep "
                    "the binary format",
                    key));
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
    if (offset % 60 != 0) offset = 0;
    const std::string s = format_iso8601(t, int(offset / 60));
    out.append(s.data(), s.data() + s.size());
  }

 private:
  const CsvTimeFormat& f_;
};

}  // namespace

void write_csv_trace(std::ostream& out, const Trace& trace, const CsvTimeFormat& format) {
  std::string comment = trace.header_comment;
  if (comment.find_first_of("\r\n") != std::string::npos) {
    throw ConfigError("header comment holds a line break; it must be a single line");
  }
  // The reader trims the comment, so write it trimmed.
  while (!comment.empty() && (comment.back() == ' ' || comment.back() == '\t')) comment.pop_back();
  comment.erase(0, std::min(comment.find_first_not_of(" \t"), comment.size()));

  const bool has_partition = trace.has(kColPartition), has_key = trace.has(kColKey),
             has_value = trace.has(kColValue), has_send = trace.has(kColSendTime),
             has_receive = trace.has(kColReceiveTime), has_true = trace.has(kColTrueTime),
             has_kind = trace.has(kColKind);
  fmt::memory_buffer buf;
  auto it = std::back_inserter(buf);
  if (!comment.empty()) fmt::format_to(it, "# {}\n", comment);
  std::string header;
  auto col = [&](bool present, std::string_view name) {
    if (!present) return;
    if (!header.empty()) header += ',';
    header += name;
  };
  col(has_partition, "partition");
  col(has_key, "key");
  col(true, "event_time");
  col(has_value, "value");
  col(has_send, "send_time");
  col(has_receive, "receive_time");
  col(has_true, "true_time");
  col(has_kind, "kind");
  fmt::format_to(it, "{}\n", header);

  // Quoted spellings are made once per key, not once per row.
  std::vector<std::string> keys;
  if (has_key) {
    keys.reserve(trace.keys.size());
    for (size_t k = 0; k < trace.keys.size(); ++k)
      keys.push_back(csv_field(trace.keys.name(KeyId(k))));
  }
  const TimeWriter time(format);
  for (const Event& e : trace.records()) {
    bool first = true;
    auto sep = [&] {
      if (!first) buf.push_back(',');
      first = false;
    };
    if (has_partition) {
      sep();
      fmt::format_to(it, "{}", e.partition);
    }
    if (has_key) {
      sep();
      const std::string& k = keys[e.key];
      buf.append(k.data(), k.data() + k.size());
    }
    sep();
    time(buf, e.event_time);
    if (has_value) {
      buf.push_back(',');
      fmt::format_to(it, "{}", e.value);  // shortest spelling that reads back to the same double
    }
    if (has_send) {
      buf.push_back(',');
      time(buf, e.send_time);
    }
    if (has_receive) {
      buf.push_back(',');
      time(buf, e.receive_time);
    }
    if (has_true) {
      buf.push_back(',');
      time(buf, e.true_time);
    }
    if (has_kind) {
      buf.push_back(',');
      buf.push_back(e.kind == RecordKind::kWatermark ? 'W' : 'E');
    }
    buf.push_back('\n');
    if (buf.size() > (1u << 20)) {
      out.write(buf.data(), std::streamsize(buf.size()));
      buf.clear();
    }
  }
  out.write(buf.data(), std::streamsize(buf.size()));
  if (!out) throw ConfigError("writing the CSV trace failed");
}

}  // namespace tidemark
