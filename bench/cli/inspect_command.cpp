// `tidemark inspect TRACE`: what a trace looks like to a watermark. Computation lives in core
// (trace_stats); this file only formats.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "commands.hpp"
#include "options.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/output/schema_version.hpp"
#include "tidemark/runner/trace_stats.hpp"

namespace tidemark::cli {

namespace {

// Readable rather than exact (JSON has the exact ms): 850ms, 12.3s, 52m26s, 3h04m10s.
std::string ms(int64_t v) {
  const char* sign = v < 0 ? "-" : "";
  const uint64_t a = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
  if (a < 10'000) return fmt::format("{}{}ms", sign, a);
  if (a < 600'000) return fmt::format("{}{:.1f}s", sign, double(a) / 1000.0);
  const uint64_t s = a / 1000;
  if (s < 3600) return fmt::format("{}{}m{:02}s", sign, s / 60, s % 60);
  return fmt::format("{}{}h{:02}m{:02}s", sign, s / 3600, s / 60 % 60, s % 60);
}

std::string share(uint64_t ppm) {
  return ppm == 1'000'000 ? "100%" : fmt::format("{}%", double(ppm) / 10'000.0);
}

nlohmann::ordered_json to_json(const Quantiles& q) {
  return {{"count", q.count}, {"min", q.min},    {"p50", q.p50}, {"p90", q.p90},
          {"p99", q.p99},     {"p99.9", q.p999}, {"max", q.max}};
}

std::string row(const Quantiles& q) {
  return fmt::format("{:>9} {:>9} {:>9} {:>9} {:>9} {:>9}", ms(q.min), ms(q.p50), ms(q.p90),
                     ms(q.p99), ms(q.p999), ms(q.max));
}

std::string json(const Trace& trace, const TraceStats& s) {
  nlohmann::ordered_json j;
  j["schema_version"] = kSchemaVersion;
  j["trace"] = trace.source;
  j["header"] = trace.header_comment;
  j["records"] = s.records;
  j["events"] = s.events;
  j["punctuations"] = s.punctuations;
  j["idle_marks"] = s.idle_marks;
  j["partitions"] = s.partitions;
  j["partitions_with_events"] = s.partitions_with_events;
  j["keys"] = s.keys;
  j["first_time"] = s.first_time.ms;
  j["last_time"] = s.last_time.ms;
  j["first_arrival"] = s.first_arrival.ms;
  j["last_arrival"] = s.last_arrival.ms;
  j["arrival_rate_per_s"] = s.arrival_rate ? nlohmann::ordered_json(*s.arrival_rate) : nullptr;
  j["behind_max_ms"] = to_json(s.behind_max);
  j["behind_watermark_ms"] = to_json(s.behind_watermark);
  auto& t = j["bounded_delay_for_on_time_share"] = nlohmann::ordered_json::array();
  for (const DelayTarget& d : s.targets) {
    t.push_back({{"share", double(d.parts_per_million) / 1e6},
                 {"delay_ms", d.delay.ms},
                 {"watermark", "bounded:" + format_duration(d.delay)}});
  }
  j["receive_minus_event_ms"] =
      s.receive_minus_event ? to_json(*s.receive_minus_event) : nlohmann::ordered_json(nullptr);
  auto& sil = j["silences"] = nlohmann::ordered_json::array();
  for (const Silence& x : s.silences) {
    sil.push_back({{"partition", x.partition},
                   {"from", x.from.ms},
                   {"to", x.to.ms},
                   {"duration_ms", (x.to - x.from).ms}});
  }
  if (s.offset_medians) {
    auto& c = j["clock_offsets"];
    c["note"] = "receive_time - send_time per key: network delay minus the device clock offset";
    c["key_medians_ms"] = to_json(*s.offset_medians);
    auto& per = c["keys"] = nlohmann::ordered_json::array();
    for (const DeviceOffset& d : s.device_offsets) {
      per.push_back({{"key", trace.keys.name(d.key)},
                     {"samples", d.samples},
                     {"median_ms", d.median},
                     {"min_ms", d.min},
                     {"max_ms", d.max}});
    }
  } else {
    j["clock_offsets"] = nullptr;
  }
  j["event_error_ms"] = s.event_error ? to_json(*s.event_error) : nlohmann::ordered_json(nullptr);
  j["corrected_error_ms"] =
      s.corrected_error ? to_json(*s.corrected_error) : nlohmann::ordered_json(nullptr);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string table(const Trace& trace, const TraceStats& s, const StatsOptions& o, size_t limit) {
  std::string out;
  auto it = std::back_inserter(out);
  auto line = [&](std::string_view name, const std::string& value) {
    fmt::format_to(it, "  {:<24} {}\n", name, value);
  };
  fmt::format_to(it, "tidemark inspect {}\n", trace.source);
  if (!trace.header_comment.empty()) line("header", trace.header_comment);
  if (s.idle_marks) {
    line("records", fmt::format("{} ({} events, {} punctuations, {} idle marks)", s.records,
                                s.events, s.punctuations, s.idle_marks));
  } else {
    line("records", s.punctuations ? fmt::format("{} ({} events, {} punctuations)", s.records,
                                                 s.events, s.punctuations)
                                   : fmt::format("{}", s.records));
  }
  line("partitions", fmt::format("{} ({} with events)", s.partitions, s.partitions_with_events));
  line("keys", fmt::format("{}", s.keys));
  if (s.events > 0) {
    line(fmt::format("{} time span", to_string(o.timestamp)),
         fmt::format("{} .. {} ({})", format_timestamp(s.first_time), format_timestamp(s.last_time),
                     ms((s.last_time - s.first_time).ms)));
    line("arrival span",
         fmt::format("{} .. {} ({})", format_timestamp(s.first_arrival),
                     format_timestamp(s.last_arrival), ms((s.last_arrival - s.first_arrival).ms)));
  }
  line("arrival rate", s.arrival_rate ? fmt::format("{:.1f} events/s", *s.arrival_rate) : "n/a");
  fmt::format_to(it, "\n  {:<24} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "distribution", "min",
                 "p50", "p90", "p99", "p99.9", "max");
  line("behind max seen", row(s.behind_max));
  line("behind min(partition max)", row(s.behind_watermark));
  if (s.receive_minus_event) line("receive - event", row(*s.receive_minus_event));
  if (s.offset_medians) line("per-key receive - send", row(*s.offset_medians));
  if (s.event_error) line("event - true", row(*s.event_error));
  if (s.corrected_error) line("corrected - true", row(*s.corrected_error));
  fmt::format_to(it,
                 "\n  smallest watermark for an on-time share (time >= watermark on "
                 "arrival, {} partitions):\n",
                 s.partitions);
  for (const DelayTarget& d : s.targets) {
    line(share(d.parts_per_million), "--watermark bounded:" + format_duration(d.delay));
  }
  fmt::format_to(it, "\n  silences longer than {} (processing time): {}\n",
                 format_duration(o.silence_threshold), s.silences.size());
  std::vector<Silence> longest = s.silences;
  std::stable_sort(longest.begin(), longest.end(), [](const Silence& a, const Silence& b) {
    return (a.to - a.from) > (b.to - b.from);
  });
  if (longest.size() > limit) longest.resize(limit);
  for (const Silence& x : longest) {
    fmt::format_to(it, "    partition {:<6} {} .. {}  ({})\n", x.partition,
                   format_timestamp(x.from), format_timestamp(x.to), ms((x.to - x.from).ms));
  }
  if (s.silences.size() > limit) fmt::format_to(it, "    ... (--json lists all)\n");
  if (s.offset_medians) {
    fmt::format_to(it,
                   "\n  device clocks: median receive - send per key = delay - offset; "
                   "largest |median| first:\n");
    for (size_t i = 0; i < s.device_offsets.size() && i < limit; ++i) {
      const DeviceOffset& d = s.device_offsets[i];
      fmt::format_to(it, "    {:<20} median {:>9}  min {:>9}  max {:>9}  ({} events)\n",
                     trace.keys.name(d.key), ms(d.median), ms(d.min), ms(d.max), d.samples);
    }
    if (s.device_offsets.size() > limit) fmt::format_to(it, "    ... (--json lists all)\n");
  }
  return out;
}

}  // namespace

int inspect(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app(
      "Describe a trace as a watermark sees it: size, partitions, keys, time span and "
      "arrival rate; disorder percentiles; the smallest bounded:D watermark delay for "
      "99%, 99.9% and 100% of events on time; partitions silent for longer than a "
      "threshold; and, with send/receive/true times, device clock offsets and the error "
      "of the corrected extractor. Percentiles are nearest-rank (always an observed "
      "value).",
      "inspect");
  std::string trace_path, timestamp = "event", silence = "1m";
  bool as_json = false;
  std::optional<uint32_t> partitions;
  size_t limit = 10;
  app.add_option("trace", trace_path, "Trace file: CSV, or binary (.tmt); - reads CSV from stdin")
      ->required();
  app.add_flag("--json", as_json, "Print JSON (every silence and key) instead of the table");
  app.add_option("--timestamp", timestamp,
                 "Which time the figures use: event | receive | corrected | true. Example: "
                 "--timestamp corrected")
      ->capture_default_str();
  app.add_option("--silence", silence,
                 "Report partitions silent for longer than this (processing time). Example: "
                 "--silence 30s")
      ->capture_default_str();
  app.add_option("--partitions", partitions,
                 "Partitions the watermark waits for (default: 1 + largest id, as replay). "
                 "Example: --partitions 8");
  app.add_option("--limit", limit,
                 "Rows of silences and device clocks in the table. Example: --limit 3")
      ->capture_default_str();
  app.footer(
      "\nExamples:\n"
      "  tidemark inspect trace.tmt\n"
      "  tidemark inspect trace.csv --timestamp corrected --silence 30s\n"
      "  tidemark inspect trace.csv --json | jq .bounded_delay_for_on_time_share\n");
  return run_app(app, args, out, err, [&] {
    StatsOptions o;
    o.timestamp = parse_timestamp_source(timestamp);
    o.silence_threshold = parse_duration(silence, "--silence");
    if (o.silence_threshold.ms < 0) {
      throw ConfigError(fmt::format("--silence {}: must be >= 0", silence));
    }
    if (partitions && (*partitions == 0 || *partitions > kMaxPartitions)) {
      throw ConfigError(
          fmt::format("--partitions must be in [1, {}], got {}", kMaxPartitions, *partitions));
    }
    o.partitions = partitions.value_or(0);  // 0: 1 + the largest id
    const Trace trace = load_trace(trace_path);
    const TraceStats s = compute_trace_stats(trace, o);
    out << (as_json ? json(trace, s) : table(trace, s, o, limit));
    return 0;
  });
}

}  // namespace tidemark::cli
