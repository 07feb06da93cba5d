#pragma once
// Arrival order: events sorted by receive time; ties keep generation (true-time) order.

#include <vector>

#include "tidemark/core/event.hpp"

namespace tidemark::gen {

// Stable sort by receive_time, then sets row to the 1-based arrival index. An LSD radix sort
// over only the significant bits of (receive - min receive): O(n) and deterministic.
void sort_by_arrival(std::vector<Event>& events);

}  // namespace tidemark::gen
