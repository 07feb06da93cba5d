#include "profile_options.hpp"

#include <fmt/format.h>

#include "tidemark/core/error.hpp"

namespace tidemark::cli {

namespace {

bool given(const CLI::App& app, const std::string& option) {
  return app.count(option) > 0;
}

[[noreturn]] void refuse(const std::string& option, const std::string& why,
                         std::string_view profile = "kafka-streams") {
  throw ConfigError(fmt::format("{} under --profile {}: {}", option, profile, why));
}

}  // namespace

void add_profile_options(CLI::App& app, ProfileOptions& p, bool with_emission) {
  app.add_option(
         "--profile", p.profile,
         "Whose rules: generic (tidemark's, docs/semantics.md) | kafka-streams (what a "
         "Kafka Streams windowed aggregation forwards: stream time, PartitionGroup order, "
         "grace; docs/profiles.md) | flink (what a Flink DataStream window with the event-time "
         "trigger emits: BoundedOutOfOrderness watermarks max - D - 1 per partition, "
         "emitted every --watermark-interval of processing time, combined by the "
         "StatusWatermarkValve; --idle-timeout is withIdleness; --lateness grace:G is "
         "allowedLateness; hopping is Flink's sliding; docs/profiles.md). An engine profile "
         "refuses, in one line, each option its engine has no counterpart for (--schedule, "
         "wait:D, a clock not its own; docs/profiles.md lists them) and writes results as JSON "
         "Lines only. Example: --profile flink")
      ->capture_default_str();
  if (!with_emission) return;
  app.add_option("--watermark-interval", p.watermark_interval,
                 "flink only: pipeline.auto-watermark-interval, how often (in processing time: "
                 "receive_time, or the largest event time so far without that column) each "
                 "partition emits its bounded watermark (punctuated W rows are not periodic); "
                 "ticks fall every interval from the first row. Default: 200ms, Flink's. 0 emits "
                 "after every record (tidemark's "
                 "definition: in Flink, 0 turns periodic watermarks off). Example: "
                 "--watermark-interval 1s");
  app.add_option("--trigger", p.trigger,
                 "flink only: event-time (default; EventTimeTrigger: each firing emits the "
                 "window's full contents, re-firing with all of them for an element within "
                 "allowed lateness) | purging (PurgingTrigger.of(EventTimeTrigger): each firing "
                 "emits only what arrived since the previous one, then clears it). Example: "
                 "--trigger purging");
  app.add_option("--emit", p.emit,
                 "kafka-streams only: on-update (default; every accepted record forwards each "
                 "window it changed, as with caching disabled) | on-close "
                 "(EmitStrategy.onWindowClose(): once per window when stream time reaches its "
                 "close). Example: --emit on-close");
  app.add_option("--aggregate", p.aggregate,
                 "kafka-streams only: stats (default) | collect (results also list the window's "
                 "values in Kafka's aggregation order, as \"values\"). Example: --aggregate "
                 "collect");
  app.add_option("--retention", p.retention,
                 "kafka-streams only: the window store's retention (Materialized.withRetention), "
                 "how far back from the newest window it still finds windows to update or "
                 "merge. Default: the DSL's, size + grace | 2 x DIFF + grace (sliding) | GAP + "
                 "grace (session). Example: --retention 15m");
}

Profile chosen_profile(const CLI::App& app, const ProfileOptions& p) {
  const Profile profile = parse_profile(p.profile);
  if (profile != Profile::kKafkaStreams) {
    for (const char* option : {"--emit", "--aggregate", "--retention"}) {
      if (app.get_option_no_throw(option) != nullptr && given(app, option)) {
        throw ConfigError(fmt::format("{}: only under --profile kafka-streams", option));
      }
    }
  }
  if (profile != Profile::kFlink) {
    for (const char* option : {"--watermark-interval", "--trigger"}) {
      if (app.get_option_no_throw(option) != nullptr && given(app, option)) {
        throw ConfigError(fmt::format("{}: only under --profile flink", option));
      }
    }
  }
  return profile;
}

KafkaStreamsConfig kafka_streams_config(const CLI::App& app, const ProfileOptions& p,
                                        RunConfig& config) {
  if (config.watermark.kind == WatermarkSpec::Kind::kPunctuated) {
    refuse("--watermark punctuated", "Kafka Streams has no watermarks; its clock is stream time");
  }
  if (config.watermark.delay.ms != 0) {
    refuse("--watermark " + config.watermark.to_string(),
           "Kafka Streams has no watermarks; its clock is stream time (use --lateness grace:G)");
  }
  if (given(app, "--clock") && config.clock != ClockMode::kStreamTime) {
    refuse("--clock " + std::string(to_string(config.clock)),
           "Kafka Streams' clock is stream time");
  }
  if (config.idle_timeout) {
    refuse("--idle-timeout", "Kafka Streams has no idle partitions (max.task.idle.ms only waits)");
  }
  if (given(app, "--schedule")) {
    refuse("--schedule", "records are taken in PartitionGroup order (docs/profiles.md)");
  }
  if (config.lateness.kind() == LatenessPolicy::Kind::kWait) {
    refuse("--lateness " + config.lateness.to_string(),
           "Kafka Streams has no wait; use --lateness grace:G with --emit on-close");
  }
  if (given(app, "--end") && config.end == EndMode::kFlush) {
    refuse("--end flush", "Kafka Streams forwards nothing at the end of its input");
  }
  KafkaStreamsConfig k;
  k.window = config.window;
  k.grace = config.lateness.allowed();
  if (!p.emit.empty()) k.emit = parse_kafka_emit(p.emit);
  if (!p.aggregate.empty()) k.values = parse_kafka_values(p.aggregate);
  if (!p.retention.empty()) k.retention = parse_duration(p.retention, "retention");
  k.timestamp = config.timestamp;
  k.partitions = config.partitions;
  k.max_state = config.max_state.bytes;
  validate(k);
  config.clock = ClockMode::kStreamTime;
  config.end = EndMode::kKeep;
  return k;
}

FlinkConfig flink_config(const CLI::App& app, const ProfileOptions& p, const RunConfig& config) {
  constexpr std::string_view kFlink = "flink";
  if (given(app, "--clock") && config.clock != ClockMode::kWatermark) {
    refuse("--clock " + std::string(to_string(config.clock)), "Flink's clock is the watermark",
           kFlink);
  }
  if (config.schedule != Schedule::kArrival) {
    refuse("--schedule " + std::string(to_string(config.schedule)),
           "Flink takes each partition's records as they arrive", kFlink);
  }
  if (config.lateness.kind() == LatenessPolicy::Kind::kWait) {
    refuse("--lateness " + config.lateness.to_string(),
           "the event-time trigger has no wait; use --lateness grace:G (allowedLateness)", kFlink);
  }
  FlinkConfig f;
  f.window = config.window;
  f.allowed_lateness = config.lateness.allowed();
  f.watermarks = config.watermark.kind == WatermarkSpec::Kind::kPunctuated
                     ? FlinkWatermarks::kPunctuated
                     : FlinkWatermarks::kBounded;
  f.out_of_orderness = config.watermark.delay;
  if (given(app, "--watermark-interval")) {
    f.watermark_interval = parse_duration(p.watermark_interval, "--watermark-interval");
  }
  f.idle_timeout = config.idle_timeout;
  if (given(app, "--trigger")) f.trigger = parse_flink_trigger(p.trigger);
  f.timestamp = config.timestamp;
  f.partitions = config.partitions;
  f.end_of_input_watermark = config.end == EndMode::kFlush;
  f.max_state = config.max_state.bytes;
  validate(f);
  return f;
}

}  // namespace tidemark::cli
