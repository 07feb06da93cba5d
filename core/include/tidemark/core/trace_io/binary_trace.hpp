#pragma once
// The binary trace format (`.tmt`): the same fields as the CSV format (docs/design.md §6) in
// fixed-width little-endian records that load with bulk reads, plus the key table and the
// header comment.
//
// Layout (all integers little-endian):
//   0  char[8]  magic "TIDEMARK"
//   8  u32      version (1)
//  12  u32      record size (64)
//  16  u32      columns (bits of tidemark::Column)
//  20  u32      partition count P: 1 + the largest partition id (0 for no records)
//  24  u64      event count N
//  32  u64      key count K
//  40  u64      key table bytes
//  48  u64      header comment bytes (the generator's spec, UTF-8, no line break, at most 1 MiB)
//  56  header comment, then the key table (K times: u32 length + bytes), then (version 2) zero
//      bytes up to the next multiple of 64, so that a mapped file's records are aligned like
//      Events; then N records:
//      +0 event_time i64, +8 send_time i64, +16 receive_time i64, +24 true_time i64,
//      +32 value f64, +40 row u64 (1-based record index), +48 key u32 (index into the table),
//      +52 partition u32, +56 kind u8 (0 event, 1 watermark, 2 idle), +57 seven zero bytes.
// Fields of absent columns hold their CSV defaults (0 for times, partition 0, key "", value 1,
// kind event), so CSV -> binary -> CSV and binary -> CSV -> binary are both byte-identical.
// Version 1 (no padding) is still read.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tidemark/core/trace_io/trace.hpp"

namespace tidemark {

inline constexpr std::string_view kBinaryTraceExtension = ".tmt";
inline constexpr std::string_view kBinaryTraceMagic = "TIDEMARK";
inline constexpr uint32_t kBinaryTraceVersion = 2;
inline constexpr size_t kBinaryRecordSize = 64;
inline constexpr size_t kBinaryHeaderSize = 56;
// Version 2 records start at a multiple of this file offset.
inline constexpr size_t kBinaryRecordAlignment = 64;
// Longest header comment a binary trace holds (read and write): 1 MiB.
inline constexpr uint64_t kMaxBinaryCommentBytes = uint64_t(1) << 20;

// True when the path names a binary trace (by its extension, `.tmt`).
bool is_binary_trace_path(const std::filesystem::path& path);

// The header comment as a binary trace stores it: trimmed of blanks at both ends. Throws
// ConfigError when it cannot be stored (a line break, or longer than kMaxBinaryCommentBytes);
// call it before creating the output file so that a bad comment leaves no file behind.
std::string_view binary_header_comment(const Trace& header);

// Writes the trace in canonical form: keys renumbered in order of first appearance (unused keys
// dropped), rows written as record indices. Throws WriteError when the stream fails.
void write_binary_trace(std::ostream& out, const Trace& trace);

// What a binary trace's header takes from its records, gathered a chunk at a time: the keys in
// order of first use (the canonical key table) and 1 + the largest partition id (0 for none).
class BinaryTraceSurvey {
 public:
  explicit BinaryTraceSurvey(size_t key_count) : seen_(key_count, false) {}
  void add(std::span<const Event> records);
  std::span<const KeyId> key_order() const { return order_; }
  PartitionId partitions() const { return partitions_; }

 private:
  std::vector<bool> seen_;  // by key id
  std::vector<KeyId> order_;
  PartitionId partitions_ = 0;
};

// Writes a binary trace a chunk of records at a time, for traces too long to hold: the same bytes
// as write_binary_trace, given up front what it finds in the records (see BinaryTraceSurvey).
// `header` gives the columns, the header comment and the key names; `key_order` the ids of the keys
// the records use, in order of first use (the canonical table; with a key column); `partitions` 1 +
// their largest partition id; `records` their count.
class BinaryTraceWriter {
 public:
  BinaryTraceWriter(std::ostream& out, const Trace& header, std::span<const KeyId> key_order,
                    PartitionId partitions, uint64_t records);
  // The next records, in order; rows are written as record indices. Throws WriteError as soon
  // as a buffered write fails.
  void write(std::span<const Event> records);
  // After the last record. Throws WriteError when the stream failed.
  void finish();

 private:
  std::ostream& out_;
  uint64_t records_, written_ = 0;
  std::vector<KeyId> remap_;  // trace key id -> index in the written table
  std::vector<unsigned char> buf_;
  size_t fill_ = 0;
};

// Reads a whole binary trace; `row` of each event is its 1-based record index. Throws InputError
// naming the file (and record) for a wrong magic, a truncated file, inconsistent counts or
// out-of-range fields; nothing is allocated from a count before it is checked against the size.
Trace read_binary_trace(const std::filesystem::path& path);
// Same, but where the file's records can be used in place (a version 2 file on a little-endian
// machine) it maps the file instead of copying it: the records are read from the page cache
// through Trace::records(), and no memory is filled. Otherwise it falls back to
// read_binary_trace. The file must not be truncated while the trace is in use. The records are
// validated on up to `threads` threads (the result, and any error, is the same for any count).
Trace map_binary_trace(const std::filesystem::path& path, unsigned threads = 1);
// Same for bytes in memory; `source` names them in messages.
Trace parse_binary_trace(std::string_view bytes, std::string source);

// Reads a binary trace chunk by chunk, so memory stays bounded whatever the trace's length
// (replay uses it for .tmt traces). Each chunk is validated like read_binary_trace does. Where
// map_binary_trace would map the file, the chunks lie in a mapping of it (a window of a few MiB
// mapped at a time): the file must not be truncated while it is read.
class BinaryTraceReader {
 public:
  explicit BinaryTraceReader(const std::filesystem::path& path);  // reads header and key table
  ~BinaryTraceReader();
  BinaryTraceReader(const BinaryTraceReader&) = delete;
  BinaryTraceReader& operator=(const BinaryTraceReader&) = delete;

  // Source, columns, keys and header comment; its `events` stay empty.
  const Trace& header() const;
  uint64_t records() const;
  // 1 + the largest partition id, as the header records it; next() throws InputError after the
  // last record if the records' largest id disagrees.
  PartitionId partitions() const;
  // The next validated records (at most 4096), valid until the next call; empty at the end.
  std::span<const Event> next();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tidemark
