#pragma once
// Device clocks that are off: a constant offset per device plus a drift, so event_time and
// send_time (device readings) differ from true time, while receive_time is the server's.

#include <cmath>
#include <cstdint>
#include <vector>

#include "tidemark/generators/rounding.hpp"
#include "tidemark/generators/workload_spec.hpp"

namespace tidemark::gen {

// reading(d, t) = t + offset_d + round(drift_d * (t - start)), offset_d drawn once per device
// (normal with SD, or uniform in [-W, W], rounded to ms), drift_d uniform in [-X, X] ppm.
class DeviceClocks {
 public:
  explicit DeviceClocks(const WorkloadSpec& spec);

  int64_t reading(uint32_t device, int64_t t) const {
    if (offset_.empty()) return t;
    const double drift = drift_[device] * double(t - start_);
    return t + offset_[device] + floor_to_int64(drift + 0.5);
  }
  int64_t offset(uint32_t device) const { return offset_.empty() ? 0 : offset_[device]; }

 private:
  std::vector<int64_t> offset_;  // empty without skew and drift
  std::vector<double> drift_;    // fraction per ms (ppm * 1e-6)
  int64_t start_;
};

}  // namespace tidemark::gen
