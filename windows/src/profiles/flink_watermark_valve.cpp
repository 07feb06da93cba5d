#include "tidemark/windows/profiles/flink_watermark_valve.hpp"

#include <algorithm>

namespace tidemark {

namespace {
constexpr int64_t kUnaligned = std::numeric_limits<int64_t>::max();
}

FlinkWatermarkValve::FlinkWatermarkValve(uint32_t channels)
    : channels_(channels), aligned_(channels), active_(channels) {
  while (leaves_ < channels) leaves_ *= 2;
  tree_.assign(2 * size_t(leaves_), kUnaligned);
  for (uint32_t c = 0; c < channels; ++c) set_leaf(c, kNoWatermark);
}

void FlinkWatermarkValve::set_leaf(uint32_t channel, int64_t value) {
  size_t i = leaves_ + size_t(channel);
  tree_[i] = value;
  for (i /= 2; i >= 1; i /= 2) tree_[i] = std::min(tree_[2 * i], tree_[2 * i + 1]);
}

FlinkWatermarkValve::Output FlinkWatermarkValve::input_watermark(uint32_t channel,
                                                                 int64_t watermark) {
  Channel& c = channels_[channel];
  // Ignored from an idle valve or channel, and unless it raises the channel's watermark.
  if (valve_idle_ || c.idle || watermark <= c.watermark) return {};
  c.watermark = watermark;
  if (!c.aligned && watermark >= last_output_) {
    c.aligned = true;
    ++aligned_;
  }
  if (c.aligned) set_leaf(channel, watermark);
  return {emit_min_of_aligned(), {}};
}

FlinkWatermarkValve::Output FlinkWatermarkValve::input_status(uint32_t channel, bool idle) {
  Channel& c = channels_[channel];
  Output out;
  if (idle && !c.idle) {
    const bool held_minimum = c.watermark == last_output_;
    if (c.aligned) {
      c.aligned = false;
      --aligned_;
      set_leaf(channel, kUnaligned);
    }
    c.idle = true;
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
      ++aligned_;
      set_leaf(channel, c.watermark);
    }
    if (valve_idle_) {
      valve_idle_ = false;
      out.idle = false;
    }
  }
  return out;
}

std::optional<int64_t> FlinkWatermarkValve::emit_min_of_aligned() {
  if (aligned_ == 0 || tree_[1] <= last_output_) return {};
  last_output_ = tree_[1];
  return last_output_;
}

}  // namespace tidemark
