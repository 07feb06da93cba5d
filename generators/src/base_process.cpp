#include "tidemark/generators/base_process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "tidemark/core/error.hpp"

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

void BaseProcess::fill(std::span<TrueEvent> out) {
  for (TrueEvent& e : out) {
    elapsed_ms_ += sample_exponential(time_rng_, mean_gap_ms_);
    e.time = start_ms_ + int64_t(elapsed_ms_);
  }
  if (zipf_) {
    for (TrueEvent& e : out) e.device = (*zipf_)(key_rng_);
  } else {
    for (TrueEvent& e : out) e.device = uint32_t(key_rng_.below(keys_));
  }
  std::array<double, 256> values;
  for (size_t i = 0; i < out.size(); i += values.size()) {
    const std::span<double> v = std::span(values).first(std::min(values.size(), out.size() - i));
    values_.fill(value_rng_, normal_, v);
    bool in_range = true;  // one check per block, not a branch per value
    for (size_t j = 0; j < v.size(); ++j) {
      const double r = nearbyint_exact(v[j] * 100.0) / 100.0;
      in_range &= std::fabs(r) <= kMaxValueMagnitude;  // false for inf and NaN too
      out[i + j].value = r;
    }
    if (!in_range) [[unlikely]]
      throw_value_out_of_range();
  }
}

void BaseProcess::throw_value_out_of_range() const {
  throw ConfigError(fmt::format(
      "--values {}: drew a value beyond +-{:g} (values are rounded to 0.01); narrow the "
      "distribution",
      values_.to_string(), kMaxValueMagnitude));
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
