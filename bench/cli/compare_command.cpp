// `tidemark compare TRACE`: every combination of policies, watermarks, timestamps and clocks on
// one trace, each measured against the oracle (the complete answer); a table, CSV and JSON.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>
#include <variant>

#include "commands.hpp"
#include "distinct_files.hpp"
#include "options.hpp"
#include "profile_options.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/output/schema_version.hpp"
#include "tidemark/runner/compare.hpp"

namespace tidemark::cli {

namespace {

// Splits a comma-separated list and parses each item; an empty item is an error naming `option`.
template <class Parse>
auto parse_list(std::string_view option, const std::string& text, Parse parse) {
  std::vector<decltype(parse(std::string_view{}))> out;
  size_t begin = 0;
  while (true) {
    const size_t comma = std::min(text.find(',', begin), text.size());
    const std::string_view item = std::string_view(text).substr(begin, comma - begin);
    if (item.empty()) {
      throw ConfigError(
          fmt::format("{}: empty item in \"{}\" (a comma-separated list)", option, text));
    }
    out.push_back(parse(item));
    if (comma == text.size()) return out;
    begin = comma + 1;
  }
}

// An optional double is a metric without a sample: null in JSON, an empty CSV field.
using Value = std::variant<std::string, uint64_t, double, std::optional<double>>;
using Fields = std::vector<std::pair<std::string_view, Value>>;

// The time the oracle windows by, as a column name (true_time, event_time, corrected_time):
// text to pandas and DuckDB, which read a bare `true` as a boolean.
std::string oracle_time_name(TimestampSource s) {
  return std::string(to_string(s)) + "_time";
}

// Every reported figure of one row, named as in docs/metrics.md; CSV and JSON both come from it.
Fields row_fields(const ConfigurationResult& r) {
  const Evaluation& ev = r.evaluation;
  const Metrics& m = r.metrics;
  return {
      {"window", r.config.window.to_string()},
      {"timestamp", std::string(to_string(r.config.timestamp))},
      {"watermark", r.config.watermark.to_string()},
      {"clock", std::string(to_string(r.config.clock))},
      {"policy", r.config.lateness.to_string()},
      {"oracle_time", oracle_time_name(r.oracle_source)},
      {"events", m.events},
      {"accepted", m.accepted},
      {"late", m.late},
      {"contributions", ev.completeness.contributions},
      {"delivered", ev.completeness.delivered},
      {"completeness", ev.completeness.ratio},
      {"oracle_windows", ev.oracle_windows},
      {"exact_windows", ev.exact_windows},
      {"exact_share", ev.exact_share},
      {"first_exact_windows", ev.first_exact_windows},
      {"first_exact_share", ev.first_exact_share},
      {"first_count_error_mean", ev.first_count_error.mean},
      {"first_count_error_p99", ev.first_count_error.p99},
      {"first_sum_error_mean", ev.first_sum_error.mean},
      {"first_sum_error_p99", ev.first_sum_error.p99},
      {"latency_first_p50_ms", ev.latency_first.p50},
      {"latency_first_p99_ms", ev.latency_first.p99},
      {"latency_first_max_ms", ev.latency_first.max},
      {"latency_last_p50_ms", ev.latency_last.p50},
      {"latency_last_p99_ms", ev.latency_last.p99},
      {"latency_last_max_ms", ev.latency_last.max},
      {"windows_emitted", ev.windows_emitted},
      {"windows_flushed", ev.windows_flushed},
      {"extra_windows", ev.extra_windows},
      {"windows_fired", m.windows_fired},
      {"updates", m.updates},
      {"retractions", m.retractions},
      {"updates_per_window", ev.updates_per_window},
      {"retractions_per_window", ev.retractions_per_window},
      {"peak_open_windows", m.peak_open_windows},
      {"peak_state_bytes", m.peak_state_bytes},
      {"wall_seconds", r.wall_seconds},
      {"events_per_second", r.wall_seconds > 0 ? double(m.events) / r.wall_seconds : 0.0},
  };
}

std::string csv_cell(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return x.find_first_of(",\"\n") == std::string::npos
                     ? x
                     : "\"" + x + "\"";  // our values never contain quotes
        } else if constexpr (std::is_same_v<T, std::optional<double>>) {
          return x ? fmt::format("{}", *x) : std::string();
        } else {
          return fmt::format("{}", x);
        }
      },
      v);
}

// Under an engine profile, rows begin with a `profile` column; generic's CSV is unchanged.
std::string to_csv(Profile profile, const std::vector<ConfigurationResult>& rows) {
  std::string out;
  const std::string lead =
      profile == Profile::kGeneric ? std::string() : std::string(to_string(profile)) + ',';
  const Fields names = row_fields(ConfigurationResult{});
  if (!lead.empty()) out += "profile,";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    out += names[i].first;
  }
  out += '\n';
  for (const ConfigurationResult& r : rows) {
    const Fields f = row_fields(r);
    out += lead;
    for (size_t i = 0; i < f.size(); ++i) {
      if (i) out += ',';
      out += csv_cell(f[i].second);
    }
    out += '\n';
  }
  return out;
}

std::string to_json(const std::string& trace_path, const Trace& trace, Profile profile,
                    PartitionId partitions, unsigned threads, double wall,
                    const std::vector<ConfigurationResult>& rows) {
  nlohmann::ordered_json j;
  j["schema_version"] = kSchemaVersion;
  j["trace"] = trace_path;
  if (profile != Profile::kGeneric) j["profile"] = to_string(profile);
  j["events"] = rows.empty() ? 0 : rows.front().metrics.events;
  j["keys"] = trace.keys.size();
  j["partitions"] = partitions;
  j["threads"] = threads;
  j["wall_seconds"] = wall;
  j["configurations"] = nlohmann::ordered_json::array();
  for (const ConfigurationResult& r : rows) {
    nlohmann::ordered_json o;
    for (const auto& [name, value] : row_fields(r)) {
      std::visit(
          [&, name = name](const auto& x) {
            if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::optional<double>>) {
              o[std::string(name)] = x ? nlohmann::ordered_json(*x) : nlohmann::ordered_json();
            } else {
              o[std::string(name)] = x;
            }
          },
          value);
    }
    j["configurations"].push_back(std::move(o));
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string percent(double x) {
  return fmt::format("{:.2f}%", 100.0 * x);
}

// A metric without a sample.
constexpr std::string_view kNoValue = "-";

// A latency for people: 850ms, 2.4s, 3.5m, 1.2h.
std::string latency(double ms) {
  const double a = std::abs(ms);
  if (a < 1000) return fmt::format("{:.0f}ms", ms);
  if (a < 60'000) return fmt::format("{:.1f}s", ms / 1000);
  if (a < 3'600'000) return fmt::format("{:.1f}m", ms / 60'000);
  return fmt::format("{:.1f}h", ms / 3'600'000);
}

std::string bytes(uint64_t b) {
  if (b < 10 * 1024) return fmt::format("{} B", b);
  if (b < 10 * 1024 * 1024) return fmt::format("{:.1f} KiB", double(b) / 1024);
  return fmt::format("{:.1f} MiB", double(b) / (1024 * 1024));
}

std::string rate(double per_second) {
  if (per_second >= 1e6) return fmt::format("{:.2f}M", per_second / 1e6);
  if (per_second >= 1e3) return fmt::format("{:.0f}k", per_second / 1e3);
  return fmt::format("{:.0f}", per_second);
}

// The aligned table: one row per configuration; a swept dimension with one value goes to the
// title instead of a column.
std::string table(const CompareGrid& grid, const std::vector<ConfigurationResult>& rows) {
  struct Column {
    std::string title;
    bool left;
    std::function<std::string(const ConfigurationResult&)> cell;
  };
  std::vector<Column> cols;
  if (grid.timestamps.size() > 1) {
    cols.push_back(
        {"timestamp", true, [](auto& r) { return std::string(to_string(r.config.timestamp)); }});
  }
  if (grid.watermarks.size() > 1) {
    cols.push_back({"watermark", true, [](auto& r) { return r.config.watermark.to_string(); }});
  }
  if (grid.clocks.size() > 1) {
    cols.push_back({"clock", true, [](auto& r) { return std::string(to_string(r.config.clock)); }});
  }
  cols.push_back({"policy", true, [](auto& r) { return r.config.lateness.to_string(); }});
  cols.push_back(
      {"complete", false, [](auto& r) { return percent(r.evaluation.completeness.ratio); }});
  cols.push_back({"exact", false, [](auto& r) { return percent(r.evaluation.exact_share); }});
  cols.push_back(
      {"1st exact", false, [](auto& r) { return percent(r.evaluation.first_exact_share); }});
  auto err = [](const ErrorStats& s) {
    return s.mean ? percent(*s.mean) + " / " + percent(*s.p99) : std::string(kNoValue);
  };
  cols.push_back({"1st count err mean/p99", false,
                  [err](auto& r) { return err(r.evaluation.first_count_error); }});
  cols.push_back({"1st sum err mean/p99", false,
                  [err](auto& r) { return err(r.evaluation.first_sum_error); }});
  auto lat = [](const LatencyStats& s) {
    return s.p50 ? latency(*s.p50) + " / " + latency(*s.p99) + " / " + latency(*s.max)
                 : std::string(kNoValue);
  };
  auto per_window = [](const std::optional<double>& v) {
    return v ? fmt::format("{:.3f}", *v) : std::string(kNoValue);
  };
  cols.push_back({"latency 1st p50/p99/max", false,
                  [lat](auto& r) { return lat(r.evaluation.latency_first); }});
  cols.push_back({"latency last p50/p99/max", false,
                  [lat](auto& r) { return lat(r.evaluation.latency_last); }});
  cols.push_back({"upd/win", false,
                  [per_window](auto& r) { return per_window(r.evaluation.updates_per_window); }});
  cols.push_back({"retr/win", false, [per_window](auto& r) {
                    return per_window(r.evaluation.retractions_per_window);
                  }});
  cols.push_back({"late", false, [](auto& r) { return fmt::format("{}", r.metrics.late); }});
  cols.push_back(
      {"peak win", false, [](auto& r) { return fmt::format("{}", r.metrics.peak_open_windows); }});
  cols.push_back({"peak state", false, [](auto& r) { return bytes(r.metrics.peak_state_bytes); }});
  cols.push_back({"events/s", false, [](auto& r) {
                    return rate(r.wall_seconds > 0 ? double(r.metrics.events) / r.wall_seconds
                                                   : 0.0);
                  }});

  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> width;
  for (const Column& c : cols) width.push_back(c.title.size());
  for (const ConfigurationResult& r : rows) {
    cells.emplace_back();
    for (size_t i = 0; i < cols.size(); ++i) {
      cells.back().push_back(cols[i].cell(r));
      width[i] = std::max(width[i], cells.back().back().size());
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& values) {
    std::string l;
    for (size_t i = 0; i < cols.size(); ++i) {
      l += i ? "  " : "";
      l += cols[i].left ? fmt::format("{:<{}}", values[i], width[i])
                        : fmt::format("{:>{}}", values[i], width[i]);
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + '\n';
  };
  std::vector<std::string> titles;
  for (const Column& c : cols) titles.push_back(c.title);
  line(titles);
  for (const auto& row : cells) line(row);
  return out;
}

// The rules the grid runs under. Each swept value an engine has no counterpart for is refused in
// one line naming the option; under kafka-streams the clock is stream time.
Rules compare_rules(const CLI::App& app, Profile chosen, const ProfileOptions& p,
                    CompareGrid& grid) {
  if (chosen == Profile::kGeneric) return GenericRules{};
  const std::string_view name = to_string(chosen);
  auto refuse = [&](std::string_view what, std::string_view why) {
    throw ConfigError(fmt::format("{} under --profile {}: {}", what, name, why));
  };
  if (app.count("--schedule") > 0) {
    refuse("--schedule", chosen == Profile::kFlink
                             ? "Flink takes each partition's records as they arrive"
                             : "records are taken in PartitionGroup order (docs/profiles.md)");
  }
  if (app.count("--aggregate") > 0) {
    refuse("--aggregate", "compare measures each window's count and sum; use replay for collect");
  }
  for (const LatenessPolicy& policy : grid.policies) {
    if (policy.kind() == LatenessPolicy::Kind::kWait) {
      refuse("--policies " + policy.to_string(),
             "the engine has no wait; use grace:G (drop is grace:0)");
    }
  }
  if (chosen == Profile::kFlink) {
    for (const ClockMode c : grid.clocks) {
      if (c != ClockMode::kWatermark) {
        refuse(fmt::format("--clocks {}", to_string(c)), "Flink's clock is the watermark");
      }
    }
    FlinkRules rules;
    if (app.count("--watermark-interval") > 0) {
      rules.options.watermark_interval =
          parse_duration(p.watermark_interval, "--watermark-interval");
    }
    if (app.count("--trigger") > 0 && parse_flink_trigger(p.trigger) == FlinkTrigger::kPurging) {
      refuse("--trigger purging",
             "each firing emits part of its window, and compare measures whole windows");
    }
    return rules;
  }
  if (app.count("--watermarks") > 0) {
    refuse("--watermarks", "Kafka Streams has no watermarks; its clock is stream time");
  }
  if (app.count("--idle-timeout") > 0) {
    refuse("--idle-timeout", "Kafka Streams has no idle partitions (max.task.idle.ms only waits)");
  }
  for (const ClockMode c : grid.clocks) {
    if (c != ClockMode::kStreamTime && app.count("--clocks") > 0) {
      refuse(fmt::format("--clocks {}", to_string(c)), "Kafka Streams' clock is stream time");
    }
  }
  grid.clocks = {ClockMode::kStreamTime};
  KafkaStreamsRules rules;
  if (app.count("--emit") > 0) rules.options.emit = parse_kafka_emit(p.emit);
  if (app.count("--retention") > 0) {
    rules.options.retention = parse_duration(p.retention, "retention");
  }
  return rules;
}

}  // namespace

int compare(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app(
      "Compare late-event policies (and watermarks, timestamps, clocks) on one trace. "
      "Every combination runs against the oracle, the complete answer computed from "
      "true_time (or the extracted time when the trace has none) with no lateness; "
      "prints one row per configuration. Metrics are defined in the README (Comparing late-event "
      "policies).",
      "compare");
  std::string trace_path, window, policies = "drop", watermarks = "bounded:0", timestamps = "event",
                                  clocks = "watermark";
  std::string idle_timeout, schedule = "arrival", csv_path, json_path;
  std::optional<uint32_t> partitions;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  app.add_option("trace", trace_path,
                 "Trace file: CSV with a header (docs/design.md §6), or binary (.tmt); read once; "
                 "- reads CSV from stdin")
      ->required();
  app.add_option("--window,-w", window,
                 "Window spec (required). tumbling:SIZE[@OFFSET] | hopping:SIZE/ADVANCE[@OFFSET]"
                 " | sliding:DIFF | session:GAP. Example: --window tumbling:10s")
      ->required();
  app.add_option("--policies", policies,
                 "Late-event policies, comma-separated: drop | wait:D | grace:G. "
                 "Example: --policies drop,wait:30s,grace:5m")
      ->capture_default_str();
  app.add_option("--watermarks", watermarks,
                 "Watermark generators, comma-separated: bounded:DELAY | punctuated. "
                 "Example: --watermarks bounded:0,bounded:10s")
      ->capture_default_str();
  app.add_option("--timestamps", timestamps,
                 "Timestamp extractors, comma-separated: event | receive | corrected | true. "
                 "Example: --timestamps event,corrected")
      ->capture_default_str();
  app.add_option("--clocks", clocks,
                 "Clocks, comma-separated: watermark (min over partitions) | stream-time (max "
                 "seen). Example: --clocks watermark,stream-time")
      ->capture_default_str();
  app.add_option("--idle-timeout", idle_timeout,
                 "A partition silent for longer than this (processing time) leaves the min. "
                 "Default: never. Example: --idle-timeout 1m");
  app.add_option("--partitions", partitions,
                 "Number of partitions (default: 1 + largest id in the trace). Example: "
                 "--partitions 4");
  app.add_option("--schedule", schedule,
                 "Processing order: arrival | event-time. Example: --schedule event-time")
      ->capture_default_str();
  app.add_option(
      "--threads,-j", threads,
      "Configurations run in parallel on up to this many threads (no more than there "
      "are tasks; the report says how many were started); the output is the same for any "
      "count. Default: the number of cores. Example: --threads 2");
  ProfileOptions profile;
  add_profile_options(app, profile);
  std::string max_state;
  add_max_state_option(app, max_state,
                       " The runs held at once (oracles and configurations, up to --threads) "
                       "share it equally.");
  app.add_option("--csv", csv_path,
                 "Also write every metric of every row as CSV; - for stdout (the table then goes "
                 "to stderr). Example: --csv out.csv");
  app.add_option("--json", json_path,
                 "Also write every metric of every row as JSON; - for stdout (the table then goes "
                 "to stderr). Example: --json out.json");
  app.footer(
      "\nExamples:\n"
      "  tidemark compare data/demo.csv --window tumbling:10s --policies drop,wait:30s,grace:5m\n"
      "  tidemark compare trace.csv --window tumbling:1m --policies drop,grace:1m "
      "--watermarks bounded:0,bounded:10s --timestamps event,corrected --csv out.csv\n"
      "  tidemark compare trace.csv --window tumbling:1m --policies drop,grace:1m,grace:5m "
      "--profile kafka-streams --emit on-close\n\n"
      "Rows run in the order listed: timestamps, then watermarks, clocks, policies (fastest).\n"
      "Under --profile flink|kafka-streams every row runs under the engine's rules and is "
      "measured against the same oracle (tidemark's complete answer): policies are drop and "
      "grace:G (allowed lateness, grace); kafka-streams' clock is stream time, with no "
      "watermarks; docs/profiles.md.");

  return run_app(app, args, out, err, [&] {
    if (threads == 0) throw ConfigError("--threads: must be >= 1, got 0");
    const Profile chosen = chosen_profile(app, profile);
    RunOptions o;
    o.window = window;
    o.idle_timeout = idle_timeout;
    o.partitions = partitions;
    o.schedule = schedule;
    CompareGrid grid;
    grid.base = to_config(o);
    grid.policies = parse_list("--policies", policies, LatenessPolicy::parse);
    grid.watermarks = parse_list("--watermarks", watermarks, WatermarkSpec::parse);
    grid.timestamps = parse_list("--timestamps", timestamps, parse_timestamp_source);
    grid.clocks = parse_list("--clocks", clocks, parse_clock_mode);
    const Rules rules = compare_rules(app, chosen, profile, grid);
    std::vector<RunConfig> configs = grid.configurations();
    const uint64_t max_state_total = max_state_bytes(max_state);

    require_distinct_files({"trace", trace_path}, {{"--csv", csv_path}, {"--json", json_path}});
    const Trace trace = load_trace(trace_path, threads);
    // Checked here too, so that the message names this command's option.
    for (const TimestampSource s : grid.timestamps) {
      if (const std::string_view name = missing_column(s, trace.columns); !name.empty()) {
        throw ConfigError(fmt::format("--timestamps {} needs column \"{}\", which {} does not have",
                                      to_string(s), name, trace.source));
      }
    }
    // At most `threads` runs (oracles and configurations) at once, each with an equal share.
    std::vector<TimestampSource> oracles;
    for (const RunConfig& c : configs) {
      const TimestampSource s = oracle_time_source(trace, c.timestamp);
      if (std::find(oracles.begin(), oracles.end(), s) == oracles.end()) oracles.push_back(s);
    }
    const StateLimit limit{max_state_total,
                           uint32_t(std::min<size_t>(threads, configs.size() + oracles.size()))};
    for (RunConfig& c : configs) c.max_state = limit;
    std::optional<Output> csv_out, json_out;
    if (!csv_path.empty()) csv_out.emplace(csv_path, out);
    if (!json_path.empty()) json_out.emplace(json_path, out);

    auto now = [] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
    const PartitionId partitions = trace.partition_count();  // scans every event: only once
    // What the runs use: --partitions, else 1 + the largest id (at least one).
    const PartitionId run_partitions =
        grid.base.partitions.value_or(std::max<PartitionId>(partitions, 1));
    const double start = now();
    unsigned threads_started = 0;
    const std::vector<ConfigurationResult> rows =
        tidemark::compare(trace, partitions, configs, rules, threads, now, &threads_started);
    const double wall = now() - start;

    std::string title = fmt::format("tidemark compare {}  window {}", trace_path, window);
    if (chosen != Profile::kGeneric) title += fmt::format("  profile {}", to_string(chosen));
    if (grid.timestamps.size() == 1) title += fmt::format("  timestamp {}", timestamps);
    if (grid.watermarks.size() == 1 && chosen != Profile::kKafkaStreams) {
      title += fmt::format("  watermark {}", watermarks);
    }
    if (grid.clocks.size() == 1) {
      title += fmt::format("  clock {}", chosen == Profile::kKafkaStreams ? "stream-time" : clocks);
    }
    std::ostream& table_out =
        table_stream(out, err, {csv_out ? &*csv_out : nullptr, json_out ? &*json_out : nullptr});
    table_out << title << '\n';
    const uint64_t events = rows.empty() ? 0 : rows.front().metrics.events;
    std::string oracle;  // one oracle per distinct oracle timestamp
    for (const ConfigurationResult& r : rows) {
      const std::string part = fmt::format("{} windows by {}", r.evaluation.oracle_windows,
                                           r.oracle_source == TimestampSource::kTrue
                                               ? "true_time"
                                               : std::string(to_string(r.oracle_source)) + " time");
      if (oracle.find(part) == std::string::npos) oracle += (oracle.empty() ? "" : ", ") + part;
    }
    if (!trace.has(kColTrueTime)) oracle += " (the trace has no true_time)";
    table_out << fmt::format(
        "{} events, {} keys, {} partitions; oracle: {}; {} configuration{} on {} "
        "thread{} in {:.2f} s\n\n",
        events, trace.keys.size(), run_partitions, oracle, rows.size(), rows.size() == 1 ? "" : "s",
        threads_started, threads_started == 1 ? "" : "s", wall);
    table_out << table(grid, rows);
    if (csv_out) csv_out->stream() << to_csv(chosen, rows);
    if (json_out) {
      json_out->stream() << to_json(trace_path, trace, chosen, run_partitions, threads_started,
                                    wall, rows);
    }
    commit_outputs(out, {csv_out ? &*csv_out : nullptr, json_out ? &*json_out : nullptr});
    return 0;
  });
}

}  // namespace tidemark::cli
