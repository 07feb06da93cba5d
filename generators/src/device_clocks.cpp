#include "tidemark/generators/device_clocks.hpp"

#include "tidemark/generators/base_process.hpp"
#include "tidemark/generators/samplers.hpp"

namespace tidemark::gen {

DeviceClocks::DeviceClocks(const WorkloadSpec& spec) : start_(spec.start.ms) {
  if (spec.skew == WorkloadSpec::Skew::kNone && spec.drift_ppm == 0) return;
  Rng rng = stream_rng(spec.seed, 6);
  NormalSampler normal;
  offset_.resize(spec.keys);
  drift_.resize(spec.keys);
  const double w = double(spec.skew_width.ms);
  for (uint32_t d = 0; d < spec.keys; ++d) {
    double o = 0;
    if (spec.skew == WorkloadSpec::Skew::kNormal) o = w * normal(rng);
    if (spec.skew == WorkloadSpec::Skew::kUniform) o = -w + 2.0 * w * rng.uniform();
    offset_[d] = int64_t(std::floor(o + 0.5));
    drift_[d] = (-1.0 + 2.0 * rng.uniform()) * spec.drift_ppm * 1e-6;
  }
}

}  // namespace tidemark::gen
