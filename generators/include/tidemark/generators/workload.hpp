#pragma once
// Generates a whole workload: the base process, then each distortion, then arrival order.

#include <cstddef>
#include <functional>
#include <span>

#include "tidemark/core/trace_io/trace.hpp"
#include "tidemark/generators/workload_spec.hpp"

namespace tidemark::gen {

// Events generated per round (see workload.cpp): a round's scratch, 48 bytes per event, stays
// in L2/L3.
inline constexpr size_t kGenerationRound = size_t(1) << 16;

// The trace of `spec`: columns partition, key, event_time, value, send_time, receive_time,
// true_time; keys dev-*; the spec text as header comment. Same spec => same trace, bit for bit.
// `round` (a positive multiple of 256) changes only how it is computed: tests compare sizes.
Trace generate_trace(const WorkloadSpec& spec, size_t round = kGenerationRound);

// The same trace without its events: source, header comment, columns and keys (key id = device
// index).
Trace generated_trace_header(const WorkloadSpec& spec);

// The events of generate_trace(spec), handed to `sink` in order a round at a time, so that
// memory stays with a round and the events held back for later rounds (the devices offline at
// the time), whatever the trace's length. Throws ConfigError after the last round when device
// readings leave years 0000..9999 (a caller that must not write a partial trace runs it twice).
void generate_events(const WorkloadSpec& spec,
                     const std::function<void(std::span<const Event>)>& sink,
                     size_t round = kGenerationRound);

}  // namespace tidemark::gen
