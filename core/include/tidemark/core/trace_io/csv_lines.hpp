#pragma once
// The lines of a CSV trace, from a text in memory or from a file read through a buffer of fixed
// size; a line longer than kMaxCsvLineBytes is an error, so what is held never grows with the
// input.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tidemark/core/trace_io/csv_trace.hpp"

namespace tidemark::csv {

inline std::string_view without_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Throws InputError: line `line_no` of `source` is longer than kMaxCsvLineBytes.
[[noreturn]] void line_too_long(const std::string& source, uint64_t line_no);

// The lines of a text in memory (parse_csv_trace).
class MemoryLines {
 public:
  MemoryLines(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  // The next line, without its line break and a '\r' before it; false after the last. Throws
  // InputError for a line longer than kMaxCsvLineBytes.
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const char* begin = text_.data() + pos_;
    const void* nl = std::memchr(begin, '\n', text_.size() - pos_);
    const size_t len = nl ? size_t(static_cast<const char*>(nl) - begin) : text_.size() - pos_;
    ++line_no_;
    line = without_cr({begin, len});
    if (line.size() > kMaxCsvLineBytes) line_too_long(source_, line_no_);
    pos_ += len + 1;
    return true;
  }
  // The next `n` bytes, or fewer at the end; skip() passes over them.
  std::string_view peek(size_t n) const { return text_.substr(std::min(pos_, text_.size()), n); }
  void skip(size_t n) { pos_ += n; }
  // The number of the line next() returned last (1-based).
  uint64_t line_no() const { return line_no_; }

 private:
  std::string_view text_;
  const std::string& source_;
  size_t pos_ = 0;
  uint64_t line_no_ = 0;
};

// The lines of a file, read through a buffer of fixed size that holds the longest line allowed
// plus one read: what is read never grows with the input, whatever it holds.
class FileLines {
 public:
  // Bytes asked for per read: small enough that the text is still in the cache when parsed.
  static constexpr size_t kReadBytes = size_t(256) << 10;
  static constexpr size_t kCapacity = kMaxCsvLineBytes + kReadBytes;

  // Reads `fd` from where it is; or, given `at`, with pread from that offset (leaving the file's
  // position alone).
  FileLines(int fd, const std::string& source, std::optional<uint64_t> at = std::nullopt)
      : fd_(fd),
        source_(source),
        positional_(at.has_value()),
        offset_(at.value_or(0)),
        buf_(new char[kCapacity]) {}

  // As MemoryLines::next.
  bool next(std::string_view& line) {
    while (true) {
      const char* begin = buf_.get() + pos_;
      const size_t held = end_ - pos_;
      if (const void* nl = std::memchr(begin, '\n', held)) {
        const size_t len = size_t(static_cast<const char*>(nl) - begin);
        ++line_no_;
        line = without_cr({begin, len});
        if (line.size() > kMaxCsvLineBytes) line_too_long(source_, line_no_);
        pos_ += len + 1;
        return true;
      }
      // The longest line, its '\r' and no '\n' yet: the limit counts neither line break byte.
      if (held > kMaxCsvLineBytes + 1) line_too_long(source_, line_no_ + 1);
      if (end_of_file_) {
        if (held == 0) return false;
        ++line_no_;
        line = without_cr({begin, held});
        if (line.size() > kMaxCsvLineBytes) line_too_long(source_, line_no_);
        pos_ = end_;
        return true;
      }
      fill();
    }
  }
  std::string_view peek(size_t n) {
    while (end_ - pos_ < n && !end_of_file_) fill();
    return {buf_.get() + pos_, std::min(n, end_ - pos_)};
  }
  void skip(size_t n) { pos_ += n; }
  uint64_t line_no() const { return line_no_; }
  // The file offset of the next line.
  uint64_t offset() const { return offset_ - (end_ - pos_); }

 private:
  // Moves the bytes not yet returned to the front, then reads more after them.
  void fill();

  int fd_;
  const std::string& source_;
  bool positional_;
  uint64_t offset_;  // in the file, of the byte after the buffer's last
  std::unique_ptr<char[]> buf_;
  size_t pos_ = 0, end_ = 0;  // the bytes not yet returned
  bool end_of_file_ = false;
  uint64_t line_no_ = 0;
};

}  // namespace tidemark::csv
