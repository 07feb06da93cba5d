#pragma once
// Generates a whole workload: the base process, then each distortion, then arrival order.

#include <cstddef>

#include "tidemark/core/trace.hpp"
#include "tidemark/generators/workload_spec.hpp"

namespace tidemark::gen {

// The trace of `spec`: columns partition, key, event_time, value, send_time, receive_time,
// true_time; keys dev-*; the spec text as header comment. Same spec => same trace, bit for bit.
Trace generate_trace(const WorkloadSpec& spec);

// Events generated per round (see generate_trace in workload.cpp): a round's scratch, 48 bytes
// per event, is reused and stays in L2/L3.
inline constexpr size_t kGenerationRound = size_t(1) << 16;
// The same trace, generated in rounds of `round` events (a positive multiple of 256). The trace
// does not depend on it: tests compare rounds of several sizes.
Trace generate_trace(const WorkloadSpec& spec, size_t round);

}  // namespace tidemark::gen
