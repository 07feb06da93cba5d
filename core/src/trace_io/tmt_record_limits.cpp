#include "tidemark/core/trace_io/tmt_record_limits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "tidemark/core/time/iso_time.hpp"
#include "tidemark/core/trace_io/binary_trace.hpp"

// On x86-64, chunks of records are checked with AVX2 where the CPU has it.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TIDEMARK_AVX2_CHECK 1
#else
#define TIDEMARK_AVX2_CHECK 0
#endif

namespace tidemark::tmt {

RecordLimits::RecordLimits(uint32_t columns, uint64_t key_count, PartitionId partitions)
    : keys(key_count) {
  const uint32_t bits[4] = {0, kColSendTime, kColReceiveTime, kColTrueTime};
  for (int i = 0; i < 4; ++i) {
    const bool present = i == 0 || (columns & bits[i]);
    time_lo[i] = present ? kEarliestTime.ms : 0;
    time_hi[i] = present ? kLatestTime.ms : 0;
  }
  key_hi = (columns & kColKey) && key_count > 0 ? uint32_t(key_count - 1) : 0;
  partition_hi = partitions > 0 ? partitions - 1 : 0;
  kind_hi = (columns & kColKind) ? uint8_t(RecordKind::kIdle) : 0;
  value_present = (columns & kColValue) != 0;

  constexpr int64_t kExp = 0x7FF0000000000000, kOne = 0x3FF0000000000000;  // kOne: bits of 1.0
  mask = I64x4{value_present ? kExp : -1, -1, 0, -1};
  flip = I64x4{value_present ? 0 : kOne, 0, 0, 0};
  lo = I64x4{0, 0, 0, 0};
  hi = I64x4{value_present ? kExp - 1 : 0, 0, 0, kind_hi};
#if TIDEMARK_AVX2_CHECK
  __builtin_cpu_init();
  avx2 = __builtin_cpu_supports("avx2");
#endif
}

bool RecordLimits::all_ok(const unsigned char* raw, size_t k, uint64_t first_row,
                          PartitionId& largest) const {
#if TIDEMARK_AVX2_CHECK
  if (avx2) return all_ok_avx2(raw, k, first_row, largest);
#endif
  bool good = true;
  largest = 0;
  for (size_t i = 0; i < k; ++i, raw += kBinaryRecordSize) {
    const Event& e = *reinterpret_cast<const Event*>(raw);
    good &= ok(e, raw, first_row + i);
    largest = std::max(largest, e.partition);
  }
  return good;
}

#if TIDEMARK_AVX2_CHECK
// all_ok with a record as two vectors of four words: about 15 instructions a record, not 50.
[[gnu::target("avx2")]] bool RecordLimits::all_ok_avx2(const unsigned char* raw, size_t k,
                                                       uint64_t first_row,
                                                       PartitionId& largest) const {
  I64x4 bad = {}, flip_row = flip;
  flip_row[1] = int64_t(first_row);
  const I64x4 step = {0, 1, 0, 0};
  U32x8 top = {};
  for (size_t i = 0; i < k; ++i, raw += kBinaryRecordSize) {
    // Two pages ahead: records read in place from the page cache lie in pages scattered in
    // memory, where the hardware prefetcher, stopping at each page's end, restarts late.
    __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(raw) + 8192));
    I64x4 times, words;
    std::memcpy(&times, raw, sizeof times);
    std::memcpy(&words, raw + sizeof times, sizeof words);
    bad |= (times < time_lo) | (times > time_hi);
    const I64x4 x = (words & mask) ^ flip_row;
    bad |= (x < lo) | (x > hi);
    flip_row += step;
    const U32x8 u = U32x8(words);
    top = u > top ? u : top;
  }
  // top[4] and top[5] are the largest key id and partition.
  largest = top[5];
  return ((bad[0] | bad[1] | bad[2] | bad[3]) == 0) & (top[4] <= key_hi) &
         (top[5] <= partition_hi) & ((keys > 0) | (k == 0));
}
#else
bool RecordLimits::all_ok_avx2(const unsigned char* raw, size_t k, uint64_t first_row,
                               PartitionId& largest) const {
  return all_ok(raw, k, first_row, largest);
}
#endif

// Why a record failed ok(), for the message.
std::string RecordLimits::why(const Event& e, const unsigned char* raw, uint64_t row) const {
  static constexpr const char* kTimeNames[4] = {"event_time", "send_time", "receive_time",
                                                "true_time"};
  const int64_t times[4] = {e.event_time.ms, e.send_time.ms, e.receive_time.ms, e.true_time.ms};
  for (int i = 0; i < 4; ++i) {
    if (in(times[i], time_lo[i], time_hi[i])) continue;
    if (time_hi[i] == 0)
      return fmt::format("{} is {} but the column is absent (must be 0)", kTimeNames[i], times[i]);
    return fmt::format("{} {} is outside years 0000..9999", kTimeNames[i], times[i]);
  }
  if (value_present && !std::isfinite(e.value)) return "value is not a finite number";
  if (!value_present && e.value != 1.0) {
    return fmt::format("value is {} but the column is absent (must be 1)", e.value);
  }
  if (keys == 0 || e.key > key_hi) {
    return fmt::format("key id {} is not in the key table ({} keys{})", e.key, keys,
                       key_hi == 0 && keys > 0 ? ", or the key column is absent" : "");
  }
  if (e.partition > partition_hi) {
    return fmt::format("partition {} is out of range (the header's partition count is {})",
                       e.partition, partition_hi + 1);
  }
  if (uint8_t(e.kind) > kind_hi) return fmt::format("kind byte {} is invalid", uint8_t(e.kind));
  if (e.row != row) return fmt::format("row field {} should be the record index {}", e.row, row);
  (void)raw;
  return "reserved bytes 57..63 are not zero";
}

}  // namespace tidemark::tmt
