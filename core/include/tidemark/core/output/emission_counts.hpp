#pragma once
// How many results of each kind a run emitted: the summary's windows_fired, updates and
// retractions. Every emitter (the generic one and each engine profile's) counts through this.

#include <cstdint>

#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/runtime/metrics.hpp"

namespace tidemark {

struct EmissionCounts {
  uint64_t fired = 0, updates = 0, retractions = 0;

  void count(EmissionKind kind) {
    switch (kind) {
      case EmissionKind::kOnTime:
        ++fired;
        break;
      case EmissionKind::kUpdate:
        ++updates;
        break;
      case EmissionKind::kRetract:
        ++retractions;
        break;
    }
  }
  void add_to(Metrics& m) const {
    m.windows_fired = fired;
    m.updates = updates;
    m.retractions = retractions;
  }
};

}  // namespace tidemark
