#include "tidemark/core/trace_io/tmt_decoder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <system_error>
#include <thread>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/trace_io/tmt_record.hpp"

namespace tidemark::tmt {

Decoder::Decoder(std::unique_ptr<ByteSource> in, uint64_t total_size, std::string source)
    : in_(std::move(in)), size_(total_size), source_(std::move(source)) {
  header_.source = source_;
  read_header();
}

std::span<const Event> Decoder::validate_in_place(const unsigned char* raw, PartitionId& partitions,
                                                  unsigned threads) {
  TIDEMARK_ASSERT(kNativeLayout && done_ == 0);
  if (threads > 1 && records_ >= 2 * kChunkRecords) {
    if (all_ok_in_parallel(raw, partitions, threads)) {
      done_ = records_;
      check_partitions(partitions);
      return {reinterpret_cast<const Event*>(raw), size_t(records_)};
    }
  }
  partitions = 0;
  for (uint64_t at = 0; at < records_; at += kChunkRecords) {
    const size_t k = size_t(std::min<uint64_t>(kChunkRecords, records_ - at));
    const unsigned char* chunk = raw + at * kBinaryRecordSize;
    done_ = at;
    PartitionId largest;
    if (!limits_->all_ok(chunk, k, at + 1, largest)) {
      report(reinterpret_cast<const Event*>(chunk), chunk, k);
    }
    partitions = std::max(partitions, largest + 1);
  }
  done_ = records_;
  check_partitions(partitions);
  return {reinterpret_cast<const Event*>(raw), size_t(records_)};
}

bool Decoder::all_ok_in_parallel(const unsigned char* raw, PartitionId& partitions,
                                 unsigned threads) const {
  const uint64_t chunks = (records_ + kChunkRecords - 1) / kChunkRecords;
  const uint64_t shares = std::min<uint64_t>(threads, chunks);
  struct Share {
    bool ok = true;
    PartitionId partitions = 0;
  };
  std::vector<Share> results(shares);
  const auto check = [&](uint64_t s) {
    const uint64_t first = chunks * s / shares * kChunkRecords;
    const uint64_t last = std::min(records_, chunks * (s + 1) / shares * kChunkRecords);
    Share& r = results[s];
    for (uint64_t at = first; at < last && r.ok; at += kChunkRecords) {
      const size_t k = size_t(std::min<uint64_t>(kChunkRecords, last - at));
      PartitionId largest;
      r.ok = limits_->all_ok(raw + at * kBinaryRecordSize, k, at + 1, largest);
      r.partitions = std::max(r.partitions, largest + 1);
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (uint64_t s = 1; s < shares; ++s) {
      try {
        helpers.emplace_back(check, s);
      } catch (const std::system_error&) {  // no thread to be had: this one checks the share
        check(s);
      }
    }
    check(0);
  }  // joined
  partitions = 0;
  for (const Share& r : results) {
    if (!r.ok) return false;
    partitions = std::max(partitions, r.partitions);
  }
  return true;
}

std::span<const Event> Decoder::next_in_place(const unsigned char* raw) {
  TIDEMARK_ASSERT(kNativeLayout);
  if (done_ == records_) return {};
  const size_t k = size_t(std::min<uint64_t>(kChunkRecords, records_ - done_));
  const unsigned char* chunk = raw + done_ * kBinaryRecordSize;
  PartitionId largest;
  if (!limits_->all_ok(chunk, k, done_ + 1, largest)) {
    report(reinterpret_cast<const Event*>(chunk), chunk, k);
  }
  done_ += k;
  found_partitions_ = std::max(found_partitions_, largest + 1);
  if (done_ == records_) check_partitions(found_partitions_);
  return {reinterpret_cast<const Event*>(chunk), k};
}

std::span<const Event> Decoder::next() {
  if (done_ == records_) return {};
  if (used_ == filled_) refill();
  const size_t k = std::min(kChunkRecords, filled_ - used_);
  const unsigned char* raw = reinterpret_cast<const unsigned char*>(raw_.get() + used_);
  const Event* recs;
  bool ok;
  PartitionId largest = 0;
  if constexpr (kNativeLayout) {
    recs = reinterpret_cast<const Event*>(raw);  // implicit-lifetime, trivially copyable
    ok = limits_->all_ok(raw, k, done_ + 1, largest);
  } else {
    if (decoded_.empty()) decoded_.resize(kChunkRecords);
    ok = true;
    for (size_t i = 0; i < k; ++i) {
      decoded_[i] = decode(raw + i * kBinaryRecordSize);
      ok &= limits_->ok(decoded_[i], raw + i * kBinaryRecordSize, done_ + i + 1);
      largest = std::max(largest, decoded_[i].partition);
    }
    recs = decoded_.data();
  }
  if (!ok) report(recs, raw, k);
  used_ += k;
  done_ += k;
  found_partitions_ = std::max(found_partitions_, largest + 1);
  if (done_ == records_) check_partitions(found_partitions_);
  return {recs, k};
}

void Decoder::read_header() {
  unsigned char h[kBinaryHeaderSize];
  if (size_ < kBinaryHeaderSize) {
    fail(size_ >= 8 && !has_magic_prefix()
             ? "not a tidemark binary trace (bad magic)"
             : fmt::format("truncated header ({} bytes, need {})", size_, kBinaryHeaderSize));
  }
  exact(h, kBinaryHeaderSize, "header");
  if (std::memcmp(h, kBinaryTraceMagic.data(), 8) != 0) {
    fail("not a tidemark binary trace (bad magic; expected \"TIDEMARK\")");
  }
  const uint32_t version = get<uint32_t>(h + 8), record = get<uint32_t>(h + 12);
  const uint32_t columns = get<uint32_t>(h + 16), partitions = get<uint32_t>(h + 20);
  const uint64_t n = get<uint64_t>(h + 24), key_count = get<uint64_t>(h + 32);
  const uint64_t key_bytes = get<uint64_t>(h + 40), comment_bytes = get<uint64_t>(h + 48);
  if (version != 1 && version != kBinaryTraceVersion) {
    fail(fmt::format("unsupported version {} (this build reads versions 1 to {})", version,
                     kBinaryTraceVersion));
  }
  if (record != kBinaryRecordSize) fail(fmt::format("record size {} is not 64", record));
  constexpr uint32_t kKnown = kColPartition | kColKey | kColValue | kColSendTime | kColReceiveTime |
                              kColTrueTime | kColKind;
  if ((columns & ~kKnown) != 0) fail(fmt::format("unknown column bits {:#x}", columns));
  if (partitions > kMaxPartitions || (n > 0) != (partitions > 0) ||
      (!(columns & kColPartition) && partitions > 1)) {
    fail(fmt::format("partition count {} is impossible for {} records", partitions, n));
  }
  // Every count is checked against the file size before anything is allocated from it.
  const uint64_t body = size_ - kBinaryHeaderSize;
  if (comment_bytes > kMaxBinaryCommentBytes) {
    fail(fmt::format("header comment length {} exceeds the limit of {} bytes", comment_bytes,
                     kMaxBinaryCommentBytes));
  }
  if (comment_bytes > body) {
    fail(fmt::format("header comment length {} exceeds the file", comment_bytes));
  }
  if (key_bytes > body - comment_bytes || key_count > key_bytes / 4) {
    fail(fmt::format("key table ({} keys, {} bytes) exceeds the file", key_count, key_bytes));
  }
  const uint64_t padding =
      version == 1 ? 0 : padding_before_records(kBinaryHeaderSize + comment_bytes + key_bytes);
  if (padding > body - comment_bytes - key_bytes) {
    fail(fmt::format("file size {} is too small for the padding before the records", size_));
  }
  const uint64_t record_bytes = body - comment_bytes - key_bytes - padding;
  if (n > record_bytes / kBinaryRecordSize || record_bytes != n * kBinaryRecordSize) {
    fail(fmt::format("file size {} does not match {} records of 64 bytes{}", size_, n,
                     record_bytes < n * kBinaryRecordSize ? " (truncated)" : " (trailing bytes)"));
  }
  header_.columns = columns;
  header_.header_comment.resize(comment_bytes);
  exact(header_.header_comment.data(), comment_bytes, "header comment");
  read_keys(key_count, key_bytes);
  if (!(columns & kColKey) && !(key_count == 1 && header_.keys.name(0).empty())) {
    fail("the key column is absent, so the key table must hold exactly the empty key");
  }
  unsigned char pad[kBinaryRecordAlignment];
  exact(pad, padding, "padding before the records");
  if (std::any_of(pad, pad + padding, [](unsigned char b) { return b != 0; })) {
    fail("the padding before the records is not zero");
  }
  records_ = n;
  partitions_ = partitions;
  limits_.emplace(columns, key_count, partitions);
  records_offset_ = offset_;
}

void Decoder::check_partitions(PartitionId found) const {
  if (found != partitions_) {
    fail(
        fmt::format("the header's partition count {} does not match the records' {} "
                    "(1 + their largest partition id)",
                    partitions_, found));
  }
}

void Decoder::fail(std::string_view what) const {
  throw InputError(fmt::format("{}: {}", source_, what));
}

bool Decoder::has_magic_prefix() {
  unsigned char m[8];
  return in_->read(m, 8) == 8 && std::memcmp(m, kBinaryTraceMagic.data(), 8) == 0;
}

void Decoder::exact(void* dst, size_t n, std::string_view what) {
  if (in_->read(dst, n) != n) fail(fmt::format("truncated {}", what));
  offset_ += n;
}

void Decoder::read_keys(uint64_t count, uint64_t bytes) {
  std::string table(bytes, '\0');
  exact(table.data(), bytes, "key table");
  // Every entry takes at least its 4-byte length: a count beyond that is reported below,
  // not allocated for.
  header_.keys.reserve(size_t(std::min<uint64_t>(count, bytes / 4)));
  size_t pos = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (bytes - pos < 4) fail(fmt::format("key table: entry {} is truncated", i));
    const uint32_t len = get<uint32_t>(reinterpret_cast<const unsigned char*>(table.data() + pos));
    pos += 4;
    if (len > bytes - pos) fail(fmt::format("key table: entry {} is truncated", i));
    KeyId id;
    try {
      id = header_.keys.intern(std::string_view(table).substr(pos, len));
    } catch (const InvalidKey& bad) {
      fail(fmt::format("key table: entry {}: {}", i, bad.what()));
    }
    if (id != i) fail(fmt::format("key table: entry {} duplicates an earlier key", i));
    pos += len;
  }
  if (pos != bytes) fail("key table: bytes left over after the last key");
}

void Decoder::report(const Event* recs, const unsigned char* raw, size_t k) const {
  for (size_t i = 0; i < k; ++i) {
    const unsigned char* r = raw + i * kBinaryRecordSize;
    const uint64_t row = done_ + i + 1;
    if (!limits_->ok(recs[i], r, row)) {
      fail(fmt::format("record {} (byte offset {}): {}", row,
                       records_offset_ + (row - 1) * kBinaryRecordSize,
                       limits_->why(recs[i], r, row)));
    }
  }
  fail("invalid record");
}

void Decoder::refill() {
  const size_t n = size_t(std::min<uint64_t>(kBlockRecords, records_ - done_));
  if (!raw_) raw_.reset(new RawRecord[n]);  // the first block is the largest
  exact(raw_.get(), n * kBinaryRecordSize, "records");
  filled_ = n;
  used_ = 0;
}

}  // namespace tidemark::tmt
