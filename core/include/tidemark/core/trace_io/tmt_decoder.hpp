#pragma once
// Decodes a binary trace (.tmt): parses the header and key table, then hands out validated
// records chunk by chunk, copied from a byte source or checked where they lie in a mapping.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tidemark/core/trace_io/binary_trace.hpp"
#include "tidemark/core/trace_io/tmt_byte_source.hpp"
#include "tidemark/core/trace_io/tmt_record_limits.hpp"
#include "tidemark/core/trace_io/trace.hpp"

namespace tidemark::tmt {

class Decoder {
 public:
  Decoder(std::unique_ptr<ByteSource> in, uint64_t total_size, std::string source);

  const Trace& header() const { return header_; }
  // Moves the header out (not copied: the key table alone is three strings a key); header() is
  // empty from then on, and records can still be read.
  Trace take_header() { return std::move(header_); }
  uint64_t records() const { return records_; }
  PartitionId partitions() const { return partitions_; }
  // Offset of the first record in the file.
  uint64_t records_offset() const { return records_offset_; }
  uint64_t records_done() const { return done_; }

  // Validates all the records at `raw` (the file's records, in the native layout) in place, as
  // next() would chunk by chunk, and returns them; `partitions` becomes 1 + their largest
  // partition id (0 for none), as Trace::partition_count() would count it. With `threads` > 1,
  // that many threads each check (and so fault in) a share of the records; should any share
  // hold a bad record, the records are checked again in order, so that the error names the
  // first bad record, as with one thread.
  std::span<const Event> validate_in_place(const unsigned char* raw, PartitionId& partitions,
                                           unsigned threads);
  // The next chunk of validated records from `raw` (all the file's records, in the native
  // layout) where they lie, as next() would hand them out; empty at the end.
  std::span<const Event> next_in_place(const unsigned char* raw);
  // The next chunk of validated records; empty at the end.
  std::span<const Event> next();

 private:
  // Whether every record at `raw` is valid, checked in `threads` shares of whole chunks at once;
  // `partitions` as in validate_in_place.
  bool all_ok_in_parallel(const unsigned char* raw, PartitionId& partitions,
                          unsigned threads) const;
  void read_header();
  // After the last record: `found` (1 + the largest partition id of the records) must be the
  // header's count, which replay trusts to size the clock before it has seen a record.
  void check_partitions(PartitionId found) const;
  [[noreturn]] void fail(std::string_view what) const;
  bool has_magic_prefix();
  void exact(void* dst, size_t n, std::string_view what);
  void read_keys(uint64_t count, uint64_t bytes);
  // Names the first of the k records at `raw` (the next after done_) that fails RecordLimits::ok.
  [[noreturn]] void report(const Event* recs, const unsigned char* raw, size_t k) const;
  // Reads the next records (up to kBlockRecords) into raw_.
  void refill();

  std::unique_ptr<ByteSource> in_;
  uint64_t size_;
  uint64_t offset_ = 0;
  std::string source_;  // names the trace in messages
  Trace header_;
  uint64_t records_ = 0, done_ = 0;
  PartitionId partitions_ = 0;        // as the header says
  PartitionId found_partitions_ = 0;  // 1 + the largest partition id handed out by next()
  std::optional<RecordLimits> limits_;
  uint64_t records_offset_ = 0;  // of the first record
  // Records as read, cache-line aligned; filled_ of them read, used_ of those handed out.
  struct alignas(64) RawRecord {
    unsigned char bytes[kBinaryRecordSize];
  };
  std::unique_ptr<RawRecord[]> raw_;
  size_t filled_ = 0, used_ = 0;
  std::vector<Event> decoded_;  // records decoded field by field, without kNativeLayout
};

}  // namespace tidemark::tmt
