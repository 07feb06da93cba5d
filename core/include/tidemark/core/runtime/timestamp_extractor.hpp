#pragma once
// Which of an event's timestamps drives windowing (docs/design.md §3).

#include <string_view>

#include "tidemark/core/event.hpp"

namespace tidemark {

enum class TimestampSource { kEvent, kReceive, kCorrected, kTrue };

TimestampSource parse_timestamp_source(std::string_view text);
std::string_view to_string(TimestampSource s);
// The Column bits the source needs (kColSendTime | kColReceiveTime for corrected).
uint32_t required_columns(TimestampSource s);
// The name of the first column the source needs that `columns` (Column bits) lacks; empty if none.
std::string_view missing_column(TimestampSource s, uint32_t columns);

// event: device event time; receive: server time; corrected: event time shifted by the
// device-to-server offset seen at send, event + (receive - send); true: ground truth.
constexpr Timestamp extract(const Event& e, TimestampSource s) noexcept {
  switch (s) {
    case TimestampSource::kEvent:
      return e.event_time;
    case TimestampSource::kReceive:
      return e.receive_time;
    case TimestampSource::kCorrected:
      return e.event_time + (e.receive_time - e.send_time);
    case TimestampSource::kTrue:
      return e.true_time;
  }
  return e.event_time;
}

}  // namespace tidemark
