#include "tidemark/core/csv_trace.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "tidemark/core/error.hpp"
#include "tidemark/core/iso_time.hpp"

namespace tidemark {

namespace {

enum class Field : uint8_t {
  kPartition, kKey, kEventTime, kValue, kSendTime, kReceiveTime, kTrueTime, kKind
};
constexpr std::array<std::string_view, 8> kFieldNames = {
    "partition", "key", "event_time", "value", "send_time", "receive_time", "true_time", "kind"};
constexpr std::array<uint32_t, 8> kFieldColumn = {
    kColPartition, kColKey, 0, kColValue, kColSendTime, kColReceiveTime, kColTrueTime, kColKind};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Splits one CSV line into fields; double-quoted fields may hold commas and "" escapes. Unquoted
// lines (the common case) are split in place; quoted ones are copied into `scratch`.
bool split_line(std::string_view line, std::vector<std::string_view>& out,
                std::vector<std::string>& scratch) {
  out.clear();
  if (line.find('"') == std::string_view::npos) {
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      out.push_back(trim(line.substr(start, comma - start)));
      if (comma == std::string_view::npos) return true;
      start = comma + 1;
    }
  }
  scratch.clear();
  scratch.reserve(line.size());  // stable addresses for the views below
  size_t i = 0;
  while (true) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i < line.size() && line[i] == '"') {
      std::string& field = scratch.emplace_back();
      ++i;
      while (true) {
        if (i >= line.size()) return false;  // unterminated quote
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      while (i < line.size() && (line[i] == ' ' || line[i] == '\r')) ++i;
      out.emplace_back(field);
      if (i >= line.size()) return true;
      if (line[i] != ',') return false;
      ++i;
    } else {
      const size_t comma = line.find(',', i);
      const std::string_view f = line.substr(i, comma - i);
      if (f.find('"') != std::string_view::npos) return false;
      out.push_back(trim(f));
      if (comma == std::string_view::npos) return true;
      i = comma + 1;
    }
  }
}

// from_chars takes a '-' but not a '+': a leading '+' is dropped, unless a '-' follows it, so
// that "+-5" stays an error (as "++5" does: from_chars rejects the '+' left).
std::string_view without_plus(std::string_view s) {
  if (s.starts_with('+') && !s.substr(1).starts_with('-')) s.remove_prefix(1);
  return s;
}

template <class T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  s = without_plus(s);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Why `s` is not a value: a number whose magnitude a double cannot hold is told apart from text
// that is not a finite number.
std::string value_error(std::string_view s) {
  double v;
  const std::string_view number = without_plus(s);
  const auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (ec == std::errc::result_out_of_range && p == number.data() + number.size()) {
    return fmt::format(
        "value: \"{}\" is beyond the range of a double (magnitudes 4.9e-324 to 1.8e308, or 0)", s);
  }
  return fmt::format("value: \"{}\" is not a finite number", s);
}

class Parser {
 public:
  Parser(std::string_view text, std::string source) : text_(text) {
    trace_.source = std::move(source);
  }

  Trace run() {
    read_header();
    std::vector<std::string_view> fields;
    std::vector<std::string> scratch;
    trace_.events.reserve(text_.size() / 32);
    while (next_line()) {
      if (trim(line_).empty()) continue;
      if (!split_line(line_, fields, scratch)) fail(0, "unbalanced double quotes");
      if (fields.size() != columns_.size()) {
        fail(0, fmt::format("expected {} fields as in the header, got {}", columns_.size(),
                            fields.size()));
      }
      trace_.events.push_back(parse_row(fields));
    }
    return std::move(trace_);
  }

 private:
  bool next_line() {
    if (pos_ >= text_.size()) return false;
    const char* begin = text_.data() + pos_;
    const void* nl = std::memchr(begin, '\n', text_.size() - pos_);
    const size_t len = nl ? size_t(static_cast<const char*>(nl) - begin) : text_.size() - pos_;
    line_ = std::string_view(begin, len);
    if (!line_.empty() && line_.back() == '\r') line_.remove_suffix(1);
    pos_ += len + 1;
    ++line_no_;
    return true;
  }

  // The message quotes the offending text, made one line.
  [[noreturn]] void fail(size_t column, std::string_view what) const {
    const std::string text = one_line(what);
    if (column == 0) throw InputError(fmt::format("{}:{}: {}", trace_.source, line_no_, text));
    throw InputError(fmt::format("{}:{}:{}: {}", trace_.source, line_no_, column, text));
  }

  void read_header() {
    if (text_.size() >= 3 && std::memcmp(text_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    while (true) {
      if (!next_line()) {
        // Not at a line: the file has none, or none but comments and blank lines.
        throw InputError(fmt::format("{}: {}", trace_.source,
                                     line_no_ == 0
                                         ? "empty file: expected a header line such as "
                                           "\"partition,key,event_time,value\""
                                         : "no header line, only comments or blank lines"));
      }
      if (line_.starts_with("#")) {
        if (trace_.header_comment.empty()) trace_.header_comment = std::string(trim(line_.substr(1)));
        continue;
      }
      if (!trim(line_).empty()) break;
    }
    std::vector<std::string_view> names;
    std::vector<std::string> scratch;
    if (!split_line(line_, names, scratch)) fail(0, "header: unbalanced double quotes");
    for (size_t i = 0; i < names.size(); ++i) {
      const auto it = std::find(kFieldNames.begin(), kFieldNames.end(), names[i]);
      if (it == kFieldNames.end()) {
        fail(i + 1, fmt::format("header: unknown column \"{}\" (known: partition, key, "
                                "event_time, value, send_time, receive_time, true_time, kind)",
                                names[i]));
      }
      const Field f = Field(it - kFieldNames.begin());
      if (std::find(columns_.begin(), columns_.end(), f) != columns_.end()) {
        fail(i + 1, fmt::format("header: column \"{}\" appears twice", names[i]));
      }
      columns_.push_back(f);
      trace_.columns |= kFieldColumn[size_t(f)];
    }
    if (std::find(columns_.begin(), columns_.end(), Field::kEventTime) == columns_.end()) {
      fail(0, "header: required column \"event_time\" is missing");
    }
    if (!(trace_.columns & kColKey)) trace_.keys.intern("");  // every event has key 0, ""
  }

  Timestamp time(std::string_view s, size_t column, Field f) const {
    if (auto t = parse_time_field(s)) return *t;
    if (s.empty()) fail(column, fmt::format("{}: empty", kFieldNames[size_t(f)]));
    fail(column, fmt::format("{}: \"{}\" is not a time (epoch milliseconds or ISO-8601 such as "
                             "2026-11-21T10:00:00.250+09:00, between years 0000 and 9999)",
                             kFieldNames[size_t(f)], s));
  }

  Event parse_row(const std::vector<std::string_view>& fields) {
    Event e;
    e.row = line_no_;
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string_view s = fields[i];
      const size_t column = i + 1;
      switch (const Field f = columns_[i]) {
        case Field::kPartition: {
          if (s.empty()) break;
          const auto p = parse_number<uint64_t>(s);
          if (!p) fail(column, fmt::format("partition: \"{}\" is not a non-negative integer", s));
          if (*p >= kMaxPartitions) {
            fail(column, fmt::format("partition: {} is too large (at most {})", s,
                                     kMaxPartitions - 1));
          }
          e.partition = PartitionId(*p);
          break;
        }
        case Field::kKey:
          try {
            e.key = trace_.keys.intern(s);
          } catch (const InvalidKey& bad) {
            fail(column, bad.what());
          }
          break;
        case Field::kValue: {
          if (s.empty()) break;
          const auto v = parse_number<double>(s);
          if (!v || !std::isfinite(*v)) fail(column, value_error(s));
          e.value = *v;
          break;
        }
        case Field::kKind:
          if (s == "W") e.kind = RecordKind::kWatermark;
          else if (!s.empty() && s != "E") fail(column, fmt::format("kind: \"{}\" is not E or W", s));
          break;
        case Field::kEventTime: e.event_time = time(s, column, f); break;
        case Field::kSendTime: e.send_time = time(s, column, f); break;
        case Field::kReceiveTime: e.receive_time = time(s, column, f); break;
        case Field::kTrueTime: e.true_time = time(s, column, f); break;
      }
    }
    return e;
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_no_ = 0;
  std::string_view line_;
  std::vector<Field> columns_;
  Trace trace_;
};

}  // namespace

std::optional<Timestamp> parse_time_field(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.size() >= 11 && s[4] == '-') return parse_iso8601(s);
  const auto v = parse_number<int64_t>(s);
  if (!v || Timestamp{*v} < kEarliestTime || Timestamp{*v} > kLatestTime) return std::nullopt;
  return Timestamp{*v};
}

Trace parse_csv_trace(std::string_view text, std::string source) {
  return Parser(text, std::move(source)).run();
}

Trace read_csv_trace(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(fmt::format("{}: cannot open: {}", path.string(), std::strerror(EISDIR)));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  std::string text;
  try {
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure&) {  // libstdc++'s filebuf throws on a read error
    throw InputError(fmt::format("{}: read error: {}", path.string(), std::strerror(errno)));
  }
  if (in.bad()) throw InputError(fmt::format("{}: read error", path.string()));
  if (text.starts_with("TIDEMARK")) {  // the binary format's magic: read as CSV it is garbage
    throw InputError(fmt::format(
        "{}: a binary trace (it starts with TIDEMARK), read as CSV: binary traces are recognised "
        "by the extension .tmt",
        path.string()));
  }
  return parse_csv_trace(text, path.string());
}

}  // namespace tidemark
