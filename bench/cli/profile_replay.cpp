// `tidemark replay --profile kafka-streams|flink`: the engine profiles' runs share the reading
// of the whole trace, the rows with `ts` and the summary.
#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <optional>

#include "options.hpp"
#include "output.hpp"
#include "profile_options.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/output/clock_changes.hpp"
#include "tidemark/core/output/outputs.hpp"
#include "tidemark/core/output/summary.hpp"

namespace tidemark::cli {

namespace {

using ProfileRun =
    std::function<RunResult(const Trace&, ProfileResultSink&, LateSink&, ClockSink*)>;

// The profiles' rows as JSON Lines, through a buffer written out in blocks of at least 64 KiB.
// Rows may be long (--aggregate collect lists every value), so the buffer is a string that grows.
class JsonLinesProfileSink final : public ProfileResultSink {
 public:
  JsonLinesProfileSink(std::ostream& out, const KeyTable& keys) : out_(out), keys_(keys) {}
  void on_result(const ProfileResult& r) override {
    append_json(buffer_, r, keys_);
    buffer_ += '\n';
    if (buffer_.size() >= kFlushBytes) flush();
  }
  // Throws WriteError when the stream has failed (a full disk).
  void flush() {
    out_.write(buffer_.data(), std::streamsize(buffer_.size()));
    buffer_.clear();
    if (!out_) throw WriteError("writing rows failed");
  }

 private:
  static constexpr size_t kFlushBytes = 1 << 16;
  std::ostream& out_;
  const KeyTable& keys_;
  std::string buffer_;
};

class DiscardProfileResults final : public ProfileResultSink {
 public:
  void on_result(const ProfileResult&) override {}
};

// The trace is read whole; `run` replays it into the sinks, `title` ends the summary's first line.
int replay_profile(const ReplayPaths& paths, const RunConfig& config, const std::string& title,
                   const ProfileSummary& profile, const ProfileRun& run, std::ostream& out,
                   std::ostream& err) {
  const Trace trace = load_trace(paths.trace);
  std::optional<Output> summary_out;
  if (!paths.summary.empty()) summary_out.emplace(paths.summary, out);
  Output results_out(paths.output, out);
  Output late_out(paths.late_output, out);
  Output clock_out(paths.clock_output, out);
  NullSink discard;
  // An empty output path is -o none: results are computed (the summary counts them) and dropped.
  std::optional<JsonLinesProfileSink> results;
  if (!paths.output.empty()) results.emplace(results_out.stream(), trace.keys);
  DiscardProfileResults discard_results;
  ProfileResultSink& result_sink =
      results ? static_cast<ProfileResultSink&>(*results) : discard_results;
  std::optional<JsonLinesLateSink> late;
  if (!paths.late_output.empty()) late.emplace(late_out.stream(), trace.keys);
  LateSink& late_sink = late ? static_cast<LateSink&>(*late) : discard;
  std::optional<JsonLinesClockWriter> clock;
  if (!paths.clock_output.empty()) clock.emplace(clock_out.stream());
  const auto named = [&](auto&& step) {
    return naming_failed_output({&results_out, &late_out, &clock_out}, step);
  };
  const auto start = std::chrono::steady_clock::now();
  const RunResult r =
      named([&] { return run(trace, result_sink, late_sink, clock ? &*clock : nullptr); });
  const Timing timing{
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
  named([&] {
    if (results) results->flush();
    if (late) late->flush();
    if (clock) clock->flush();
  });
  results_out.close();
  late_out.close();
  clock_out.close();
  const bool stdout_busy = (results && results_out.is_fallback()) ||
                           (late && late_out.is_fallback()) || (clock && clock_out.is_fallback()) ||
                           (summary_out && summary_out->is_fallback());
  std::ostream& table = stdout_busy ? err : out;
  table << fmt::format("tidemark replay {}  {}  {}\n", paths.trace, config.window.to_string(),
                       title)
        << summary_table(r.metrics, timing);
  if (summary_out) {
    summary_out->stream() << summary_json(config, paths.trace, r.metrics, timing, profile);
  }
  commit_outputs(out, {&results_out, &late_out, &clock_out, summary_out ? &*summary_out : nullptr});
  return 0;
}

}  // namespace

int replay_kafka_streams(const ReplayPaths& paths, const RunConfig& config,
                         const KafkaStreamsConfig& kafka, std::ostream& out, std::ostream& err) {
  const std::string title =
      fmt::format("kafka-streams  stream-time  grace:{}ms  {}", kafka.grace.ms,
                  kafka.emit == KafkaEmit::kOnUpdate ? "on-update" : "on-close");
  const auto run = [&](const Trace& trace, ProfileResultSink& results, LateSink& late,
                       ClockSink* clock) {
    return run_kafka_streams(trace, kafka, results, late, clock);
  };
  const ProfileSummary profile{
      "kafka-streams",
      {{"emit", kafka.emit == KafkaEmit::kOnUpdate ? "on-update" : "on-close"},
       {"aggregate", kafka.values == KafkaValues::kCollect ? "collect" : "stats"},
       {"retention", format_duration(retention_of(kafka))}}};
  return replay_profile(paths, config, title, profile, run, out, err);
}

int replay_flink(const ReplayPaths& paths, const RunConfig& config, const FlinkConfig& flink,
                 std::ostream& out, std::ostream& err) {
  const std::string title = fmt::format("flink  {}  allowed-lateness:{}ms",
                                        config.watermark.to_string(), flink.allowed_lateness.ms);
  const auto run = [&](const Trace& trace, ProfileResultSink& results, LateSink& late,
                       ClockSink* clock) { return run_flink(trace, flink, results, late, clock); };
  const ProfileSummary profile{
      "flink",
      {{"watermark_interval", format_duration(flink.watermark_interval)},
       {"trigger", flink.trigger == FlinkTrigger::kPurging ? "purging" : "event-time"}}};
  return replay_profile(paths, config, title, profile, run, out, err);
}

}  // namespace tidemark::cli
