#include "tidemark/windows/run.hpp"

#include <variant>

#include <fmt/format.h>

#include "tidemark/core/driver.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/schedule.hpp"
#include "tidemark/windows/assigners.hpp"
#include "tidemark/windows/session_operator.hpp"
#include "tidemark/windows/sliding_operator.hpp"
#include "tidemark/windows/time_window_operator.hpp"

namespace tidemark {

namespace {

using AnyOperator = std::variant<TimeWindowOperator<TumblingAssigner>,
                                 TimeWindowOperator<HoppingAssigner>, SlidingOperator,
                                 SessionOperator>;

AnyOperator make_operator(const WindowSpec& w, LatenessPolicy p) {
  switch (w.kind()) {
    case WindowKind::kTumbling:
      return TimeWindowOperator(TumblingAssigner(w.size(), w.offset()), p);
    case WindowKind::kHopping:
      return TimeWindowOperator(HoppingAssigner(w.size(), w.advance(), w.offset()), p);
    case WindowKind::kSliding: return SlidingOperator(w.difference(), p);
    case WindowKind::kSession: return SessionOperator(w.gap(), p);
  }
  throw ConfigError("window: unknown kind");
}

std::string_view column_name(uint32_t bit) {
  switch (bit) {
    case kColSendTime: return "send_time";
    case kColReceiveTime: return "receive_time";
    case kColTrueTime: return "true_time";
  }
  return "?";
}

}  // namespace

PartitionId validate(const Trace& trace, const RunConfig& config) {
  const uint32_t missing = required_columns(config.timestamp) & ~trace.columns;
  for (uint32_t bit = 1; bit != 0 && bit <= missing; bit <<= 1) {
    if (missing & bit) {
      throw ConfigError(fmt::format("--timestamp {} needs column \"{}\", which {} does not have",
                                    to_string(config.timestamp), column_name(bit), trace.source));
    }
  }
  if (config.watermark.kind == WatermarkSpec::Kind::kPunctuated && !trace.has(kColKind) &&
      config.clock == ClockMode::kWatermark) {
    throw ConfigError(fmt::format(
        "--watermark punctuated needs W rows (a \"kind\" column), which {} does not have",
        trace.source));
  }
  const PartitionId present = trace.partition_count();
  if (!config.partitions) return std::max<PartitionId>(present, 1);
  if (*config.partitions == 0 || *config.partitions > kMaxPartitions) {
    throw ConfigError(fmt::format("--partitions must be in [1, {}], got {}", kMaxPartitions,
                                  *config.partitions));
  }
  if (present > *config.partitions) {
    for (const Event& e : trace.events) {
      if (e.partition >= *config.partitions) {
        throw ConfigError(fmt::format("--partitions {}: {} line {} has partition {}",
                                      *config.partitions, trace.source, e.row, e.partition));
      }
    }
  }
  return *config.partitions;
}

RunResult run(const Trace& trace, const RunConfig& config, ResultSink& results, LateSink& late) {
  const PartitionId partitions = validate(trace, config);
  AnyOperator any = make_operator(config.window, config.lateness);
  Metrics m = std::visit(
      [&](auto& op) {
        Driver driver(config, partitions, trace.has(kColReceiveTime), op, results, late);
        if (config.schedule == Schedule::kArrival) {
          for (const Event& e : trace.events) driver.process(e);
        } else {
          for (uint32_t i : processing_order(trace, config.schedule, config.timestamp)) {
            driver.process(trace.events[i]);
          }
        }
        return driver.finish();
      },
      any);
  m.keys = trace.keys.size();
  return RunResult{m};
}

}  // namespace tidemark
