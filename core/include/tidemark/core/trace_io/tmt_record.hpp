#pragma once
// The 64-byte record of a binary trace (.tmt): its layout, the chunk sizes records are read and
// checked in, and the codec for machines whose Event layout is not the record's.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tidemark/core/trace_io/binary_trace.hpp"

namespace tidemark::tmt {

// Records move between the file and memory with one memcpy when Event's layout is the record
// layout (little-endian, the offsets below); otherwise they are decoded field by field.
constexpr bool kNativeLayout =
    std::endian::native == std::endian::little && sizeof(Event) == kBinaryRecordSize &&
    offsetof(Event, event_time) == 0 && offsetof(Event, send_time) == 8 &&
    offsetof(Event, receive_time) == 16 && offsetof(Event, true_time) == 24 &&
    offsetof(Event, value) == 32 && offsetof(Event, row) == 40 && offsetof(Event, key) == 48 &&
    offsetof(Event, partition) == 52 && offsetof(Event, kind) == 56 && sizeof(RecordKind) == 1;

// Zero bytes that version 2 puts after the header, comment and key table (`table_end` bytes), so
// the records start at a multiple of kBinaryRecordAlignment.
constexpr uint64_t padding_before_records(uint64_t table_end) {
  return (kBinaryRecordAlignment - table_end % kBinaryRecordAlignment) % kBinaryRecordAlignment;
}

// Records per chunk handed out and checked: 256 KiB, small enough to stay in L2 while it is
// checked.
constexpr size_t kChunkRecords = 4096;
// Records per read(): 1 MiB. The kernel copies from the page cache ~20% faster into 1 MiB than
// into the same 256 KiB again and again (measured here; 256 KiB reads into four rotating buffers
// are as fast, so it is the reuse of the destination that costs, not the number of calls).
constexpr size_t kBlockRecords = 4 * kChunkRecords;

template <class T>
inline void put(unsigned char* p, T v) {
  if constexpr (std::endian::native == std::endian::big) {
    unsigned char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    std::reverse(b, b + sizeof(T));
    std::memcpy(p, b, sizeof(T));
  } else {
    std::memcpy(p, &v, sizeof(T));
  }
}

template <class T>
inline T get(const unsigned char* p) {
  T v;
  if constexpr (std::endian::native == std::endian::big) {
    unsigned char b[sizeof(T)];
    std::memcpy(b, p, sizeof(T));
    std::reverse(b, b + sizeof(T));
    std::memcpy(&v, b, sizeof(T));
  } else {
    std::memcpy(&v, p, sizeof(T));
  }
  return v;
}

inline void encode(const Event& e, KeyId key, uint64_t row, unsigned char* p) {
  std::memset(p, 0, kBinaryRecordSize);  // the padding is part of the format: always zero
  put<int64_t>(p + 0, e.event_time.ms);
  put<int64_t>(p + 8, e.send_time.ms);
  put<int64_t>(p + 16, e.receive_time.ms);
  put<int64_t>(p + 24, e.true_time.ms);
  put<double>(p + 32, e.value);
  put<uint64_t>(p + 40, row);
  put<uint32_t>(p + 48, key);
  put<uint32_t>(p + 52, e.partition);
  p[56] = uint8_t(e.kind);
}

inline Event decode(const unsigned char* p) {
  Event e;
  e.event_time.ms = get<int64_t>(p + 0);
  e.send_time.ms = get<int64_t>(p + 8);
  e.receive_time.ms = get<int64_t>(p + 16);
  e.true_time.ms = get<int64_t>(p + 24);
  e.value = get<double>(p + 32);
  e.row = get<uint64_t>(p + 40);
  e.key = get<uint32_t>(p + 48);
  e.partition = get<uint32_t>(p + 52);
  e.kind = RecordKind(p[56]);
  return e;
}

}  // namespace tidemark::tmt
