#include "tidemark/generators/offline_devices.hpp"

#include <cmath>
#include <numeric>

#include "tidemark/generators/base_process.hpp"

namespace tidemark::gen {

OfflineDevices::OfflineDevices(const WorkloadSpec& spec)
    : rng_(stream_rng(spec.seed, 5)),
      mean_online_(double(spec.offline_online.ms)),
      mean_offline_(double(spec.offline_offline.ms)) {
  const uint32_t flaky = uint32_t(std::floor(spec.offline_fraction * spec.keys + 0.5));
  if (flaky == 0) return;
  state_.resize(spec.keys);
  // A partial Fisher-Yates shuffle picks exactly `flaky` devices.
  std::vector<uint32_t> ids(spec.keys);
  std::iota(ids.begin(), ids.end(), 0u);
  for (uint32_t i = 0; i < flaky; ++i) {
    std::swap(ids[i], ids[i + rng_.below(spec.keys - i)]);
    State& s = state_[ids[i]];
    s.flaky = true;
    s.next_toggle = double(spec.start.ms) + sample_exponential(rng_, mean_online_);
  }
}

void OfflineDevices::toggle_until(State& s, int64_t t) {
  while (s.next_toggle <= double(t)) {
    s.online = !s.online;
    s.next_toggle += sample_exponential(rng_, s.online ? mean_online_ : mean_offline_);
  }
  s.held_until = s.online ? INT64_MIN : int64_t(std::ceil(s.next_toggle));
}

}  // namespace tidemark::gen
