#pragma once
// Plumbing shared by the subcommands: error handling, run options, trace loading, outputs.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "commands.hpp"
#include "output.hpp"
#include "tidemark/core/runtime/run_config.hpp"
#include "tidemark/core/trace_io/trace.hpp"

namespace tidemark::cli {

// Parses `args` into `app` and runs `body`. --help prints and returns 0; a bad option, value or
// input, or a failed write, prints one line `tidemark NAME: ...` to `err` and returns 2. A closed
// pipe on stdout returns kBrokenPipeExit without a word.
inline constexpr int kBrokenPipeExit = 128 + 13;  // as a process killed by SIGPIPE
int run_app(CLI::App& app, const Args& args, std::ostream& out, std::ostream& err,
            const std::function<int()>& body);

// Makes an unsigned integer option reject, with a ConfigError `--NAME TEXT: ...`, a negative
// number (which CLI11 would wrap around) and one beyond `max` (which CLI11 would clamp to the
// largest uint64_t, or report without the bound). run_app gives every unsigned option of an app
// this check with no known bound; register an option's own bound with this.
CLI::Option* check_unsigned(CLI::Option* option, uint64_t max);

// The options that shape one run (docs/design.md §2-§5), as the user typed them.
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

}  // namespace tidemark::cli
