#include "fd_stream.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>

namespace tidemark::cli {

FdStreamBuf::FdStreamBuf(int fd, bool owned)
    : fd_(fd), owned_(owned), buffer_(std::make_unique<char[]>(kBufferBytes)) {
  setp(buffer_.get(), buffer_.get() + kBufferBytes);
}

FdStreamBuf::~FdStreamBuf() {
  close();
}

bool FdStreamBuf::close() {
  const bool drained = drain();
  if (owned_ && fd_ >= 0) {
    if (::close(fd_) != 0 && error_ == 0) error_ = errno;
    fd_ = -1;
  }
  return drained && error_ == 0;
}

bool FdStreamBuf::write_all(const char* p, size_t n) {
  if (error_ != 0 || fd_ < 0) {
    if (error_ == 0) error_ = EBADF;
    return false;
  }
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      error_ = errno;
      return false;
    }
    p += w;
    n -= size_t(w);
  }
  return true;
}

bool FdStreamBuf::drain() {
  const size_t n = size_t(pptr() - pbase());
  setp(buffer_.get(), buffer_.get() + kBufferBytes);
  return n == 0 ? error_ == 0 : write_all(buffer_.get(), n);
}

FdStreamBuf::int_type FdStreamBuf::overflow(int_type ch) {
  if (!drain()) return traits_type::eof();
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  *pptr() = traits_type::to_char_type(ch);
  pbump(1);
  return ch;
}

std::streamsize FdStreamBuf::xsputn(const char* s, std::streamsize n) {
  const size_t count = size_t(n);
  if (count <= size_t(epptr() - pptr())) {
    std::memcpy(pptr(), s, count);
    pbump(int(count));
    return n;
  }
  // Larger than the room left: what is buffered goes first, then a large block directly.
  if (!drain()) return 0;
  if (count >= kBufferBytes) return write_all(s, count) ? n : 0;
  std::memcpy(pptr(), s, count);
  pbump(int(count));
  return n;
}

int FdStreamBuf::sync() {
  return drain() ? 0 : -1;
}

int stream_error(const std::ostream& stream) {
  const auto* buf = dynamic_cast<const FdStreamBuf*>(stream.rdbuf());
  return buf ? buf->error() : 0;
}

}  // namespace tidemark::cli
