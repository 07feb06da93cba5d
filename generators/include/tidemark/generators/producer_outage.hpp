#pragma once
// A producer outage: chosen partitions deliver nothing during a processing-time interval, then
// their backlog arrives at once when it ends, while the other partitions keep going.

#include <cstdint>
#include <vector>

#include "tidemark/core/event.hpp"
#include "tidemark/generators/workload_spec.hpp"

namespace tidemark::gen {

// Receive times of the chosen partitions that fall in [from, to) move to `to`.
class ProducerOutage {
 public:
  explicit ProducerOutage(const WorkloadSpec& spec)
      : cut_(spec.outage_duration.ms > 0 ? spec.partitions : 0, false),
        from_(spec.start.ms + spec.outage_start.ms),
        to_(from_ + spec.outage_duration.ms) {
    if (!cut_.empty()) {
      for (PartitionId p : spec.outage_partitions) cut_[p] = true;
    }
  }

  int64_t deliver(PartitionId p, int64_t receive) const {
    if (receive < from_ || receive >= to_ || cut_.empty() || !cut_[p]) return receive;
    return to_;
  }
  int64_t from() const { return from_; }
  int64_t to() const { return to_; }

 private:
  std::vector<bool> cut_;  // empty without an outage
  int64_t from_, to_;
};

}  // namespace tidemark::gen
