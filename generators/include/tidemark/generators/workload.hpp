#pragma once
// Generates a whole workload: the base process, then each distortion, then arrival order.

#include "tidemark/core/trace.hpp"
#include "tidemark/generators/workload_spec.hpp"

namespace tidemark::gen {

// The trace of `spec`: columns partition, key, event_time, value, send_time, receive_time,
// true_time; keys dev-*; the spec text as header comment. Same spec => same trace, bit for bit.
Trace generate_trace(const WorkloadSpec& spec);

}  // namespace tidemark::gen
