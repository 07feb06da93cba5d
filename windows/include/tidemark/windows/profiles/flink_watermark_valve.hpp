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
  // Aligned channels whose watermark equals last_output_: while one is left, no input that
  // raises another channel can raise the minimum, so it is not recomputed.
  void leave_minimum(const Channel& c) {
    if (c.aligned && c.watermark == last_output_ && at_minimum_ > 0) --at_minimum_;
  }

  std::vector<Channel> channels_;
  int64_t last_output_ = kNoWatermark;
  uint32_t at_minimum_ = 0;
  uint32_t active_ = 0;
  bool valve_idle_ = false;
};

}  // namespace tidemark
