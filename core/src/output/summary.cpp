#include "tidemark/core/output/summary.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "tidemark/core/output/schema_version.hpp"

namespace tidemark {

namespace {
std::string lag(const Metrics& m) {
  if (m.lag_samples == 0) return "n/a (clock never finite)";
  return fmt::format("mean {}, max {}", format_duration(Duration{int64_t(m.lag_mean_ms)}),
                     format_duration(Duration{m.lag_max_ms}));
}
}  // namespace

std::string summary_table(const Metrics& m, const Timing& t) {
  std::string out;
  auto row = [&](std::string_view name, const std::string& value) {
    fmt::format_to(std::back_inserter(out), "  {:<22} {}\n", name, value);
  };
  const double pct = m.events ? 100.0 * double(m.late) / double(m.events) : 0.0;
  row("events", fmt::format("{}", m.events));
  row("accepted", fmt::format("{}", m.accepted));
  row("late", fmt::format("{} ({:.2f}%)", m.late, pct));
  if (m.punctuations) row("punctuations", fmt::format("{}", m.punctuations));
  row("windows fired", fmt::format("{}", m.windows_fired));
  row("updates", fmt::format("{}", m.updates));
  row("retractions", fmt::format("{}", m.retractions));
  row("peak open windows", fmt::format("{}", m.peak_open_windows));
  row("peak state bytes", fmt::format("{}", m.peak_state_bytes));
  if (m.open_windows_at_end) row("open at end (kept)", fmt::format("{}", m.open_windows_at_end));
  row("watermark lag", lag(m));
  if (m.events_at_unbounded_clock) {
    row("events at clock -inf",
        fmt::format("{} (before every partition had sent; see --idle-timeout)",
                    m.events_at_unbounded_clock));
  }
  row("partitions / keys", fmt::format("{} / {}", m.partitions, m.keys));
  row("wall time", fmt::format("{:.3f} s", t.wall_seconds));
  row("events/s", t.wall_seconds > 0 ? fmt::format("{:.0f}", double(m.events) / t.wall_seconds)
                                     : std::string("n/a"));
  return out;
}

std::string summary_json(const RunConfig& c, const std::string& trace, const Metrics& m,
                         const std::optional<Timing>& t,
                         const std::optional<ProfileSummary>& profile) {
  nlohmann::ordered_json j;
  j["schema_version"] = kSchemaVersion;
  j["trace"] = trace;
  j["config"] = {
      {"window", c.window.to_string()},
      {"timestamp", std::string(to_string(c.timestamp))},
      {"watermark", c.watermark.to_string()},
      {"clock", std::string(to_string(c.clock))},
      {"idle_timeout", c.idle_timeout ? nlohmann::ordered_json(format_duration(*c.idle_timeout))
                                      : nlohmann::ordered_json(nullptr)},
      {"partitions", m.partitions},
      {"schedule", std::string(to_string(c.schedule))},
      {"lateness", c.lateness.to_string()},
      {"end", std::string(to_string(c.end))},
  };
  if (profile) {
    j["config"]["profile"] = profile->name;
    for (const auto& [name, value] : profile->options) j["config"][name] = value;
  }
  j["events"] = m.events;
  j["accepted"] = m.accepted;
  j["late"] = m.late;
  j["punctuations"] = m.punctuations;
  j["windows_fired"] = m.windows_fired;
  j["updates"] = m.updates;
  j["retractions"] = m.retractions;
  j["peak_open_windows"] = m.peak_open_windows;
  j["peak_state_bytes"] = m.peak_state_bytes;
  j["open_windows_at_end"] = m.open_windows_at_end;
  j["keys"] = m.keys;
  j["watermark_lag_ms"] = {
      {"mean", m.lag_samples ? nlohmann::ordered_json(m.lag_mean_ms) : nullptr},
      {"max", m.lag_samples ? nlohmann::ordered_json(m.lag_max_ms) : nullptr},
      {"samples", m.lag_samples}};
  j["events_at_unbounded_clock"] = m.events_at_unbounded_clock;
  if (t) {
    j["wall_seconds"] = t->wall_seconds;
    j["events_per_second"] = t->wall_seconds > 0 ? double(m.events) / t->wall_seconds : 0.0;
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace tidemark
