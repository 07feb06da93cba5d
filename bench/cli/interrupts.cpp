#include "interrupts.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>

#include "tidemark/core/error.hpp"

namespace tidemark::cli {

namespace {

// One pending file: `armed` is set once `path` is complete, so the handler never reads a path
// that is being written.
struct Slot {
  std::atomic<bool> claimed{false};
  std::atomic<bool> armed{false};
  char path[PATH_MAX];
};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler reads the flags");

constexpr size_t kSlots = 32;  // a command has at most a few outputs open at once
std::array<Slot, kSlots> g_pending;

void write_stderr(const char* text) {
  const ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

extern "C" void remove_pending_and_exit(int signal_number) {
  for (Slot& s : g_pending) {
    if (s.armed.load(std::memory_order_acquire)) ::unlink(s.path);
  }
  const char* what = signal_number == SIGINT    ? "interrupted"
                     : signal_number == SIGTERM ? "terminated"
                                                : "hung up";
  write_stderr("tidemark: ");
  write_stderr(what);
  write_stderr("; unfinished output files removed\n");
  ::_exit(128 + signal_number);
}

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Blocks the stop signals for its lifetime, so that a file is never created or released without
// the registry knowing.
class SignalsBlocked {
 public:
  SignalsBlocked() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : kStopSignals) sigaddset(&set, s);
    pthread_sigmask(SIG_BLOCK, &set, &saved_);
  }
  ~SignalsBlocked() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }

 private:
  sigset_t saved_;
};

int claim_slot(const std::string& path) {
  for (size_t i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (g_pending[i].claimed.compare_exchange_strong(expected, true)) {
      std::memcpy(g_pending[i].path, path.c_str(), path.size() + 1);
      g_pending[i].armed.store(true, std::memory_order_release);
      return int(i);
    }
  }
  return -1;
}

void release_slot(int slot) {
  if (slot < 0) return;
  g_pending[size_t(slot)].armed.store(false, std::memory_order_release);
  g_pending[size_t(slot)].claimed.store(false, std::memory_order_release);
}

// The mode a new file gets from open(2) under the process's umask, or the mode of the file it
// replaces.
mode_t mode_for(const std::filesystem::path& target) {
  struct stat st;
  if (::stat(target.c_str(), &st) == 0) return st.st_mode & 07777;
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = remove_pending_and_exit;
  sigemptyset(&action.sa_mask);
  for (int s : kStopSignals) sigaddset(&action.sa_mask, s);
  for (int s : kStopSignals) sigaction(s, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

TemporaryFile::TemporaryFile(const std::filesystem::path& target) : target_(target) {
  // Hidden, named after its target (cut so that the name stays within NAME_MAX).
  std::string name = ".";
  name.append(target.filename().string(), 0, 200);
  name += ".tidemark-XXXXXX";
  path_ = (target.parent_path() / name).string();
  if (path_.size() >= PATH_MAX) {
    throw ConfigError(
        fmt::format("cannot write {}: {}", target.string(), std::strerror(ENAMETOOLONG)));
  }
  SignalsBlocked blocked;
  fd_ = ::mkostemp(path_.data(), O_CLOEXEC);
  if (fd_ < 0) {
    throw ConfigError(fmt::format("cannot write {}: {}", target.string(), std::strerror(errno)));
  }
  slot_ = claim_slot(path_);
  ::fchmod(fd_, mode_for(target));
  if (slot_ < 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
    throw ConfigError(fmt::format("cannot write {}: too many outputs open", target.string()));
  }
}

TemporaryFile::~TemporaryFile() {
  if (fd_ >= 0) ::close(fd_);  // never handed over
  if (slot_ < 0) return;
  SignalsBlocked blocked;
  ::unlink(path_.c_str());
  release_slot(slot_);
}

void TemporaryFile::move_into_place() {
  SignalsBlocked blocked;
  if (::rename(path_.c_str(), target_.c_str()) != 0) {
    const int error = errno;
    ::unlink(path_.c_str());
    release_slot(slot_);
    slot_ = -1;
    throw ConfigError(fmt::format("cannot write {}: {}", target_.string(), std::strerror(error)));
  }
  release_slot(slot_);
  slot_ = -1;
}

}  // namespace tidemark::cli
