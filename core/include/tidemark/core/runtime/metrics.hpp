#pragma once
// What a run measured; returned by value, never global. Wall time is added by the caller
// (library code does not read the wall clock).

#include <cstdint>
#include <string>

#include "tidemark/core/time/time.hpp"

namespace tidemark {

struct Metrics {
  uint64_t events = 0;         // records of kind E
  uint64_t accepted = 0;       // accepted by at least one window
  uint64_t late = 0;           // accepted by none; each is in the late output
  uint64_t punctuations = 0;   // records of kind W
  uint64_t windows_fired = 0;  // on_time emissions
  uint64_t updates = 0;        // update emissions
  uint64_t retractions = 0;    // retract emissions
  uint64_t peak_open_windows = 0;
  uint64_t peak_state_bytes = 0;
  uint64_t open_windows_at_end = 0;  // non-zero only with --end keep
  uint64_t partitions = 0;
  uint64_t keys = 0;
  // Watermark lag = processing time - clock, sampled after each event while the clock is finite.
  uint64_t lag_samples = 0;
  double lag_mean_ms = 0;
  int64_t lag_max_ms = 0;
  uint64_t events_at_unbounded_clock = 0;  // events seen while the clock was still -inf
  Timestamp final_clock = Timestamp::min();
};

struct RunResult {
  Metrics metrics;
};

}  // namespace tidemark
