#include "output.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "tidemark/core/error.hpp"

namespace tidemark::cli {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void write_failed(const std::string& name, int error) {
  if (error == EPIPE) throw BrokenPipe();
  throw ConfigError(error == 0 ? fmt::format("{}: write failed", name)
                               : fmt::format("{}: write failed: {}", name, std::strerror(error)));
}

[[noreturn]] void cannot_write(const std::string& path, int error) {
  throw ConfigError(fmt::format("cannot write {}: {}", path, std::strerror(error)));
}

}  // namespace

Output::Output(const std::string& path, std::ostream& fallback) : path_(path), fallback_(fallback) {
  if (path.empty() || path == "-") return;
  // Through links and relative parts to the file that will be replaced, so that the temporary
  // file lies in the same filesystem and the link keeps pointing at the result.
  std::error_code ec;
  const fs::path target = fs::weakly_canonical(fs::absolute(path), ec);
  if (ec) cannot_write(path, ec.value());
  struct stat st;
  int fd = -1;
  if (::stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) cannot_write(path, EISDIR);
  // /dev/stdout and its kin name a descriptor, whatever it leads to: written directly.
  const bool descriptor = path == "/dev/stdout" || path == "/dev/stderr" ||
                          path.starts_with("/dev/fd/") || path.starts_with("/proc/self/fd/");
  if (descriptor || (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode))) {
    fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);  // a device or a pipe
    if (fd < 0) cannot_write(path, errno);
  } else {
    if (::access(target.c_str(), F_OK) == 0 && ::access(target.c_str(), W_OK) != 0) {
      cannot_write(path, errno);  // a file the user cannot write is not replaced either
    }
    temporary_.emplace(target);
    fd = temporary_->take_fd();
  }
  buffer_ = std::make_unique<FdStreamBuf>(fd, true);
  file_ = std::make_unique<std::ostream>(buffer_.get());
}

void Output::close() {
  if (!file_) return check_written(fallback_);
  file_->flush();
  if (!buffer_->close() || !*file_) write_failed(path_, buffer_->error());
}

void Output::write(const std::function<void(std::ostream&)>& body) {
  try {
    body(stream());
  } catch (const WriteError&) {
    close();
    throw;  // a writer that failed on a stream that did not (an invariant): as it was
  }
  close();
}

void Output::commit() {
  close();
  if (temporary_) temporary_->move_into_place();
}

void check_written(std::ostream& out, const std::string& name) {
  out.flush();
  if (!out) write_failed(name, stream_error(out));
}

std::ostream& table_stream(std::ostream& out, std::ostream& err,
                           std::initializer_list<const Output*> outputs) {
  for (const Output* o : outputs) {
    if (o && o->is_fallback()) return err;
  }
  return out;
}

void commit_outputs(std::ostream& out, std::initializer_list<Output*> outputs) {
  check_written(out);
  for (Output* o : outputs) {
    if (o) o->commit();
  }
}

}  // namespace tidemark::cli
