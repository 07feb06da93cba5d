#pragma once
// The slice of the last event looked up, and what the per-event paths need of it: events mostly
// land in the slice of the event before them, so most lookups are the range check of holds().

#include <cstdint>

#include "tidemark/windows/time/slice_tags.hpp"

namespace tidemark::slicing {

struct SliceLookup {
  int64_t lo = 1, hi = 0;          // the slice is [lo, hi): empty before the first lookup
  int64_t j = 0;                   // its index
  int64_t oldest = 0, newest = 0;  // the windows holding it
  int64_t first_fire = 0;          // when window `oldest` fires, saturated at the int64 limit
  uint32_t tag = SliceTags::kUntagged;

  bool holds(int64_t t) const { return t >= lo && t < hi; }
};

}  // namespace tidemark::slicing
