#pragma once
// What a signal must not leave behind. An output file is written under a temporary name beside
// its target and moved into place only when the command succeeds; SIGINT, SIGTERM and SIGHUP
// remove every temporary file still pending and exit 128 + the signal's number. The registry of
// pending files is process-wide because a signal handler can reach nothing else.

#include <filesystem>
#include <string>

namespace tidemark::cli {

// Installs the handlers, and ignores SIGPIPE so that a closed pipe reaches the command as a
// failed write (EPIPE), which it ends on quietly. For the `tidemark` process, not for tests.
void install_signal_handlers();

// A new, empty file in the directory of `target`, removed by the destructor or by a signal until
// it is moved into place. Throws ConfigError naming `target` when it cannot be created.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::filesystem::path& target);
  ~TemporaryFile();
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  // The open descriptor, handed over to the writer, which closes it before move_into_place().
  int take_fd() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  const std::string& path() const { return path_; }
  // Renames the file over its target (atomic within a filesystem). Throws ConfigError.
  void move_into_place();

 private:
  std::filesystem::path target_;
  std::string path_;
  int fd_ = -1;
  int slot_ = -1;
};

}  // namespace tidemark::cli
