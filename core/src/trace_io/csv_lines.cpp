#include "tidemark/core/trace_io/csv_lines.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>

#include "tidemark/core/error.hpp"

namespace tidemark::csv {

[[noreturn]] void line_too_long(const std::string& source, uint64_t line_no) {
  throw InputError(fmt::format("{}:{}: line longer than 1 MiB ({} bytes), the limit of a CSV line",
                               source, line_no, kMaxCsvLineBytes));
}

void FileLines::fill() {
  if (pos_ > 0) {
    std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  const size_t want = std::min(kReadBytes, kCapacity - end_);
  ssize_t got;
  do {
    got = positional_ ? ::pread(fd_, buf_.get() + end_, want, off_t(offset_))
                      : ::read(fd_, buf_.get() + end_, want);
  } while (got < 0 && errno == EINTR);
  if (got < 0) throw InputError(fmt::format("{}: read error: {}", source_, std::strerror(errno)));
  end_of_file_ = got == 0;
  end_ += size_t(got);
  offset_ += uint64_t(got);
}

}  // namespace tidemark::csv
