#pragma once
// Hands window results to the sink with the current clock, processing time and sequence number,
// and counts them. Window operators emit only through this.

#include <algorithm>

#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/output/emission_counts.hpp"
#include "tidemark/core/runtime/metrics.hpp"

namespace tidemark {

class Emitter {
 public:
  explicit Emitter(ResultSink& sink) : sink_(sink) {}

  // The clock C and the processing time that emissions carry: the run's current ones (the
  // Driver keeps them here only, so that they are not copied for every record).
  void set_time(Timestamp clock, Timestamp proc_time) {
    clock_ = clock;
    proc_time_ = proc_time;
  }
  void set_clock(Timestamp clock) { clock_ = clock; }
  void raise_proc_time(Timestamp t) { proc_time_ = std::max(proc_time_, t); }
  Timestamp clock() const { return clock_; }
  Timestamp proc_time() const { return proc_time_; }

  void emit(KeyId key, Window w, const WindowStats& stats, EmissionKind kind) {
    counts_.count(kind);
    sink_.on_emission(Emission{key, w, stats, kind, clock_, proc_time_, ++seq_});
  }

  void add_counts_to(Metrics& m) const { counts_.add_to(m); }

 private:
  ResultSink& sink_;
  Timestamp clock_ = Timestamp::min();
  Timestamp proc_time_ = Timestamp::min();
  uint64_t seq_ = 0;
  EmissionCounts counts_;
};

}  // namespace tidemark
