#pragma once
// One trace record and the columns a trace carries.

#include <cstdint>

#include "tidemark/core/time/time.hpp"

namespace tidemark {

using KeyId = uint32_t;
using PartitionId = uint32_t;

// Largest partition id a trace may use; partitions are dense arrays in the clock.
inline constexpr PartitionId kMaxPartitions = 1u << 24;

// kind E, W (a punctuation: the partition's watermark) or I (the partition is idle until its next
// record). The byte values are the .tmt format's.
enum class RecordKind : uint8_t { kEvent, kWatermark, kIdle };

// Optional trace columns, as bits: which fields a trace actually carries.
enum Column : uint32_t {
  kColPartition = 1u << 0,
  kColKey = 1u << 1,
  kColValue = 1u << 2,
  kColSendTime = 1u << 3,
  kColReceiveTime = 1u << 4,
  kColTrueTime = 1u << 5,
  kColKind = 1u << 6,
};

// One record in arrival order. `row` is the 1-based line (CSV) or record index (binary).
// Timestamps of absent columns are 0 and must not be read (see Trace::columns).
struct Event {
  Timestamp event_time;
  Timestamp send_time;
  Timestamp receive_time;
  Timestamp true_time;
  double value = 1.0;
  uint64_t row = 0;
  KeyId key = 0;
  PartitionId partition = 0;
  RecordKind kind = RecordKind::kEvent;
};

}  // namespace tidemark
