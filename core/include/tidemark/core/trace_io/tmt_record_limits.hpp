#pragma once
// The allowed range of every field of a binary trace record, checked a chunk at a time.

#include <cstdint>
#include <cstring>
#include <string>

#include "tidemark/core/event.hpp"
#include "tidemark/core/time/time.hpp"
#include "tidemark/core/trace_io/trace.hpp"

namespace tidemark::tmt {

// Allowed range of every record field, from the columns and the key count: present time columns
// span [kEarliestTime, kLatestTime], absent ones must be exactly 0, and so on.
struct RecordLimits {
  using I64x4 = int64_t __attribute__((vector_size(32)));
  using U32x8 = uint32_t __attribute__((vector_size(32)));

  I64x4 time_lo, time_hi;
  uint32_t key_hi, partition_hi;
  uint8_t kind_hi;
  bool value_present;
  uint64_t keys;
  // Words 4..7 of a record (value, row, key and partition, kind and padding) for all_ok: each
  // (word & mask) ^ flip must lie in [lo, hi], with the record index xored into the row word;
  // the key and partition word is checked by a running unsigned 32-bit max instead.
  I64x4 mask, flip, lo, hi;
  bool avx2 = false;  // all_ok may use all_ok_avx2

  RecordLimits(uint32_t columns, uint64_t key_count, PartitionId partitions);

  static bool in(int64_t v, int64_t lo, int64_t hi) {
    return uint64_t(v) - uint64_t(lo) <= uint64_t(hi) - uint64_t(lo);
  }

  // Branch-free check of one decoded record and its raw padding bytes.
  bool ok(const Event& e, const unsigned char* raw, uint64_t row) const {
    uint64_t pad;
    std::memcpy(&pad, raw + 56, 8);
    pad = std::endian::native == std::endian::little ? pad >> 8 : pad << 8;
    uint64_t vbits;
    std::memcpy(&vbits, &e.value, 8);
    constexpr uint64_t kExp = 0x7FF0000000000000ull;
    const bool value_ok = value_present ? (vbits & kExp) != kExp : e.value == 1.0;
    // `&` on purpose (no branches); the unsigned first operand keeps it arithmetic.
    return (unsigned(in(e.event_time.ms, time_lo[0], time_hi[0])) &
            in(e.send_time.ms, time_lo[1], time_hi[1]) &
            in(e.receive_time.ms, time_lo[2], time_hi[2]) &
            in(e.true_time.ms, time_lo[3], time_hi[3]) & value_ok & (e.key <= key_hi) & (keys > 0) &
            (e.partition <= partition_hi) & (uint8_t(e.kind) <= kind_hi) & (pad == 0) &
            (e.row == row)) != 0;
  }

  // True when all k records at `raw` (rows from first_row, native layout) pass ok(); one flag
  // for the whole chunk, so no branch per record. Also sets `largest` to the largest partition
  // id among them (0 for none).
  bool all_ok(const unsigned char* raw, size_t k, uint64_t first_row, PartitionId& largest) const;
  // all_ok with AVX2: a record as two vectors of four words.
  bool all_ok_avx2(const unsigned char* raw, size_t k, uint64_t first_row,
                   PartitionId& largest) const;

  // Why a record failed ok(), for the message.
  std::string why(const Event& e, const unsigned char* raw, uint64_t row) const;
};

}  // namespace tidemark::tmt
