#pragma once
// A stream buffer over a file descriptor that remembers why its first write failed: a
// std::ofstream or std::cout loses errno to whatever runs between the failed write and the check.

#include <memory>
#include <streambuf>

namespace tidemark::cli {

class FdStreamBuf final : public std::streambuf {
 public:
  // Writes to `fd`; `owned` closes it with close() or the destructor.
  FdStreamBuf(int fd, bool owned);
  ~FdStreamBuf() override;
  FdStreamBuf(const FdStreamBuf&) = delete;
  FdStreamBuf& operator=(const FdStreamBuf&) = delete;

  // errno of the first failed write or close, 0 while none failed. After a failure every write
  // fails, so the owning stream's state shows it.
  int error() const { return error_; }
  // Writes what is buffered and closes an owned descriptor; false when a write or the close
  // failed (error() says why).
  bool close();

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool drain();
  bool write_all(const char* p, size_t n);

  static constexpr size_t kBufferBytes = 1 << 16;
  int fd_;
  bool owned_;
  int error_ = 0;
  std::unique_ptr<char[]> buffer_;
};

// The errno of the failed write behind `stream`, where its buffer is an FdStreamBuf; 0 otherwise.
int stream_error(const std::ostream& stream);

}  // namespace tidemark::cli
