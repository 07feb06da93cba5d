#include "tidemark/generators/base_process.hpp"

#include <fmt/format.h>

namespace tidemark::gen {

BaseProcess::BaseProcess(const WorkloadSpec& spec)
    : time_rng_(stream_rng(spec.seed, 1)),
      key_rng_(stream_rng(spec.seed, 2)),
      value_rng_(stream_rng(spec.seed, 3)),
      mean_gap_ms_(1000.0 / spec.rate),
      start_ms_(spec.start.ms),
      keys_(spec.keys),
      partitions_(spec.partitions),
      partitioning_(spec.partitioning),
      values_(spec.values),
      width_(int(fmt::formatted_size("{}", spec.keys - 1))) {
  if (spec.zipf > 0) zipf_.emplace(AliasTable::zipf(spec.keys, spec.zipf));
}

std::string BaseProcess::device_name(uint32_t device) const {
  return fmt::format("dev-{:0{}}", device, width_);
}

PartitionId BaseProcess::partition_of(uint32_t device) const {
  if (partitioning_ == Partitioning::kDevice) return device;
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : device_name(device)) h = (h ^ uint8_t(c)) * 0x100000001b3ull;
  return PartitionId(h % partitions_);
}

}  // namespace tidemark::gen
