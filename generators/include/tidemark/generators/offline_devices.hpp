#pragma once
// Devices that go offline: while offline a device buffers its events and sends them all at
// once when it reconnects, so they arrive up to one offline period late.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "tidemark/generators/random.hpp"
#include "tidemark/generators/samplers.hpp"
#include "tidemark/generators/workload_spec.hpp"

namespace tidemark::gen {

// round(fraction * keys) devices, chosen at random, alternate online/offline periods with
// exponential lengths, starting online at the workload start. Queries must come in
// non-decreasing true time per device (the base process guarantees it).
class OfflineDevices {
 public:
  explicit OfflineDevices(const WorkloadSpec& spec);

  // True send time of an event that happened at true time t on `device`: t when online, the
  // end of the current offline period (rounded up to a ms) when offline.
  int64_t send_time(uint32_t device, int64_t t) {
    if (state_.empty()) return t;
    State& s = state_[device];
    if (s.next_toggle <= double(t)) toggle_until(s, t);
    // Offline, t < next_toggle <= held_until; online, held_until is INT64_MIN. A max, not a
    // branch on `online`, which mispredicts on the devices that do go offline.
    return std::max(t, s.held_until);
  }
  bool is_flaky(uint32_t device) const { return !state_.empty() && state_[device].flaky; }

 private:
  struct State {
    // Devices that stay online never toggle: no branch on flakiness per event (it mispredicts).
    double next_toggle = std::numeric_limits<double>::infinity();
    int64_t held_until = INT64_MIN;  // offline: the send time of what it buffers
    bool online = true;
    bool flaky = false;
  };
  // Toggles s until its next toggle is after t (so t < next_toggle, as send_time relies on).
  void toggle_until(State& s, int64_t t);

  std::vector<State> state_;  // empty when no device goes offline
  Rng rng_;
  double mean_online_, mean_offline_;
};

}  // namespace tidemark::gen
