#pragma once
// Plumbing shared by the subcommands: error handling, run options, trace loading, outputs.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "commands.hpp"
#include "tidemark/core/run_config.hpp"
#include "tidemark/core/trace.hpp"

namespace tidemark::cli {

// Parses `args` into `app` and runs `body`. --help prints and returns 0; a bad option, value or
// input prints one line `tidemark NAME: ...` to `err` and returns 2.
int run_app(CLI::App& app, const Args& args, std::ostream& out, std::ostream& err,
            const std::function<int()>& body);

// Makes an unsigned integer option reject, with a ConfigError `--NAME TEXT: ...`, a negative
// number (which CLI11 would wrap around) and one beyond `max` (which CLI11 would clamp to the
// largest uint64_t, or report without the bound). run_app gives every unsigned option of an app
// this check with no known bound; register an option's own bound with this.
CLI::Option* check_unsigned(CLI::Option* option, uint64_t max);

// The options that shape one run (DESIGN §2-§5), as the user typed them.
struct RunOptions {
  std::string window;
  std::string timestamp = "event";
  std::string watermark = "bounded:0";
  std::string clock = "watermark";
  std::string idle_timeout;
  std::optional<uint32_t> partitions;
  std::string schedule = "arrival";
  std::string lateness = "drop";
  std::string end = "flush";
};

// Registers the run options; `with_policy` false leaves out --lateness (for commands that sweep).
void add_run_options(CLI::App& app, RunOptions& o, bool with_policy = true);
// Throws ConfigError naming the option and its value.
RunConfig to_config(const RunOptions& o);

// Registers --max-state (replay, compare; `note` ends its help) into `text`; max_state_bytes()
// reads it: the default (default_max_state()) when empty, else parse_size(), which throws
// ConfigError.
void add_max_state_option(CLI::App& app, std::string& text, const std::string& note = "");
uint64_t max_state_bytes(const std::string& text);

// Reads a CSV trace, or a binary one (.tmt) whole, mapped where it can be and its records
// checked on up to `threads` threads. Throws InputError.
Trace load_trace(const std::string& path, unsigned threads = 1);

// An output file, or `fallback` for "-" or "". Throws ConfigError when it cannot be opened.
class Output {
 public:
  Output(const std::string& path, std::ostream& fallback);
  std::ostream& stream() { return file_ ? *file_ : fallback_; }
  bool is_fallback() const { return !file_; }
  // "stdout", or the file's path: for messages.
  std::string name() const { return file_ ? path_ : "stdout"; }
  // Flushes and reports a write failure (disk full) as a ConfigError naming the file.
  void close();
  // Runs `body` on the stream, then close(); a WriteError from `body` (a trace writer's) is
  // reported as close() reports one.
  void write(const std::function<void(std::ostream&)>& body);

 private:
  std::string path_;
  std::ostream& fallback_;
  std::unique_ptr<std::ofstream> file_;
};

}  // namespace tidemark::cli
