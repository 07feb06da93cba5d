#include "tidemark/windows/profiles/flink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <variant>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/windows/profiles/flink_periodic_watermarks.hpp"
#include "tidemark/windows/profiles/flink_watermark_valve.hpp"
#include "tidemark/windows/profiles/flink_windows.hpp"
#include "tidemark/windows/profiles/profile.hpp"

namespace tidemark {

FlinkTrigger parse_flink_trigger(std::string_view text) {
  if (text == "event-time") return FlinkTrigger::kEventTime;
  if (text == "purging") return FlinkTrigger::kPurging;
  throw ConfigError(fmt::format("--trigger {}: expected event-time or purging", text));
}

void validate(const FlinkConfig& config) {
  if (std::holds_alternative<SlidingSpec>(config.window.kinds())) {
    throw ConfigError(fmt::format(
        "--window {}: Flink has no such assigner (its SlidingEventTimeWindows is tidemark's "
        "hopping); use --window hopping:SIZE/ADVANCE",
        config.window.to_string()));
  }
  if (config.allowed_lateness.ms < 0) throw ConfigError("--lateness: grace must be >= 0");
  if (config.out_of_orderness.ms < 0) throw ConfigError("--watermark: the delay must be >= 0");
  if (config.watermark_interval.ms < 0) {
    throw ConfigError("--watermark-interval: must be >= 0 (0: after every record)");
  }
  if (config.idle_timeout) {
    if (config.idle_timeout->ms <= 0) throw ConfigError("--idle-timeout: must be > 0");
    if (config.watermarks != FlinkWatermarks::kBounded) {
      throw ConfigError(
          "--idle-timeout under --profile flink: withIdleness wraps a bounded watermark "
          "generator; punctuated W rows have none");
    }
    if (config.watermark_interval.ms == 0) {
      throw ConfigError(
          "--idle-timeout under --profile flink: Flink detects idleness at periodic watermark "
          "emits; give --watermark-interval > 0");
    }
  }
}

namespace {

// The window kind and the trigger are chosen here, once per run.
using FlinkOperator =
    std::variant<FlinkTimeWindows<EventTimeTrigger>, FlinkSessionWindows<EventTimeTrigger>,
                 FlinkTimeWindows<PurgingEventTimeTrigger>,
                 FlinkSessionWindows<PurgingEventTimeTrigger>>;

template <class Trigger>
FlinkOperator make_operator(const FlinkConfig& c) {
  const int64_t g = c.allowed_lateness.ms;
  using Time = FlinkTimeWindows<Trigger>;
  return c.window.visit(Overloaded{
      [&](const TumblingSpec& t) {
        return FlinkOperator(std::in_place_type<Time>, t.size().ms, t.size().ms, t.offset().ms, g);
      },
      [&](const HoppingSpec& h) {
        return FlinkOperator(std::in_place_type<Time>, h.size().ms, h.advance().ms, h.offset().ms,
                             g);
      },
      [&](const SessionSpec& s) {
        return FlinkOperator(std::in_place_type<FlinkSessionWindows<Trigger>>, s.gap().ms, g);
      },
      [&](const SlidingSpec&) -> FlinkOperator { throw ConfigError("sliding windows"); }});
}

FlinkOperator make_operator(const FlinkConfig& c) {
  if (c.trigger == FlinkTrigger::kPurging) return make_operator<PurgingEventTimeTrigger>(c);
  return make_operator<EventTimeTrigger>(c);
}

}  // namespace

RunResult run_flink(const Trace& trace, const FlinkConfig& config, ProfileResultSink& results,
                    LateSink& late, ClockSink* clock) {
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
  ResultForwarder out(results);
  FlinkOperator any = make_operator(config);
  FlinkWatermarkValve valve(uint32_t(m.partitions));
  FlinkPeriodicWatermarks generators(
      uint32_t(m.partitions),
      {config.out_of_orderness.ms, config.watermark_interval.ms,
       config.idle_timeout ? std::optional<int64_t>(config.idle_timeout->ms) : std::nullopt});
  std::vector<FlinkPeriodicWatermarks::Change> changes;  // reused
  int64_t watermark = FlinkWatermarkValve::kNoWatermark;
  Timestamp proc_time = Timestamp::min();
  double lag_sum = 0;
  uint64_t row = 0;  // the trace row being processed, for --clock-output
  std::vector<uint8_t> marked_idle(m.partitions, 0);  // by an I row, until the next record
  using Cause = ClockChange::Cause;
  using Status = ClockChange::Status;
  // --clock-output: a change of the valve's output (`status` kNone) or of a partition's status.
  const auto tell = [&](Cause cause, std::optional<PartitionId> partition, Status status,
                        Timestamp at) {
    clock->on_clock(
        {cause, cause == Cause::kEnd ? 0 : row, partition, Timestamp{watermark}, status, at});
  };
  std::visit(
      [&](auto& op) {
        // The operator's timers fire on each watermark the valve emits, before the next element.
        // `at`: the processing time of what moved it (a tick's, or the current row's); `cause`
        // and `partition`: what moved it, for --clock-output.
        const auto advance = [&](const FlinkWatermarkValve::Output& o, Timestamp at, Cause cause,
                                 std::optional<PartitionId> partition) {
          if (!o.watermark) return;
          watermark = *o.watermark;
          if (clock) tell(cause, partition, Status::kNone, at);
          out.set_time(watermark, at);
          op.advance(watermark, out);
        };
        // What the partitions' generators emitted goes through the valve, in order.
        const auto apply = [&](std::vector<FlinkPeriodicWatermarks::Change>& emitted, Cause cause) {
          using Kind = FlinkPeriodicWatermarks::Change::Kind;
          for (const auto& c : emitted) {
            if (c.kind != Kind::kWatermark && clock) {
              tell(cause, c.partition, c.kind == Kind::kIdle ? Status::kIdle : Status::kActive,
                   Timestamp{c.at});
            }
            advance(c.kind == Kind::kWatermark
                        ? valve.input_watermark(c.partition, c.watermark)
                        : valve.input_status(c.partition, c.kind == Kind::kIdle),
                    Timestamp{c.at}, cause, c.partition);
          }
          emitted.clear();
        };
        // An I row: the partition's source sends WatermarkStatus.IDLE; its next record (E or W)
        // sends ACTIVE first. The valve's rules do the rest.
        const auto mark = [&](PartitionId p, bool idle) {
          if (bool(marked_idle[p]) == idle) return;
          marked_idle[p] = idle;
          if (clock) tell(Cause::kRow, p, idle ? Status::kIdle : Status::kActive, proc_time);
          advance(valve.input_status(p, idle), proc_time, Cause::kRow, p);
        };
        for (const Event& e : trace.records()) {
          row = e.row;
          if (receive) proc_time = std::max(proc_time, e.receive_time);
          if (e.kind != RecordKind::kEvent) {  // W and I rows, counted as punctuations
            ++m.punctuations;
            if (bounded && proc_time.is_finite()) {
              generators.advance_to(proc_time.ms, changes);
              apply(changes, Cause::kTick);
            }
            mark(e.partition, e.kind == RecordKind::kIdle);
            if (e.kind == RecordKind::kWatermark && !bounded) {
              advance(valve.input_watermark(e.partition, e.event_time.ms), proc_time, Cause::kRow,
                      e.partition);
            }
            continue;
          }
          const Timestamp t = extract(e, config.timestamp);
          if (!receive) proc_time = std::max(proc_time, t);
          ++m.events;
          // The periodic emits due by this record's processing time come before it.
          if (bounded && proc_time.is_finite()) {
            generators.advance_to(proc_time.ms, changes);
            apply(changes, Cause::kTick);
          }
          mark(e.partition, false);
          out.set_time(watermark, proc_time);
          // TimestampsAndWatermarksOperator forwards the record before its generator sees it.
          if (op.process(e.key, t.ms, e.value, watermark, out)) {
            ++m.accepted;
          } else {
            ++m.late;
            late.on_late(
                LateEvent{e.row, e.partition, e.key, e.event_time, t, Timestamp{watermark}});
          }
          if (bounded) {
            generators.on_record(e.partition, t.ms, proc_time.ms, changes);
            apply(changes, Cause::kRow);
          }
          m.peak_open_windows = std::max(m.peak_open_windows, op.open_windows());
          const uint64_t bytes = op.state_bytes();
          m.peak_state_bytes = std::max(m.peak_state_bytes, bytes);
          check_profile_state(Profile::kFlink, config.window, config.max_state, bytes);
          // Watermark lag = processing time - watermark, after each event while both are finite.
          if (watermark != FlinkWatermarkValve::kNoWatermark && proc_time.is_finite()) {
            const int64_t lag = proc_time.ms - watermark;
            ++m.lag_samples;
            lag_sum += double(lag);
            m.lag_max_ms = std::max(m.lag_max_ms, lag);
          }
        }
        if (config.end_of_input_watermark) {
          // Watermark.MAX_WATERMARK, forwarded before the operators finish: the generators' last
          // periodic emit cannot rise above it.
          advance({std::numeric_limits<int64_t>::max(), {}}, proc_time, Cause::kEnd, std::nullopt);
        } else if (bounded && proc_time.is_finite()) {
          generators.close(proc_time.ms, changes);
          apply(changes, Cause::kEnd);
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
