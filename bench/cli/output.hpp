#pragma once
// Where a command's results go. A file appears at its path only when the command succeeds: it is
// written under a temporary name beside its target and moved into place by commit(), so that a
// failed, interrupted or killed run leaves no file there that looks complete. stdout ("-") and
// existing devices or pipes (/dev/null, a FIFO) are written directly.

#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "fd_stream.hpp"
#include "interrupts.hpp"
#include "tidemark/core/error.hpp"

namespace tidemark::cli {

// The reader of a pipe went away (`| head`): the command ends quietly, as Unix tools do.
class BrokenPipe : public std::exception {
 public:
  const char* what() const noexcept override { return "broken pipe"; }
};

class Output {
 public:
  // "-" or "" is `fallback`. Throws ConfigError when the file cannot be created.
  Output(const std::string& path, std::ostream& fallback);
  std::ostream& stream() { return file_ ? *file_ : fallback_; }
  bool is_fallback() const { return !file_; }
  // "stdout", or the file's path: for messages.
  std::string name() const { return file_ ? path_ : "stdout"; }
  // Writes out what is buffered; a failed write throws ConfigError naming the output and the
  // system's reason (BrokenPipe for a closed pipe).
  void close();
  // Runs `body` on the stream, then close(); a WriteError from `body` (a writer's) is reported
  // as close() reports one.
  void write(const std::function<void(std::ostream&)>& body);
  // close(), then the file goes to its path. Until then (and for good, if this is never called)
  // the path keeps what it had.
  void commit();

 private:
  std::string path_;
  std::ostream& fallback_;
  std::optional<TemporaryFile> temporary_;  // for a regular file
  std::unique_ptr<FdStreamBuf> buffer_;
  std::unique_ptr<std::ostream> file_;
};

// Throws as Output::close() does when a write to `out` has failed (stdout full, a closed pipe).
void check_written(std::ostream& out, const std::string& name = "stdout");

// Where a command's table for people goes: `out`, or `err` when one of `outputs` (those the
// command writes; null for one it does not) is stdout, so that the table never mixes with the
// JSON or CSV read from there.
std::ostream& table_stream(std::ostream& out, std::ostream& err,
                           std::initializer_list<const Output*> outputs);

// Runs `step`. A WriteError from it (a writer's failed write) is reported as Output::close()
// reports one: by whichever of `outputs` failed, with the errno its write left.
template <class Step>
auto naming_failed_output(std::initializer_list<Output*> outputs, Step&& step) {
  try {
    return step();
  } catch (const WriteError&) {
    for (Output* o : outputs) {
      if (!o->stream()) o->close();
    }
    throw;
  }
}

// The end of a command that wrote: checks stdout, then commits `outputs` in order.
void commit_outputs(std::ostream& out, std::initializer_list<Output*> outputs);

}  // namespace tidemark::cli
