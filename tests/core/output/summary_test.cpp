#include "tidemark/core/output/summary.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

using namespace tidemark;
using Json = nlohmann::ordered_json;

namespace {

// The value of the table's row `name` ("  NAME<padded to 22> VALUE"); empty when no such row.
std::string row(const std::string& table, const std::string& name) {
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < 25 || line.substr(0, 2) != "  ") continue;
    std::string label = line.substr(2, 22);
    label.erase(label.find_last_not_of(' ') + 1);
    if (label == name) return line.substr(25);
  }
  return {};
}

Metrics some_metrics() {
  Metrics m;
  m.events = 4;
  m.accepted = 3;
  m.late = 1;
  m.windows_fired = 2;
  m.updates = 1;
  m.retractions = 0;
  m.peak_open_windows = 5;
  m.peak_state_bytes = 640;
  m.partitions = 2;
  m.keys = 3;
  return m;
}

std::vector<std::string> keys_of(const Json& j) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  return keys;
}

}  // namespace

TEST_CASE("summary table: each figure on its own row, late as a share of events", "[summary]") {
  const std::string table = summary_table(some_metrics(), Timing{2.0});
  CHECK(row(table, "events") == "4");
  CHECK(row(table, "accepted") == "3");
  CHECK(row(table, "late") == "1 (25.00%)");
  CHECK(row(table, "windows fired") == "2");
  CHECK(row(table, "updates") == "1");
  CHECK(row(table, "retractions") == "0");
  CHECK(row(table, "peak open windows") == "5");
  CHECK(row(table, "peak state bytes") == "640");
  CHECK(row(table, "partitions / keys") == "2 / 3");
  CHECK(row(table, "wall time") == "2.000 s");
  CHECK(row(table, "events/s") == "2");  // 4 events in 2 s
  // Rows that only matter when non-zero are left out.
  CHECK(table.find("punctuations") == std::string::npos);
  CHECK(table.find("open at end") == std::string::npos);
  CHECK(table.find("clock -inf") == std::string::npos);
}

TEST_CASE("summary table: no events, no samples and no wall time are n/a, not a division",
          "[summary]") {
  const std::string table = summary_table(Metrics{}, Timing{0});
  CHECK(row(table, "late") == "0 (0.00%)");
  CHECK(row(table, "watermark lag") == "n/a (clock never finite)");
  CHECK(row(table, "events/s") == "n/a");
}

TEST_CASE("summary table: optional rows appear when their figure is non-zero", "[summary]") {
  Metrics m = some_metrics();
  m.punctuations = 6;
  m.open_windows_at_end = 7;
  m.events_at_unbounded_clock = 1;
  m.lag_samples = 3;
  m.lag_mean_ms = 1500.9;  // whole milliseconds, toward zero
  m.lag_max_ms = 2000;
  const std::string table = summary_table(m, Timing{1.0});
  CHECK(row(table, "punctuations") == "6");
  CHECK(row(table, "open at end (kept)") == "7");
  CHECK(row(table, "events at clock -inf") ==
        "1 (before every partition had sent; see --idle-timeout)");
  CHECK(row(table, "watermark lag") == "mean 1500ms, max 2s");
}

TEST_CASE("summary JSON: the documented fields, in order, with the run's configuration",
          "[summary]") {
  RunConfig config;
  config.window = TumblingSpec(Duration{10'000});
  config.idle_timeout = Duration{5'000};
  Metrics m = some_metrics();
  m.punctuations = 1;
  const std::string text = summary_json(config, "demo.csv", m, Timing{2.0});
  REQUIRE(text.back() == '\n');
  const Json j = Json::parse(text);

  // docs/metrics.md lists the fields in this order.
  CHECK(keys_of(j) == std::vector<std::string>{"schema_version", "trace", "config", "events",
                                               "accepted", "late", "punctuations", "windows_fired",
                                               "updates", "retractions", "peak_open_windows",
                                               "peak_state_bytes", "open_windows_at_end", "keys",
                                               "watermark_lag_ms", "events_at_unbounded_clock",
                                               "wall_seconds", "events_per_second"});
  CHECK(keys_of(j["config"]) == std::vector<std::string>{"window", "timestamp", "watermark",
                                                         "clock", "idle_timeout", "partitions",
                                                         "schedule", "lateness", "end"});
  CHECK(j["schema_version"] == 1);
  CHECK(j["trace"] == "demo.csv");
  CHECK(j["config"]["window"] == config.window.to_string());
  CHECK(j["config"]["timestamp"] == "event");
  CHECK(j["config"]["watermark"] == config.watermark.to_string());
  CHECK(j["config"]["clock"] == std::string(to_string(config.clock)));
  CHECK(j["config"]["idle_timeout"] == "5s");
  CHECK(j["config"]["partitions"] == 2);  // the run's, from the metrics
  CHECK(j["config"]["lateness"] == config.lateness.to_string());
  CHECK(j["events"] == 4);
  CHECK(j["accepted"] == 3);
  CHECK(j["late"] == 1);
  CHECK(j["punctuations"] == 1);
  CHECK(j["windows_fired"] == 2);
  CHECK(j["updates"] == 1);
  CHECK(j["retractions"] == 0);
  CHECK(j["peak_open_windows"] == 5);
  CHECK(j["peak_state_bytes"] == 640);
  CHECK(j["keys"] == 3);
  CHECK(j["wall_seconds"] == 2.0);
  CHECK(j["events_per_second"] == 2.0);
}

TEST_CASE("summary JSON: what was not measured is null, without timing no timing fields",
          "[summary]") {
  Metrics m = some_metrics();
  const Json j = Json::parse(summary_json(RunConfig{}, "t", m, std::nullopt));
  CHECK(j["config"]["idle_timeout"].is_null());
  CHECK(j["watermark_lag_ms"]["mean"].is_null());  // no samples: the clock was never finite
  CHECK(j["watermark_lag_ms"]["max"].is_null());
  CHECK(j["watermark_lag_ms"]["samples"] == 0);
  CHECK_FALSE(j.contains("wall_seconds"));
  CHECK_FALSE(j.contains("events_per_second"));

  m.lag_samples = 2;
  m.lag_mean_ms = 12.5;
  m.lag_max_ms = 20;
  const Json sampled = Json::parse(summary_json(RunConfig{}, "t", m, Timing{0}));
  CHECK(sampled["watermark_lag_ms"]["mean"] == 12.5);
  CHECK(sampled["watermark_lag_ms"]["max"] == 20);
  CHECK(sampled["watermark_lag_ms"]["samples"] == 2);
  CHECK(sampled["events_per_second"] == 0.0);  // no wall time: 0, not a division by zero
}

TEST_CASE("summary JSON: a profile is named in the config, its options after it", "[summary]") {
  const ProfileSummary profile{"flink", {{"watermark_interval", "200ms"}, {"trigger", "event"}}};
  const Json j = Json::parse(summary_json(RunConfig{}, "t", Metrics{}, std::nullopt, profile));
  const std::vector<std::string> keys = keys_of(j["config"]);
  REQUIRE(keys.size() == 12);
  CHECK(std::vector<std::string>(keys.end() - 3, keys.end()) ==
        std::vector<std::string>{"profile", "watermark_interval", "trigger"});
  CHECK(j["config"]["profile"] == "flink");
  CHECK(j["config"]["watermark_interval"] == "200ms");
  CHECK(j["config"]["trigger"] == "event");
}

TEST_CASE("summary JSON: a trace name that is not UTF-8 is written with U+FFFD, not refused",
          "[summary]") {
  const std::string text = summary_json(RunConfig{},
                                        "a\xff"
                                        "b.csv",
                                        Metrics{}, std::nullopt);
  CHECK(Json::parse(text)["trace"] ==
        "a\xEF\xBF\xBD"
        "b.csv");
}
