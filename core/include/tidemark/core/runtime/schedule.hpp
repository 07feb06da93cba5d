#pragma once
// Processing order of a trace's records (docs/design.md §4 `--schedule`).

#include <cstdint>
#include <vector>

#include "tidemark/core/runtime/run_config.hpp"
#include "tidemark/core/trace_io/trace.hpp"

namespace tidemark {

// Indices into trace.records() in processing order: arrival order, or the event-time merge of
// partitions (the partition whose next record has the smallest extracted time goes first, ties
// by partition id; a partition's own records keep their arrival order). W rows merge by the
// watermark they carry.
std::vector<uint32_t> processing_order(const Trace& trace, Schedule schedule,
                                       TimestampSource source);

}  // namespace tidemark
