#include "tidemark/windows/profiles/flink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <variant>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/windows/profiles/flink_watermark_valve.hpp"
#include "tidemark/windows/profiles/flink_windows.hpp"
#include "tidemark/windows/profiles/profile.hpp"

namespace tidemark {

void validate(const FlinkConfig& config) {
  if (std::holds_alternative<SlidingSpec>(config.window.kinds())) {
    throw ConfigError(fmt::format(
        "--window {}: Flink has no such assigner (its SlidingEventTimeWindows is tidemark's "
        "hopping); use --window hopping:SIZE/ADVANCE",
        config.window.to_string()));
  }
  if (config.allowed_lateness.ms < 0) throw ConfigError("--lateness: grace must be >= 0");
  if (config.out_of_orderness.ms < 0) throw ConfigError("--watermark: the delay must be >= 0");
}

namespace {

using FlinkOperator = std::variant<FlinkTimeWindows, FlinkSessionWindows>;

FlinkOperator make_operator(const FlinkConfig& c) {
  const int64_t g = c.allowed_lateness.ms;
  return c.window.visit(Overloaded{
      [&](const TumblingSpec& t) {
        return FlinkOperator(std::in_place_type<FlinkTimeWindows>, t.size().ms, t.size().ms,
                             t.offset().ms, g);
      },
      [&](const HoppingSpec& h) {
        return FlinkOperator(std::in_place_type<FlinkTimeWindows>, h.size().ms, h.advance().ms,
                             h.offset().ms, g);
      },
      [&](const SessionSpec& s) {
        return FlinkOperator(std::in_place_type<FlinkSessionWindows>, s.gap().ms, g);
      },
      [&](const SlidingSpec&) -> FlinkOperator { throw ConfigError("sliding windows"); }});
}

}  // namespace

RunResult run_flink(const Trace& trace, const FlinkConfig& config, KafkaResultSink& results,
                    LateSink& late) {
  validate(config);
  if (config.watermarks == FlinkWatermarks::kPunctuated && !trace.has(kColKind)) {
    throw ConfigError(fmt::format(
        "--watermark punctuated needs W rows (a \"kind\" column), which {} does not have",
        trace.source));
  }
  Metrics m;
  m.partitions = profile_partitions(trace, config.timestamp, config.partitions);
  m.keys = trace.keys.size();
  const bool receive = trace.has(kColReceiveTime);
  const bool bounded = config.watermarks == FlinkWatermarks::kBounded;
  KafkaForwarder out(results);
  FlinkOperator any = make_operator(config);
  FlinkWatermarkValve valve(uint32_t(m.partitions));
  // BoundedOutOfOrdernessWatermarks: the largest timestamp per partition, starting where the
  // first watermark is Long.MIN_VALUE (Long.MIN_VALUE + D + 1), so that max - D - 1 never
  // overflows and earlier timestamps never raise it.
  const int64_t delay = config.out_of_orderness.ms;
  std::vector<int64_t> max_timestamp(m.partitions, std::numeric_limits<int64_t>::min() + delay + 1);
  int64_t watermark = FlinkWatermarkValve::kNoWatermark;
  Timestamp proc_time = Timestamp::min();
  double lag_sum = 0;
  std::visit(
      [&](auto& op) {
        // The operator's timers fire on each watermark the valve emits, before the next element.
        const auto advance = [&](const FlinkWatermarkValve::Output& o) {
          if (!o.watermark) return;
          watermark = *o.watermark;
          out.set_time(watermark, proc_time);
          op.advance(watermark, out);
        };
        for (const Event& e : trace.records()) {
          if (receive) proc_time = std::max(proc_time, e.receive_time);
          if (e.kind == RecordKind::kWatermark) {
            ++m.punctuations;
            if (!bounded) advance(valve.input_watermark(e.partition, e.event_time.ms));
            continue;
          }
          const Timestamp t = extract(e, config.timestamp);
          if (!receive) proc_time = std::max(proc_time, t);
          ++m.events;
          out.set_time(watermark, proc_time);
          // TimestampsAndWatermarksOperator forwards the record before its generator sees it.
          if (op.process(e.key, t.ms, e.value, watermark, out)) {
            ++m.accepted;
          } else {
            ++m.late;
            late.on_late(
                LateEvent{e.row, e.partition, e.key, e.event_time, t, Timestamp{watermark}});
          }
          int64_t& max = max_timestamp[e.partition];
          if (bounded && t.ms > max) {
            max = t.ms;
            advance(valve.input_watermark(e.partition, max - delay - 1));
          }
          m.peak_open_windows = std::max(m.peak_open_windows, op.open_windows());
          // Watermark lag = processing time - watermark, after each event while both are finite.
          if (watermark != FlinkWatermarkValve::kNoWatermark && proc_time.is_finite()) {
            const int64_t lag = proc_time.ms - watermark;
            ++m.lag_samples;
            lag_sum += double(lag);
            m.lag_max_ms = std::max(m.lag_max_ms, lag);
          }
        }
        if (config.end_of_input_watermark) {
          advance({std::numeric_limits<int64_t>::max(), {}});  // Watermark.MAX_WATERMARK
        }
        m.open_windows_at_end = op.open_windows();
      },
      any);
  out.add_counts_to(m);
  if (m.lag_samples > 0) m.lag_mean_ms = lag_sum / double(m.lag_samples);
  m.final_clock = Timestamp{watermark};
  return RunResult{m};
}

}  // namespace tidemark
