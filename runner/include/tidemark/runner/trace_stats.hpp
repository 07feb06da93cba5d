#pragma once
// What `tidemark inspect` reports about a trace: size, span, arrival rate, disorder, the bounded
// watermark delays that reach given on-time shares, partition silences and, with three
// timestamps, device clock offsets and the error of the `corrected` extractor.
//
// Quantiles use the nearest-rank definition: the q-quantile of n sorted values is the value at
// 1-based rank ceil(q * n), so every figure is one of the observed values.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "tidemark/core/runtime/timestamp_extractor.hpp"
#include "tidemark/core/time/time.hpp"
#include "tidemark/core/trace_io/trace.hpp"

namespace tidemark {

// Nearest-rank summary of a sample of millisecond values.
struct Quantiles {
  uint64_t count = 0;
  int64_t min = 0, p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
  friend bool operator==(const Quantiles&, const Quantiles&) = default;
};

// Summarises `values` (reordered in place); all zero for an empty sample.
Quantiles quantiles(std::vector<int64_t>& values);
// The value at 1-based rank ceil(parts_per_million * n / 1e6) of sorted `values` (n > 0).
int64_t nearest_rank(const std::vector<int64_t>& sorted, uint64_t parts_per_million);

// A partition that delivered nothing for longer than the threshold, in processing time: between
// two of its records, from the trace's first arrival to its first record, or from its last
// record to the trace's last arrival.
struct Silence {
  PartitionId partition = 0;
  Timestamp from, to;
  friend bool operator==(const Silence&, const Silence&) = default;
};

// receive_time - send_time of one key (device): an estimate of its clock's offset behind the
// server plus the network delay.
struct DeviceOffset {
  KeyId key = 0;
  uint64_t samples = 0;
  int64_t median = 0, min = 0, max = 0;
};

// For an on-time share, the smallest D for which `--watermark bounded:D` leaves that share of
// events at or after the watermark when they arrive.
struct DelayTarget {
  uint64_t parts_per_million = 0;  // 990000 for 99%
  Duration delay;
};

struct StatsOptions {
  TimestampSource timestamp = TimestampSource::kEvent;
  Duration silence_threshold{60'000};
  PartitionId partitions = 0;  // 0: 1 + the largest partition id, as replay's default
};

// Everything inspect prints. Times are of the chosen extractor; processing time is the running
// max of receive_time, or of the extracted time when the trace has no receive_time
// (docs/design.md §1).
struct TraceStats {
  uint64_t records = 0, events = 0, punctuations = 0, idle_marks = 0;  // kinds E, W, I
  PartitionId partitions = 0;  // as the watermark counts them
  PartitionId partitions_with_events = 0;
  uint64_t keys = 0;                      // distinct keys among events
  Timestamp first_time, last_time;        // smallest and largest extracted time
  Timestamp first_arrival, last_arrival;  // processing time of the first and last record
  std::optional<double> arrival_rate;     // events per second of processing time
  // How far each event's time is behind the largest time seen before it (stream-time disorder).
  Quantiles behind_max;
  // How far each event's time is behind min over partitions of their max time (after the event
  // itself): with bounded:D the event is behind the watermark iff this exceeds D.
  Quantiles behind_watermark;
  std::array<DelayTarget, 3> targets{};  // 99%, 99.9%, 100%
  std::optional<Quantiles> receive_minus_event;
  std::vector<Silence> silences;  // by partition, then time
  // Present with send_time and receive_time.
  std::optional<Quantiles> offset_medians;   // over keys, of each key's median receive - send
  std::vector<DeviceOffset> device_offsets;  // per key, largest |median| first
  // Present with send_time, receive_time and true_time.
  std::optional<Quantiles> event_error;      // event_time - true_time
  std::optional<Quantiles> corrected_error;  // event + (receive - send) - true_time
};

// Throws ConfigError when the trace lacks a column the chosen extractor needs.
TraceStats compute_trace_stats(const Trace& trace, const StatsOptions& options = {});

}  // namespace tidemark
