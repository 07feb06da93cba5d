#include "tidemark/runner/profile_runs.hpp"

#include <fmt/format.h>

#include "tidemark/core/error.hpp"

namespace tidemark {

namespace {

[[noreturn]] void refuse(std::string_view profile, std::string_view what, std::string_view why) {
  throw ConfigError(fmt::format("{} under --profile {}: {}", what, profile, why));
}

void check_lateness(std::string_view profile, const RunConfig& run) {
  if (run.lateness.kind() == LatenessPolicy::Kind::kWait) {
    refuse(profile, run.lateness.to_string(), "the engine has no wait; use grace:G");
  }
}

// Emissions are converted as they come, so a run holds no second copy of its rows.
class EmissionRows final : public ProfileResultSink, public LateSink {
 public:
  EmissionRows(const WindowSpec& window, bool kafka_bounds)
      : window_(window), kafka_bounds_(kafka_bounds) {}
  void on_result(const ProfileResult& r) override {
    emissions.push_back(to_emission(r, window_, kafka_bounds_));
  }
  void on_late(const LateEvent&) override {}  // counted in Metrics
  std::vector<Emission> emissions;

 private:
  const WindowSpec& window_;
  bool kafka_bounds_;
};

}  // namespace

FlinkConfig flink_config(const RunConfig& run, FlinkConfig options) {
  constexpr std::string_view kFlink = "flink";
  if (run.clock != ClockMode::kWatermark) {
    refuse(kFlink, fmt::format("clock {}", to_string(run.clock)), "Flink's clock is the watermark");
  }
  if (run.schedule != Schedule::kArrival) {
    refuse(kFlink, fmt::format("schedule {}", to_string(run.schedule)),
           "Flink takes each partition's records as they arrive");
  }
  check_lateness(kFlink, run);
  FlinkConfig f = std::move(options);
  f.window = run.window;
  f.allowed_lateness = run.lateness.allowed();
  f.watermarks = run.watermark.kind == WatermarkSpec::Kind::kPunctuated
                     ? FlinkWatermarks::kPunctuated
                     : FlinkWatermarks::kBounded;
  f.out_of_orderness = run.watermark.delay;
  f.idle_timeout = run.idle_timeout;
  f.timestamp = run.timestamp;
  f.partitions = run.partitions;
  f.end_of_input_watermark = run.end == EndMode::kFlush;
  f.max_state = run.max_state.per_run();
  validate(f);
  return f;
}

KafkaStreamsConfig kafka_streams_config(const RunConfig& run, KafkaStreamsConfig options) {
  constexpr std::string_view kKafka = "kafka-streams";
  if (run.watermark.kind == WatermarkSpec::Kind::kPunctuated || run.watermark.delay.ms != 0) {
    refuse(kKafka, fmt::format("watermark {}", run.watermark.to_string()),
           "Kafka Streams has no watermarks; its clock is stream time");
  }
  if (run.idle_timeout) {
    refuse(kKafka, "an idle timeout", "Kafka Streams has no idle partitions");
  }
  if (run.schedule != Schedule::kArrival) {
    refuse(kKafka, fmt::format("schedule {}", to_string(run.schedule)),
           "records are taken in PartitionGroup order");
  }
  check_lateness(kKafka, run);
  KafkaStreamsConfig k = std::move(options);
  k.window = run.window;
  k.grace = run.lateness.allowed();
  k.timestamp = run.timestamp;
  k.partitions = run.partitions;
  k.max_state = run.max_state.per_run();
  validate(k);
  return k;
}

Emission to_emission(const ProfileResult& r, const WindowSpec& window, bool kafka_bounds) {
  Timestamp end{r.end};
  if (kafka_bounds) {
    window.visit(Overloaded{[&](const SlidingSpec&) { end = end + Duration{1}; },
                            [&](const SessionSpec& s) { end = end + s.gap(); },
                            [](const auto&) {}});
  }
  Emission e;
  e.key = r.key;
  e.window = Window{Timestamp{r.start}, end};
  e.stats = r.stats;
  e.kind = r.kind;
  e.clock = Timestamp{r.stream_time};
  e.proc_time = r.proc_time;
  e.seq = r.seq;
  return e;
}

ProfileRunOutput run_profile(const Trace& trace, const RunConfig& run, const FlinkRules& rules) {
  const FlinkConfig config = flink_config(run, rules.options);
  EmissionRows rows(config.window, false);
  ProfileRunOutput out;
  out.metrics = run_flink(trace, config, rows, rows).metrics;
  out.emissions = std::move(rows.emissions);
  return out;
}

ProfileRunOutput run_profile(const Trace& trace, const RunConfig& run,
                             const KafkaStreamsRules& rules) {
  const KafkaStreamsConfig config = kafka_streams_config(run, rules.options);
  EmissionRows rows(config.window, true);
  ProfileRunOutput out;
  out.metrics = run_kafka_streams(trace, config, rows, rows).metrics;
  out.emissions = std::move(rows.emissions);
  out.order = kafka_processing_order(trace, config.timestamp);
  return out;
}

}  // namespace tidemark
