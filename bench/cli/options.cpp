#include "options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "tidemark/core/count.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/runtime/state_budget.hpp"
#include "tidemark/core/trace_io/binary_trace.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"

namespace tidemark::cli {

namespace {

// The check of check_unsigned; `known` false: the option's own bound is unknown, so only text
// beyond any uint64_t is out of range (CLI11 rejects the rest of what its type cannot hold).
// A count written 1e6 or 2.5e3 is rewritten in digits for CLI11.
CLI::Validator unsigned_check(std::string option, uint64_t max, bool known) {
  return CLI::Validator(
      [option = std::move(option), max, known](std::string& text) -> std::string {
        const auto out_of_range = [&] {
          return ConfigError(
              known ? fmt::format("{} {}: out of range (at most {})", option, text, max)
                    : fmt::format("{} {}: out of range", option, text));
        };
        // CLI11 reads the text with strtoull (base 0, leading blanks allowed): read it the same.
        size_t i = 0;
        while (i < text.size() && std::isspace(uint8_t(text[i]))) ++i;
        if (i < text.size() && text[i] == '-') {
          throw ConfigError(fmt::format("{} {}: must be >= 0", option, text));
        }
        errno = 0;
        char* end = nullptr;
        const unsigned long long v = std::strtoull(text.c_str(), &end, 0);
        if (end == text.c_str() + text.size() && end != text.c_str()) {
          if (errno == ERANGE || v > max) throw out_of_range();
          return "";
        }
        const Count count = parse_count(std::string_view(text).substr(i));
        switch (count.error) {
          case CountError::kNone:
            if (count.value > max) throw out_of_range();
            text = std::to_string(count.value);
            return "";
          case CountError::kTooLarge:
            throw out_of_range();
          case CountError::kNotInteger:
          case CountError::kNegative:
            // A number that is not whole (1.5, 1e-3); other text gets CLI11's own error.
            if (text.find_first_not_of(" \t0123456789.eE+-") == std::string::npos &&
                text.find_first_of("0123456789") != std::string::npos) {
              throw ConfigError(fmt::format("{} {}: not an integer", option, text));
            }
            return "";
        }
        return "";
      },
      "");
}

// Whether an unsigned option already has its bound (check_unsigned).
constexpr const char* kUnsignedCheck = "unsigned";

bool has_unsigned_check(CLI::Option* option) {
  try {
    option->get_validator(kUnsignedCheck);
    return true;
  } catch (const CLI::OptionNotFound&) {
    return false;
  }
}

// Runs `body` and checks that what it wrote to `out` was written; reports what it throws.
int finished(const std::string& name, std::ostream& out, std::ostream& err,
             const std::function<int()>& body) {
  try {
    const int code = body();
    check_written(out);
    return code;
  } catch (const BrokenPipe&) {
    return kBrokenPipeExit;
  } catch (const ConfigError& e) {
    err << fmt::format("{}: {}\n", name, e.what());
  } catch (const InputError& e) {
    err << fmt::format("{}: {}\n", name, e.what());
  } catch (const std::bad_alloc&) {
    err << fmt::format("{}: out of memory\n", name);
    return 1;
  } catch (const std::exception& e) {  // a bug, still one line and an exit code, never an abort
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    err << fmt::format("{}: internal error: {}\n", name, what);
    return 1;
  }
  return 2;
}

}  // namespace

CLI::Option* check_unsigned(CLI::Option* option, uint64_t max) {
  return option->transform(unsigned_check(option->get_name(), max, true), kUnsignedCheck);
}

int run_app(CLI::App& app, const Args& args, std::ostream& out, std::ostream& err,
            const std::function<int()>& body) {
  const std::string name = "tidemark " + app.get_name();
  for (CLI::Option* option : app.get_options()) {
    if (option->get_type_name() == "UINT" && !has_unsigned_check(option)) {
      option->transform(unsigned_check(option->get_name(), UINT64_MAX, false), kUnsignedCheck);
    }
  }
  app.set_version_flag("--version", std::string(version_line()));
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses from the back
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return finished(name, out, err, [&] {
      out << app.help();
      return 0;
    });
  } catch (const CLI::CallForVersion& e) {
    return finished(name, out, err, [&] {
      out << e.what() << '\n';
      return 0;
    });
  } catch (const CLI::ExtrasError&) {
    // In the order typed: CLI11's own message lists them in its reversed parse order.
    const std::vector<std::string> rest = app.remaining();
    err << fmt::format("{}: {} not expected: {} (see {} --help)\n", name,
                       rest.size() == 1 ? "this argument was" : "these arguments were",
                       fmt::join(rest, " "), name);
    return 2;
  } catch (const CLI::ParseError& e) {
    err << fmt::format("{}: {} (see {} --help)\n", name, e.what(), name);
    return 2;
  } catch (const ConfigError& e) {  // an unsigned option's check
    err << fmt::format("{}: {}\n", name, e.what());
    return 2;
  }
  return finished(name, out, err, body);
}

void add_run_options(CLI::App& app, RunOptions& o, bool with_policy) {
  app.add_option("--window,-w", o.window,
                 "Window spec (required). tumbling:SIZE[@OFFSET] | hopping:SIZE/ADVANCE[@OFFSET]"
                 " | sliding:DIFF | session:GAP; durations 250ms 10s 5m 2h 1d. "
                 "Example: --window hopping:1m/10s")
      ->required();
  app.add_option("--timestamp", o.timestamp,
                 "Which time drives windows: event (device clock), receive (server clock), "
                 "corrected (event + receive - send), true (ground truth). Example: --timestamp "
                 "corrected")
      ->capture_default_str();
  app.add_option("--watermark", o.watermark,
                 "Per-partition watermark: bounded:DELAY (max seen - DELAY) or punctuated (kind=W "
                 "rows). Example: --watermark bounded:5s")
      ->capture_default_str();
  app.add_option("--clock", o.clock,
                 "What closes windows: watermark (min over partitions) or stream-time (max time "
                 "seen, as Kafka Streams). Example: --clock stream-time")
      ->capture_default_str();
  app.add_option("--idle-timeout", o.idle_timeout,
                 "A partition silent for longer than this (processing time) leaves the min. "
                 "Default: never. Example: --idle-timeout 1m");
  check_unsigned(
      app.add_option(
          "--partitions", o.partitions,
          "Number of partitions (default: 1 + largest id in the trace); one that never "
          "sends holds the clock at -inf unless --idle-timeout. Example: --partitions 4"),
      UINT32_MAX);
  app.add_option("--schedule", o.schedule,
                 "Processing order: arrival (trace order) or event-time (merge partitions by "
                 "head time). Example: --schedule event-time")
      ->capture_default_str();
  if (with_policy) {
    app.add_option("--lateness", o.lateness,
                   "Late-event policy: drop | wait:D (fire once at end+D) | grace:G (fire at end, "
                   "update for late events until end+G). Example: --lateness grace:5m")
        ->capture_default_str();
  }
  app.add_option("--end", o.end,
                 "At the end of the trace: flush (clock to +inf, every window fires) or keep "
                 "(leave open windows, count them). Example: --end keep")
      ->capture_default_str();
}

RunConfig to_config(const RunOptions& o) {
  RunConfig c;
  c.window = WindowSpec::parse(o.window);
  c.timestamp = parse_timestamp_source(o.timestamp);
  c.watermark = WatermarkSpec::parse(o.watermark);
  c.clock = parse_clock_mode(o.clock);
  if (!o.idle_timeout.empty()) {
    c.idle_timeout = parse_duration(o.idle_timeout, "idle-timeout");
    if (c.idle_timeout->ms <= 0) {
      throw ConfigError(fmt::format("idle-timeout: must be > 0, got {}", o.idle_timeout));
    }
  }
  c.partitions = o.partitions;
  c.schedule = parse_schedule(o.schedule);
  c.lateness = LatenessPolicy::parse(o.lateness);
  c.end = parse_end_mode(o.end);
  return c;
}

void add_max_state_option(CLI::App& app, std::string& text, const std::string& note) {
  app.add_option("--max-state", text,
                 fmt::format("Most memory a run's window state (and per-partition clock state) "
                             "may take: a run that would take more stops with exit 2, naming the "
                             "window, the policy and what to change. Units B K M G T, powers of "
                             "1024. Default: a quarter of physical memory ({}).{} Example: "
                             "--max-state 512MiB",
                             format_size(default_max_state()), note));
}

uint64_t max_state_bytes(const std::string& text) {
  return text.empty() ? default_max_state() : parse_size(text, "--max-state");
}

Trace load_trace(const std::string& path, unsigned threads) {
  return is_binary_trace_path(path) ? map_binary_trace(path, threads) : read_csv_trace(path);
}

}  // namespace tidemark::cli
