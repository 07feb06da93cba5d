#pragma once
// The base process: true events of devices (= keys) in true-time order, before any distortion.

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "tidemark/generators/alias_table.hpp"
#include "tidemark/generators/random.hpp"
#include "tidemark/generators/rounding.hpp"
#include "tidemark/generators/workload_spec.hpp"

namespace tidemark::gen {

// An independent random stream for one component, so that enabling one distortion does not
// change the draws of another.
inline Rng stream_rng(uint64_t seed, uint64_t stream) {
  return Rng(seed ^ (stream * 0xD1B54A32D192ED03ull));
}

// What really happened: when (true time, ms), which device, which value.
struct TrueEvent {
  int64_t time = 0;
  uint32_t device = 0;
  double value = 0;
};

// A Poisson process of `rate` events/s from `start`; each event picks a device (uniform or
// Zipf) and a value (rounded to 0.01 so CSV stays short).
class BaseProcess {
 public:
  explicit BaseProcess(const WorkloadSpec& spec);

  TrueEvent next() {
    TrueEvent e;
    elapsed_ms_ += sample_exponential(time_rng_, mean_gap_ms_);
    e.time = start_ms_ + int64_t(elapsed_ms_);  // elapsed_ms_ >= 0: truncation is floor
    e.device = zipf_ ? (*zipf_)(key_rng_) : uint32_t(key_rng_.below(keys_));
    e.value = nearbyint_exact(values_.sample(value_rng_, normal_) * 100.0) / 100.0;
    if (!(std::fabs(e.value) <= kMaxValueMagnitude)) [[unlikely]]
      throw_value_out_of_range();
    return e;
  }
  // out[i] = next() for each i in order, drawn a component at a time: each component's stream
  // sees the same draws, and independent samples overlap in the CPU instead of waiting on each
  // other's log, sqrt and division.
  void fill(std::span<TrueEvent> out);

  // Throws the ConfigError for a drawn value beyond kMaxValueMagnitude (or not finite), which
  // rounding to 0.01 cannot represent and no trace may hold.
  [[noreturn]] void throw_value_out_of_range() const;

  // Device names, dev-0 .. dev-(keys-1), zero-padded to one width.
  std::string device_name(uint32_t device) const;
  // hash partitioning: FNV-1a of the device name mod partitions (like a Kafka key hash); device
  // partitioning: the device index.
  PartitionId partition_of(uint32_t device) const;

 private:
  Rng time_rng_, key_rng_, value_rng_;
  NormalSampler normal_;
  double mean_gap_ms_;
  double elapsed_ms_ = 0;
  int64_t start_ms_;
  uint32_t keys_;
  uint32_t partitions_;
  Partitioning partitioning_;
  std::optional<AliasTable> zipf_;
  Distribution values_;
  int width_;
};

}  // namespace tidemark::gen
