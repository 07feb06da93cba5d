#include "tidemark/core/trace_io/csv_trace.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/time/iso_time.hpp"
#include "tidemark/core/trace_io/csv_fields.hpp"
#include "tidemark/core/trace_io/csv_lines.hpp"

namespace tidemark {

using namespace csv;

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// The header and records of a CSV trace, from its lines (MemoryLines or FileLines): the one parser
// behind parse_csv_trace and CsvTraceReader.
template <class Lines>
class Parser {
 public:
  // `trace` receives the columns, the header comment and the keys.
  Parser(Lines& lines, Trace& trace) : lines_(lines), trace_(trace) {}

  // Reads up to the header line, comment lines and a byte order mark included.
  void read_header() {
    if (lines_.peek(kByteOrderMark.size()) == kByteOrderMark) lines_.skip(kByteOrderMark.size());
    while (true) {
      if (!lines_.next(line_)) {
        // Not at a line: the file has none, or none but comments and blank lines.
        throw InputError(fmt::format("{}: {}", trace_.source,
                                     lines_.line_no() == 0
                                         ? "empty file: expected a header line such as "
                                           "\"partition,key,event_time,value\""
                                         : "no header line, only comments or blank lines"));
      }
      if (line_.starts_with("#")) {
        if (trace_.header_comment.empty())
          trace_.header_comment = std::string(trim(line_.substr(1)));
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
        fail(i + 1, fmt::format("header: unknown column {} (known: partition, key, "
                                "event_time, value, send_time, receive_time, true_time, kind)",
                                quoted_field(names[i])));
      }
      const Field f = Field(it - kFieldNames.begin());
      if (std::find(columns_.begin(), columns_.end(), f) != columns_.end()) {
        fail(i + 1, fmt::format("header: column {} appears twice", quoted_field(names[i])));
      }
      columns_.push_back(f);
      trace_.columns |= kFieldColumn[size_t(f)];
    }
    if (std::find(columns_.begin(), columns_.end(), Field::kEventTime) == columns_.end()) {
      fail(0, "header: required column \"event_time\" is missing");
    }
    if (!(trace_.columns & kColKey)) trace_.keys.intern("");  // every event has key 0, ""
  }

  // Appends the records of the next lines to `out` until it holds `limit` records or the lines
  // end; false when they ended. Throws InputError at the first malformed line.
  bool read_rows(std::vector<Event>& out, size_t limit) {
    while (out.size() < limit) {
      if (!lines_.next(line_)) return false;
      if (trim(line_).empty()) continue;
      if (!split_line(line_, fields_, scratch_)) fail(0, "unbalanced double quotes");
      if (fields_.size() != columns_.size()) {
        fail(0, fmt::format("expected {} fields as in the header, got {}", columns_.size(),
                            fields_.size()));
      }
      out.push_back(parse_row(fields_));
    }
    return true;
  }

  // The index of the partition column, if there is one.
  std::optional<size_t> partition_column() const {
    const auto it = std::find(columns_.begin(), columns_.end(), Field::kPartition);
    if (it == columns_.end()) return std::nullopt;
    return size_t(it - columns_.begin());
  }
  // From now on a partition id of `n` or more is an error: a first pass found fewer.
  void limit_partitions(PartitionId n) { partition_limit_ = n; }

 private:
  // The message quotes the offending text, made one line.
  [[noreturn]] void fail(size_t column, std::string_view what) const {
    const std::string text = one_line(what);
    const uint64_t line = lines_.line_no();
    if (column == 0) throw InputError(fmt::format("{}:{}: {}", trace_.source, line, text));
    throw InputError(fmt::format("{}:{}:{}: {}", trace_.source, line, column, text));
  }

  Timestamp time(std::string_view s, size_t column, Field f) const {
    if (auto t = parse_time_field(s)) return *t;
    if (s.empty()) fail(column, fmt::format("{}: empty", kFieldNames[size_t(f)]));
    fail(column, fmt::format("{}: {} is not a time (epoch milliseconds or ISO-8601 such as "
                             "2026-11-21T10:00:00.250+09:00, between years 0000 and 9999)",
                             kFieldNames[size_t(f)], quoted_field(s)));
  }

  Event parse_row(const std::vector<std::string_view>& fields) {
    Event e;
    e.row = lines_.line_no();
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string_view s = fields[i];
      const size_t column = i + 1;
      switch (const Field f = columns_[i]) {
        case Field::kPartition: {
          const std::optional<PartitionId> p = partition_of(s);
          if (!p) fail(column, partition_error(s));
          if (*p >= partition_limit_) {
            fail(column, fmt::format("partition: {} is beyond the {} partitions a first pass "
                                     "over the file found: the file changed while it was read",
                                     *p, partition_limit_));
          }
          e.partition = *p;
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
          if (s == "W") {
            e.kind = RecordKind::kWatermark;
          } else if (s == "I") {
            e.kind = RecordKind::kIdle;
          } else if (!s.empty() && s != "E") {
            fail(column, fmt::format("kind: {} is not E, W or I", quoted_field(s)));
          }
          break;
        case Field::kEventTime:
          e.event_time = time(s, column, f);
          break;
        case Field::kSendTime:
          e.send_time = time(s, column, f);
          break;
        case Field::kReceiveTime:
          e.receive_time = time(s, column, f);
          break;
        case Field::kTrueTime:
          e.true_time = time(s, column, f);
          break;
      }
    }
    return e;
  }

  Lines& lines_;
  Trace& trace_;
  std::string_view line_;
  std::vector<Field> columns_;
  std::vector<std::string_view> fields_;
  std::vector<std::string> scratch_;
  PartitionId partition_limit_ = kMaxPartitions;
};

// 1 + the largest partition id on the lines of `fd` from `offset` on (0 for none), in column
// `column`, read with its own buffer (pread: the file's position stays). It stops at the first
// line whose partition it cannot read, since the row parser stops there too (or before) and says
// why; it is not the one to tell.
PartitionId scan_partitions(int fd, uint64_t offset, size_t column, const std::string& source) {
  FileLines lines(fd, source, offset);
  std::vector<std::string_view> fields;
  std::vector<std::string> scratch;
  PartitionId n = 0;
  try {
    std::string_view line;
    while (lines.next(line)) {
      if (trim(line).empty()) continue;
      const std::optional<std::string_view> field = field_at(line, column, fields, scratch);
      if (!field) break;
      const std::optional<PartitionId> p = partition_of(*field);
      if (!p) break;
      n = std::max(n, *p + 1);
    }
  } catch (const InputError&) {  // a line too long, a read error: the row parser meets it too
  }
  return n;
}

[[noreturn]] void cannot_open(const std::filesystem::path& path, int error) {
  throw InputError(fmt::format("{}: cannot open: {}", path.string(), std::strerror(error)));
}

// An open file, closed at the end of its scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(const std::filesystem::path& path) {
    if (path == kStdinPath) {  // a descriptor of its own, which closing leaves stdin open
      fd_ = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
      if (fd_ < 0) cannot_open("stdin", errno);
      return;
    }
    std::error_code ec;
    // open() takes a directory; reading it fails, less clearly.
    if (std::filesystem::is_directory(path, ec)) cannot_open(path, EISDIR);
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) cannot_open(path, errno);
  }
  ~FileDescriptor() { ::close(fd_); }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

constexpr size_t kChunkRecords = 4096;

// A CSV file read a chunk of records at a time (CsvTraceReader, read_csv_trace).
class CsvFile {
 public:
  explicit CsvFile(const std::filesystem::path& path)
      : fd_(path), lines_(fd_.get(), trace_.source), parser_(lines_, trace_) {
    const bool from_stdin = path == kStdinPath;
    trace_.source = from_stdin ? "stdin" : path.string();
    struct stat st {};
    regular_ = ::fstat(fd_.get(), &st) == 0 && S_ISREG(st.st_mode);
    size_ = regular_ ? uint64_t(st.st_size) : 0;
    if (lines_.peek(8) == "TIDEMARK") {  // the binary format's magic: read as CSV it is garbage
      if (from_stdin) {
        // A .tmt is read mapped, or at least from a file it can seek in.
        throw InputError(
            "stdin: a binary trace (it starts with TIDEMARK): a .tmt is read from a file, not "
            "from stdin; write it to a file, or pipe CSV");
      }
      throw InputError(fmt::format(
          "{}: a binary trace (it starts with TIDEMARK), read as CSV: binary traces are "
          "recognised by the extension .tmt",
          trace_.source));
    }
    parser_.read_header();
    chunk_.reserve(kChunkRecords);
  }

  Trace& trace() { return trace_; }
  const Trace& trace() const { return trace_; }
  // The file's size, when it is a regular file (0 otherwise).
  uint64_t size() const { return size_; }

  std::span<const Event> next() {
    started_ = true;
    if (ahead_at_ < ahead_.size()) {
      const size_t n = std::min(kChunkRecords, ahead_.size() - ahead_at_);
      ahead_at_ += n;
      return std::span<const Event>(ahead_).subspan(ahead_at_ - n, n);
    }
    if (!ahead_.empty()) {  // all handed out, the last of them before this call
      ahead_ = {};
      ahead_at_ = 0;
    }
    chunk_.clear();
    parser_.read_rows(chunk_, kChunkRecords);
    return chunk_;
  }

  // All the remaining records, appended to `out`.
  void read_all(std::vector<Event>& out) {
    started_ = true;
    parser_.read_rows(out, SIZE_MAX);
  }

  std::optional<PartitionId> partitions() {
    TIDEMARK_ASSERT(!started_);
    const std::optional<size_t> column = parser_.partition_column();
    if (!column) return PartitionId(1);
    if (regular_) {
      if (!scanned_) {
        scanned_ = scan_partitions(fd_.get(), lines_.offset(), *column, trace_.source);
        parser_.limit_partitions(*scanned_);
      }
      return scanned_;
    }
    // A pipe or a device: its records are parsed and held, as many as allowed, then one more
    // is asked for.
    if (ahead_.empty() && parser_.read_rows(ahead_, kCsvReadAheadRecords)) {
      chunk_.clear();
      if (parser_.read_rows(chunk_, 1)) return std::nullopt;
    }
    PartitionId n = 0;
    for (const Event& e : ahead_) n = std::max(n, e.partition + 1);
    return n;
  }

  size_t memory_bytes() const {
    return FileLines::kCapacity + (chunk_.capacity() + ahead_.capacity()) * sizeof(Event);
  }

 private:
  Trace trace_;  // first: the members below refer to it
  FileDescriptor fd_;
  FileLines lines_;
  Parser<FileLines> parser_;
  bool regular_ = false;
  uint64_t size_ = 0;
  bool started_ = false;
  std::optional<PartitionId> scanned_;
  std::vector<Event> chunk_;
  std::vector<Event> ahead_;  // records of a pipe or device read ahead by partitions()
  size_t ahead_at_ = 0;       // how many of them next() handed out
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
  Trace trace;
  trace.source = std::move(source);
  MemoryLines lines(text, trace.source);
  Parser<MemoryLines> parser(lines, trace);
  parser.read_header();
  trace.events.reserve(text.size() / 32);
  parser.read_rows(trace.events, SIZE_MAX);
  return trace;
}

Trace read_csv_trace(const std::filesystem::path& path) {
  CsvFile file(path);
  Trace& trace = file.trace();
  trace.events.reserve(file.size() / 32);
  file.read_all(trace.events);
  return std::move(trace);
}

class CsvTraceReader::Impl : public CsvFile {
 public:
  using CsvFile::CsvFile;
};

CsvTraceReader::CsvTraceReader(const std::filesystem::path& path)
    : impl_(std::make_unique<Impl>(path)) {}
CsvTraceReader::~CsvTraceReader() = default;
const Trace& CsvTraceReader::header() const {
  return impl_->trace();
}
std::span<const Event> CsvTraceReader::next() {
  return impl_->next();
}
std::optional<PartitionId> CsvTraceReader::partitions() {
  return impl_->partitions();
}
size_t CsvTraceReader::memory_bytes() const {
  return impl_->memory_bytes();
}

}  // namespace tidemark
