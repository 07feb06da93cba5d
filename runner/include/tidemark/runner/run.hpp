#pragma once
// The runtime entry point: one trace, one configuration, results and late events to sinks.

#include "tidemark/core/output/clock_changes.hpp"
#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/runtime/metrics.hpp"
#include "tidemark/core/runtime/run_config.hpp"
#include "tidemark/core/trace_io/binary_trace.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"
#include "tidemark/core/trace_io/trace.hpp"

namespace tidemark {

// Checks that the trace can be run with the config (columns, partitions); throws ConfigError.
// Returns the number of partitions the run uses.
PartitionId validate(const Trace& trace, const RunConfig& config);
// The same with `present` = trace.partition_count() given: checking many configurations of one
// trace then scans its events once.
PartitionId validate(const Trace& trace, PartitionId present, const RunConfig& config);

// Runs the trace through the pipeline of docs/design.md §8. The window kind is dispatched once,
// around the whole loop. Deterministic: same trace and config, same emissions in the same order.
// With `clock`, each change of the clock and each partition turning idle or active goes there too
// (--clock-output); without, the loop does no such work.
RunResult run(const Trace& trace, const RunConfig& config, ResultSink& results, LateSink& late,
              ClockSink* clock = nullptr);
// The same for a config already checked: `partitions` is what validate() returned for it.
RunResult run(const Trace& trace, const RunConfig& config, PartitionId partitions,
              ResultSink& results, LateSink& late, ClockSink* clock = nullptr);

// The same for a binary trace read chunk by chunk: memory grows with window state, not with the
// trace. (`--schedule event-time` needs the whole trace and reads it into memory first.)
RunResult run(BinaryTraceReader& reader, const RunConfig& config, ResultSink& results,
              LateSink& late, ClockSink* clock = nullptr);
// The same for a CSV trace read chunk by chunk. The partition count is --partitions when given (a
// record beyond it stops the run at its line); otherwise CsvTraceReader::partitions() finds it
// before the first record: a first pass over a regular file's partition column, or, for a pipe
// or device, its records read ahead (an error beyond kCsvReadAheadRecords).
RunResult run(CsvTraceReader& reader, const RunConfig& config, ResultSink& results, LateSink& late,
              ClockSink* clock = nullptr);

}  // namespace tidemark
