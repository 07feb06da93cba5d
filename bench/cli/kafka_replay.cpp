// `tidemark replay --profile kafka-streams`.
#include <fmt/format.h>

#include <chrono>
#include <optional>

#include "options.hpp"
#include "output.hpp"
#include "profile_options.hpp"
#include "tidemark/core/outputs.hpp"
#include "tidemark/core/summary.hpp"

namespace tidemark::cli {

namespace {

class JsonLinesKafkaSink final : public KafkaResultSink {
 public:
  JsonLinesKafkaSink(std::ostream& out, const KeyTable& keys) : writer_(out, keys) {}
  void on_result(const KafkaResult& r) override { writer_.write(r); }
  void flush() { writer_.flush(); }

 private:
  JsonLinesWriter<KafkaResult> writer_;
};

}  // namespace

int replay_kafka_streams(const ReplayPaths& paths, const RunConfig& config,
                         const KafkaStreamsConfig& kafka, std::ostream& out, std::ostream& err) {
  const Trace trace = load_trace(paths.trace);
  std::optional<Output> summary_out;
  if (!paths.summary.empty()) summary_out.emplace(paths.summary, out);
  Output results_out(paths.output, out);
  Output late_out(paths.late_output, out);
  NullSink discard;
  JsonLinesKafkaSink results(results_out.stream(), trace.keys);
  std::optional<JsonLinesLateSink> late;
  if (!paths.late_output.empty()) late.emplace(late_out.stream(), trace.keys);
  LateSink& late_sink = late ? static_cast<LateSink&>(*late) : discard;
  const auto named = [&](auto&& step) {
    try {
      return step();
    } catch (const WriteError&) {
      for (Output* o : {&results_out, &late_out}) {
        if (!o->stream()) o->close();
      }
      throw;
    }
  };
  const auto start = std::chrono::steady_clock::now();
  const RunResult r = named([&] { return run_kafka_streams(trace, kafka, results, late_sink); });
  const Timing timing{
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
  named([&] {
    results.flush();
    if (late) late->flush();
  });
  results_out.close();
  late_out.close();
  const bool stdout_busy = results_out.is_fallback() || (late && late_out.is_fallback()) ||
                           (summary_out && summary_out->is_fallback());
  std::ostream& table = stdout_busy ? err : out;
  table << fmt::format("tidemark replay {}  {}  kafka-streams  stream-time  grace:{}ms  {}\n",
                       paths.trace, config.window.to_string(), kafka.grace.ms,
                       kafka.emit == KafkaEmit::kOnUpdate ? "on-update" : "on-close")
        << summary_table(r.metrics, timing);
  if (summary_out) summary_out->stream() << summary_json(config, paths.trace, r.metrics, timing);
  commit_outputs(out, {&results_out, &late_out, summary_out ? &*summary_out : nullptr});
  return 0;
}

}  // namespace tidemark::cli
