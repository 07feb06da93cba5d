#include "tidemark/runner/run.hpp"

#include <fmt/format.h>

#include <optional>
#include <span>
#include <variant>

#include "tidemark/core/error.hpp"
#include "tidemark/core/runtime/driver.hpp"
#include "tidemark/core/runtime/schedule.hpp"
#include "tidemark/core/trace_io/binary_trace.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"
#include "tidemark/windows/session/session_operator.hpp"
#include "tidemark/windows/sliding/sliding_operator.hpp"
#include "tidemark/windows/spec/assigners.hpp"
#include "tidemark/windows/time/time_window_operator.hpp"

namespace tidemark {

namespace {

// Every window emits count/sum/min/max/mean: the time windows' strategies follow from that
// aggregator's properties (TimeWindowsFor).
using Stats = StatsAggregator;
using AnyOperator =
    std::variant<TimeWindowsFor<TumblingAssigner, Stats>, TimeWindowsFor<HoppingAssigner, Stats>,
                 SlidingOperator, SessionOperator<Stats>>;

AnyOperator make_operator(const WindowSpec& w, LatenessPolicy p) {
  return w.visit(Overloaded{
      [&](const TumblingSpec& s) -> AnyOperator {
        return TimeWindowsFor<TumblingAssigner, Stats>(TumblingAssigner(s.size(), s.offset()), p);
      },
      [&](const HoppingSpec& s) -> AnyOperator {
        return TimeWindowsFor<HoppingAssigner, Stats>(
            HoppingAssigner(s.size(), s.advance(), s.offset()), p);
      },
      [&](const SlidingSpec& s) -> AnyOperator { return SlidingOperator(s.difference(), p); },
      [&](const SessionSpec& s) -> AnyOperator { return SessionOperator<Stats>(s.gap(), p); },
  });
}

}  // namespace

namespace {

// Checks the trace's columns against the config. Throws ConfigError.
void check_columns(const Trace& header, const RunConfig& config) {
  if (const std::string_view name = missing_column(config.timestamp, header.columns);
      !name.empty()) {
    throw ConfigError(fmt::format("--timestamp {} needs column \"{}\", which {} does not have",
                                  to_string(config.timestamp), name, header.source));
  }
  if (config.watermark.kind == WatermarkSpec::Kind::kPunctuated && !header.has(kColKind) &&
      config.clock == ClockMode::kWatermark) {
    throw ConfigError(fmt::format(
        "--watermark punctuated needs W rows (a \"kind\" column), which {} does not have",
        header.source));
  }
}

// A record beyond --partitions, named by its row.
[[noreturn]] void beyond_partitions(const Trace& header, const RunConfig& config, const Event& e) {
  throw ConfigError(
      fmt::format("--partitions {}: {} {} {} has partition {}", *config.partitions, header.source,
                  is_binary_trace_path(header.source) ? "record" : "line", e.row, e.partition));
}

// Checks columns against the config and resolves the partition count; `present` is 1 + the
// largest partition id in the trace. Throws ConfigError; with the trace's `events` at hand, a
// partition beyond --partitions is reported at its first record.
PartitionId resolve(const Trace& header, PartitionId present, const RunConfig& config,
                    std::span<const Event> events = {}) {
  check_columns(header, config);
  if (!config.partitions) return std::max<PartitionId>(present, 1);
  if (*config.partitions == 0 || *config.partitions > kMaxPartitions) {
    throw ConfigError(
        fmt::format("--partitions must be in [1, {}], got {}", kMaxPartitions, *config.partitions));
  }
  if (present > *config.partitions) {
    for (const Event& e : events) {
      if (e.partition >= *config.partitions) beyond_partitions(header, config, e);
    }
    // Streamed: no record read yet, only the header's count, checked against the records at
    // the end of the stream.
    throw ConfigError(fmt::format("--partitions {}: the header of {} gives {} partitions",
                                  *config.partitions, header.source, present));
  }
  return *config.partitions;
}

// Runs the operator for the configured window kind over the records `feed` hands to the driver.
// The clock observer, like the window kind, is chosen here once: without `clock` the loop has none.
template <class Feed>
Metrics drive(const RunConfig& config, PartitionId partitions, bool has_receive_time,
              ResultSink& results, LateSink& late, ClockSink* clock, Feed&& feed) {
  AnyOperator any = make_operator(config.window, config.lateness);
  return std::visit(
      [&](auto& op) {
        const auto with = [&](auto observer) {
          Driver driver(config, partitions, has_receive_time, op, results, late, observer);
          feed(driver);
          return driver.finish();
        };
        return clock ? with(ClockTracer(*clock)) : with(NoClockObserver{});
      },
      any);
}

}  // namespace

PartitionId validate(const Trace& trace, const RunConfig& config) {
  return validate(trace, trace.partition_count(), config);
}

PartitionId validate(const Trace& trace, PartitionId present, const RunConfig& config) {
  return resolve(trace, present, config, trace.records());
}

RunResult run(const Trace& trace, const RunConfig& config, ResultSink& results, LateSink& late,
              ClockSink* clock) {
  return run(trace, config, validate(trace, config), results, late, clock);
}

RunResult run(const Trace& trace, const RunConfig& config, PartitionId partitions,
              ResultSink& results, LateSink& late, ClockSink* clock) {
  Metrics m = drive(
      config, partitions, trace.has(kColReceiveTime), results, late, clock, [&](auto& driver) {
        if (config.schedule == Schedule::kArrival) {
          driver.process(trace.records());
        } else {
          const std::span<const Event> events = trace.records();
          for (uint32_t i : processing_order(trace, config.schedule, config.timestamp)) {
            driver.process(events[i]);
          }
        }
      });
  m.keys = trace.keys.size();
  return RunResult{m};
}

namespace {

// The whole trace of a reader, for an order other than arrival.
template <class Reader>
Trace read_whole(Reader& reader) {
  std::vector<Event> events;
  for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) {
    events.insert(events.end(), chunk.begin(), chunk.end());
  }
  Trace trace = reader.header();  // after the last record: a CSV's keys are all known by then
  trace.events = std::move(events);
  return trace;
}

// Runs a trace read chunk by chunk (BinaryTraceReader, CsvTraceReader) in arrival order.
// `present` is 1 + the largest partition id, or nullopt when the trace cannot tell before its
// records and --partitions gives the count: then each record is checked against it.
template <class Reader>
RunResult run_chunks(Reader& reader, std::optional<PartitionId> present, const RunConfig& config,
                     ResultSink& results, LateSink& late, ClockSink* clock) {
  const Trace& header = reader.header();
  const PartitionId partitions = resolve(header, present.value_or(0), config);
  Metrics m = drive(config, partitions, header.has(kColReceiveTime), results, late, clock,
                    [&](auto& driver) {
                      for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) {
                        if (!present) {
                          for (const Event& e : chunk) {
                            if (e.partition >= partitions) beyond_partitions(header, config, e);
                          }
                        }
                        driver.process(chunk);
                      }
                    });
  m.keys = header.keys.size();
  return RunResult{m};
}

}  // namespace

RunResult run(BinaryTraceReader& reader, const RunConfig& config, ResultSink& results,
              LateSink& late, ClockSink* clock) {
  if (config.schedule != Schedule::kArrival) {
    const Trace trace = read_whole(reader);
    return run(trace, config, results, late, clock);
  }
  return run_chunks(reader, reader.partitions(), config, results, late, clock);
}

RunResult run(CsvTraceReader& reader, const RunConfig& config, ResultSink& results, LateSink& late,
              ClockSink* clock) {
  if (config.schedule != Schedule::kArrival) {
    const Trace trace = read_whole(reader);
    return run(trace, config, results, late, clock);
  }
  if (config.partitions) return run_chunks(reader, std::nullopt, config, results, late, clock);
  check_columns(reader.header(), config);  // before a first pass over the file
  const std::optional<PartitionId> present = reader.partitions();
  if (!present) {
    throw ConfigError(fmt::format(
        "{} is not a regular file and holds more than {} records: pass --partitions, as the "
        "partition count (1 + the largest partition id) must be known before the first record "
        "and a pipe cannot be read twice",
        reader.header().source, kCsvReadAheadRecords));
  }
  return run_chunks(reader, present, config, results, late, clock);
}

}  // namespace tidemark
