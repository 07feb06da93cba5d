#include "tidemark/windows/profiles/flink_watermark_valve.hpp"

#include <algorithm>

namespace tidemark {

FlinkWatermarkValve::FlinkWatermarkValve(uint32_t channels)
    : channels_(channels), at_minimum_(channels), active_(channels) {}

FlinkWatermarkValve::Output FlinkWatermarkValve::input_watermark(uint32_t channel,
                                                                 int64_t watermark) {
  Channel& c = channels_[channel];
  // Ignored from an idle valve or channel, and unless it raises the channel's watermark.
  if (valve_idle_ || c.idle || watermark <= c.watermark) return {};
  leave_minimum(c);
  c.watermark = watermark;
  if (!c.aligned && watermark >= last_output_) c.aligned = true;
  if (at_minimum_ > 0) return {};
  return {emit_min_of_aligned(), {}};
}

FlinkWatermarkValve::Output FlinkWatermarkValve::input_status(uint32_t channel, bool idle) {
  Channel& c = channels_[channel];
  Output out;
  if (idle && !c.idle) {
    const bool held_minimum = c.watermark == last_output_;
    leave_minimum(c);
    c.idle = true;
    c.aligned = false;
    --active_;
    if (active_ == 0) {
      // All inputs idle: flush the largest watermark of all channels, then go idle.
      if (held_minimum) {
        int64_t max = kNoWatermark;
        for (const Channel& each : channels_) max = std::max(max, each.watermark);
        if (max > last_output_) {
          last_output_ = max;
          out.watermark = max;
        }
      }
      valve_idle_ = true;
      out.idle = true;
    } else if (held_minimum) {
      out.watermark = emit_min_of_aligned();
    }
  } else if (!idle && c.idle) {
    c.idle = false;
    ++active_;
    // A channel behind the output must catch up before it counts again.
    if (c.watermark >= last_output_) {
      c.aligned = true;
      if (c.watermark == last_output_) ++at_minimum_;
    }
    if (valve_idle_) {
      valve_idle_ = false;
      out.idle = false;
    }
  }
  return out;
}

std::optional<int64_t> FlinkWatermarkValve::emit_min_of_aligned() {
  bool any_aligned = false;
  int64_t min = std::numeric_limits<int64_t>::max();
  for (const Channel& c : channels_) {
    if (!c.aligned) continue;
    any_aligned = true;
    min = std::min(min, c.watermark);
  }
  if (!any_aligned) return {};
  std::optional<int64_t> emitted;
  if (min > last_output_) {
    last_output_ = min;
    emitted = min;
  }
  at_minimum_ = 0;
  for (const Channel& c : channels_) at_minimum_ += c.aligned && c.watermark == last_output_;
  return emitted;
}

}  // namespace tidemark
