#pragma once
// Flink's StatusWatermarkValve: how an operator combines the watermarks and idle statuses of its
// input channels into one watermark (apache/flink flink-streaming-java/src/main/java/org/apache/
// flink/streaming/runtime/watermarkstatus/StatusWatermarkValve.java
// @60c01d3aa144c761ace16bc2cbe05fef3745c109). A channel is a tidemark partition.

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace tidemark {

class FlinkWatermarkValve {
 public:
  static constexpr int64_t kNoWatermark = std::numeric_limits<int64_t>::min();  // Long.MIN_VALUE

  // What one input made the valve emit, in this order: a watermark, then a status change.
  struct Output {
    std::optional<int64_t> watermark;
    std::optional<bool> idle;  // true: WatermarkStatus.IDLE, false: ACTIVE
    bool operator==(const Output&) const = default;
  };

  explicit FlinkWatermarkValve(uint32_t channels);

  Output input_watermark(uint32_t channel, int64_t watermark);
  Output input_status(uint32_t channel, bool idle);

  // The last watermark emitted; kNoWatermark before the first.
  int64_t output() const { return last_output_; }
  uint32_t channels() const { return uint32_t(channels_.size()); }

 private:
  struct Channel {
    int64_t watermark = kNoWatermark;
    bool idle = false;
    bool aligned = true;
  };
  // findAndOutputNewMinWatermarkAcrossAlignedChannels.
  std::optional<int64_t> emit_min_of_aligned();
  // The minimum over aligned channels is kept in a tournament tree (unaligned leaves hold
  // int64 max), so a watermark costs O(log channels) however many partitions a trace has.
  void set_leaf(uint32_t channel, int64_t value);

  std::vector<Channel> channels_;
  std::vector<int64_t> tree_;  // tree_[1] is the root; leaves from leaves_ on
  uint32_t leaves_ = 1;
  int64_t last_output_ = kNoWatermark;
  uint32_t aligned_ = 0;
  uint32_t active_ = 0;
  bool valve_idle_ = false;
};

}  // namespace tidemark
