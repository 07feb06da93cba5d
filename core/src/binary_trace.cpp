#include "tidemark/core/binary_trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <system_error>
#include <thread>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/huge_page_allocator.hpp"
#include "tidemark/core/iso_time.hpp"

#if defined(__unix__)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#define TIDEMARK_MMAP 1
#else
#define TIDEMARK_MMAP 0
#endif

namespace tidemark {

namespace {

// On x86-64, chunks of records are checked with AVX2 where the CPU has it (RecordLimits::all_ok).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TIDEMARK_AVX2_CHECK 1
#else
#define TIDEMARK_AVX2_CHECK 0
#endif

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

// Records per chunk handed out and checked: 256 KiB, small enough to stay in L2 while it is checked.
constexpr size_t kChunkRecords = 4096;
// Records per read(): 1 MiB. The kernel copies from the page cache ~20% faster into 1 MiB than
// into the same 256 KiB again and again (measured here; 256 KiB reads into four rotating buffers
// are as fast, so it is the reuse of the destination that costs, not the number of calls).
constexpr size_t kBlockRecords = 4 * kChunkRecords;

template <class T>
void put(unsigned char* p, T v) {
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
T get(const unsigned char* p) {
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

void encode(const Event& e, KeyId key, uint64_t row, unsigned char* p) {
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

Event decode(const unsigned char* p) {
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

  RecordLimits(uint32_t columns, uint64_t key_count, PartitionId partitions) : keys(key_count) {
    const uint32_t bits[4] = {0, kColSendTime, kColReceiveTime, kColTrueTime};
    for (int i = 0; i < 4; ++i) {
      const bool present = i == 0 || (columns & bits[i]);
      time_lo[i] = present ? kEarliestTime.ms : 0;
      time_hi[i] = present ? kLatestTime.ms : 0;
    }
    key_hi = (columns & kColKey) && key_count > 0 ? uint32_t(key_count - 1) : 0;
    partition_hi = partitions > 0 ? partitions - 1 : 0;
    kind_hi = (columns & kColKind) ? 1 : 0;
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
    return in(e.event_time.ms, time_lo[0], time_hi[0]) &
           in(e.send_time.ms, time_lo[1], time_hi[1]) &
           in(e.receive_time.ms, time_lo[2], time_hi[2]) &
           in(e.true_time.ms, time_lo[3], time_hi[3]) & value_ok & (e.key <= key_hi) & (keys > 0) &
           (e.partition <= partition_hi) & (uint8_t(e.kind) <= kind_hi) & (pad == 0) &
           (e.row == row);
  }

  // True when all k records at `raw` (rows from first_row, native layout) pass ok(); one flag
  // for the whole chunk, so no branch per record. Also sets `largest` to the largest partition
  // id among them (0 for none).
  bool all_ok(const unsigned char* raw, size_t k, uint64_t first_row, PartitionId& largest) const {
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
  [[gnu::target("avx2")]] bool all_ok_avx2(const unsigned char* raw, size_t k,
                                           uint64_t first_row, PartitionId& largest) const {
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
#endif

  // Why a record failed ok(), for the message.
  std::string why(const Event& e, const unsigned char* raw, uint64_t row) const {
    static constexpr const char* kTimeNames[4] = {"event_time", "send_time", "receive_time",
                                                  "true_time"};
    const int64_t times[4] = {e.event_time.ms, e.send_time.ms, e.receive_time.ms, e.true_time.ms};
    for (int i = 0; i < 4; ++i) {
      if (in(times[i], time_lo[i], time_hi[i])) continue;
      if (time_hi[i] == 0)
        return fmt::format("{} is {} but the column is absent (must be 0)", kTimeNames[i],
                           times[i]);
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
};

// Where the bytes come from: a file or memory. Reads return fewer bytes only at the end.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual size_t read(void* dst, size_t n) = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  size_t read(void* dst, size_t n) override {
    n = std::min(n, bytes_.size() - pos_);
    std::memcpy(dst, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

class FileSource final : public ByteSource {
 public:
  FileSource(const std::filesystem::path& path, const std::string& name)
      : file_(std::fopen(path.c_str(), "rb")), name_(name) {
    if (!file_) throw InputError(fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
    std::setvbuf(file_, nullptr, _IONBF, 0);  // bulk reads go straight into our buffers
  }
  ~FileSource() override { std::fclose(file_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  size_t read(void* dst, size_t n) override {
    const size_t got = std::fread(dst, 1, n, file_);
    if (got < n && std::ferror(file_)) {
      throw InputError(fmt::format("{}: read error: {}", name_, std::strerror(errno)));
    }
    return got;
  }

 private:
  std::FILE* file_;
  std::string name_;
};

// Parses the header and key table, then hands out validated records chunk by chunk.
class Reader {
 public:
  Reader(std::unique_ptr<ByteSource> in, uint64_t total_size, std::string source)
      : in_(std::move(in)), size_(total_size), source_(std::move(source)) {
    header_.source = source_;
    read_header();
  }

  const Trace& header() const { return header_; }
  // Moves the header out (not copied: the key table alone is three strings a key); header() is
  // empty from then on, and records can still be read.
  Trace take_header() { return std::move(header_); }
  uint64_t records() const { return records_; }
  PartitionId partitions() const { return partitions_; }
  // Offset of the first record in the file.
  uint64_t records_offset() const { return records_offset_; }

  // Validates all the records at `raw` (the file's records, in the native layout) in place, as
  // next() would chunk by chunk, and returns them; `partitions` becomes 1 + their largest
  // partition id (0 for none), as Trace::partition_count() would count it. With `threads` > 1,
  // that many threads each check (and so fault in) a share of the records; should any share
  // hold a bad record, the records are checked again in order, so that the error names the
  // first bad record, as with one thread.
  std::span<const Event> validate_in_place(const unsigned char* raw, PartitionId& partitions,
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

  // Whether every record at `raw` is valid, checked in `threads` shares of whole chunks at once;
  // `partitions` as in validate_in_place.
  bool all_ok_in_parallel(const unsigned char* raw, PartitionId& partitions, unsigned threads) const {
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

  // The next chunk of validated records from `raw` (all the file's records, in the native
  // layout) where they lie, as next() would hand them out; empty at the end.
  std::span<const Event> next_in_place(const unsigned char* raw) {
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
  uint64_t records_done() const { return done_; }

  // The next chunk of validated records; empty at the end.
  std::span<const Event> next() {
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

 private:
  void read_header() {
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
    constexpr uint32_t kKnown = kColPartition | kColKey | kColValue | kColSendTime |
                                kColReceiveTime | kColTrueTime | kColKind;
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
      fail(
          fmt::format("file size {} does not match {} records of 64 bytes{}", size_, n,
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

  // After the last record: `found` (1 + the largest partition id of the records) must be the
  // header's count, which replay trusts to size the clock before it has seen a record.
  void check_partitions(PartitionId found) const {
    if (found != partitions_) {
      fail(
          fmt::format("the header's partition count {} does not match the records' {} "
                      "(1 + their largest partition id)",
                      partitions_, found));
    }
  }

  [[noreturn]] void fail(std::string_view what) const {
    throw InputError(fmt::format("{}: {}", source_, what));
  }

  bool has_magic_prefix() {
    unsigned char m[8];
    return in_->read(m, 8) == 8 && std::memcmp(m, kBinaryTraceMagic.data(), 8) == 0;
  }

  void exact(void* dst, size_t n, std::string_view what) {
    if (in_->read(dst, n) != n) fail(fmt::format("truncated {}", what));
    offset_ += n;
  }

  void read_keys(uint64_t count, uint64_t bytes) {
    std::string table(bytes, '\0');
    exact(table.data(), bytes, "key table");
    // Every entry takes at least its 4-byte length: a count beyond that is reported below,
    // not allocated for.
    header_.keys.reserve(size_t(std::min<uint64_t>(count, bytes / 4)));
    size_t pos = 0;
    for (uint64_t i = 0; i < count; ++i) {
      if (bytes - pos < 4) fail(fmt::format("key table: entry {} is truncated", i));
      const uint32_t len =
          get<uint32_t>(reinterpret_cast<const unsigned char*>(table.data() + pos));
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

  // Names the first of the k records at `raw` (the next after done_) that fails RecordLimits::ok.
  [[noreturn]] void report(const Event* recs, const unsigned char* raw, size_t k) const {
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

  // Reads the next records (up to kBlockRecords) into raw_.
  void refill() {
    const size_t n = size_t(std::min<uint64_t>(kBlockRecords, records_ - done_));
    if (!raw_) raw_.reset(new RawRecord[n]);  // the first block is the largest
    exact(raw_.get(), n * kBinaryRecordSize, "records");
    filled_ = n;
    used_ = 0;
  }

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

// A whole trace: the header, then every chunk appended.
Trace read_all(Reader& reader) {
  Trace trace = reader.take_header();
  std::vector<Event>& events = trace.events;
  const uint64_t n = reader.records();
  events.reserve(n);
  // Large traces: ask for huge pages before the first touch; page faults otherwise dominate.
  advise_huge_pages(events.data(), n * sizeof(Event));
  for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) {
    events.insert(events.end(), chunk.begin(), chunk.end());
  }
  return trace;
}

uint64_t trace_file_size(const std::filesystem::path& path) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) throw InputError(fmt::format("{}: cannot open: {}", path.string(), ec.message()));
  return size;
}

}  // namespace

bool is_binary_trace_path(const std::filesystem::path& path) {
  return path.extension() == kBinaryTraceExtension;
}

std::string_view binary_header_comment(const Trace& header) {
  const std::string_view comment = single_line_header_comment(header);
  if (comment.size() > kMaxBinaryCommentBytes) {
    throw ConfigError(
        fmt::format("header comment is {} bytes; a binary trace holds at most {} bytes (1 MiB)",
                    comment.size(), kMaxBinaryCommentBytes));
  }
  return comment;
}

BinaryTraceWriter::BinaryTraceWriter(std::ostream& out, const Trace& header,
                                     std::span<const KeyId> key_order, PartitionId partitions,
                                     uint64_t records)
    : out_(out),
      records_(records),
      remap_(header.keys.size(), std::numeric_limits<KeyId>::max()),
      buf_(kChunkRecords * kBinaryRecordSize) {
  std::vector<std::string_view> names;
  if (header.has(kColKey)) {
    for (const KeyId k : key_order) {
      TIDEMARK_ASSERT(k < remap_.size() && remap_[k] == std::numeric_limits<KeyId>::max());
      remap_[k] = KeyId(names.size());
      names.push_back(header.keys.name(k));
    }
  } else {
    names.push_back("");
    std::fill(remap_.begin(), remap_.end(), 0);
  }
  const std::string_view comment = binary_header_comment(header);

  std::string head(kBinaryHeaderSize, '\0');
  auto* h = reinterpret_cast<unsigned char*>(head.data());
  std::memcpy(h, kBinaryTraceMagic.data(), 8);
  put<uint32_t>(h + 8, kBinaryTraceVersion);
  put<uint32_t>(h + 12, uint32_t(kBinaryRecordSize));
  put<uint32_t>(h + 16, header.columns);
  put<uint32_t>(h + 20, partitions);
  put<uint64_t>(h + 24, records);
  put<uint64_t>(h + 32, names.size());
  std::string keys;
  for (std::string_view k : names) {
    unsigned char len[4];
    put<uint32_t>(len, uint32_t(k.size()));
    keys.append(reinterpret_cast<const char*>(len), 4);
    keys.append(k);
  }
  put<uint64_t>(h + 40, keys.size());
  put<uint64_t>(h + 48, comment.size());
  out.write(head.data(), std::streamsize(head.size()));
  out.write(comment.data(), std::streamsize(comment.size()));
  out.write(keys.data(), std::streamsize(keys.size()));
  const std::string padding(padding_before_records(head.size() + comment.size() + keys.size()), '\0');
  out.write(padding.data(), std::streamsize(padding.size()));
}

void BinaryTraceWriter::write(std::span<const Event> records) {
  TIDEMARK_ASSERT(written_ + records.size() <= records_);
  for (const Event& e : records) {
    TIDEMARK_ASSERT(e.key < remap_.size() && remap_[e.key] != std::numeric_limits<KeyId>::max());
    encode(e, remap_[e.key], ++written_, buf_.data() + fill_);
    fill_ += kBinaryRecordSize;
    if (fill_ == buf_.size()) {
      out_.write(reinterpret_cast<const char*>(buf_.data()), std::streamsize(fill_));
      fill_ = 0;
      if (!out_) throw WriteError("writing the binary trace failed");  // stop at the first
    }
  }
}

void BinaryTraceWriter::finish() {
  TIDEMARK_ASSERT(written_ == records_);
  out_.write(reinterpret_cast<const char*>(buf_.data()), std::streamsize(fill_));
  fill_ = 0;
  if (!out_) throw WriteError("writing the binary trace failed");
}

void BinaryTraceSurvey::add(std::span<const Event> records) {
  for (const Event& e : records) {
    partitions_ = std::max(partitions_, e.partition + 1);
    TIDEMARK_ASSERT(e.key < seen_.size());
    if (!seen_[e.key]) {
      seen_[e.key] = true;
      order_.push_back(e.key);
    }
  }
}

void write_binary_trace(std::ostream& out, const Trace& trace) {
  // Canonical key numbering: order of first appearance, as the CSV reader would intern them.
  const std::span<const Event> records = trace.records();
  BinaryTraceSurvey survey(trace.keys.size());
  if (trace.has(kColKey)) survey.add(records);
  BinaryTraceWriter writer(out, trace, survey.key_order(), trace.partition_count(), records.size());
  writer.write(records);
  writer.finish();
}

Trace read_binary_trace(const std::filesystem::path& path) {
  Reader reader(std::make_unique<FileSource>(path, path.string()), trace_file_size(path), path.string());
  return read_all(reader);
}

#if TIDEMARK_MMAP
namespace {

// A read-only private mapping of a whole regular file; empty when the file cannot be mapped.
class FileMapping {
 public:
  explicit FileMapping(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      // Not populated here: validation reads every page first, on as many threads as it is
      // given, and the page faults are shared out with it (populating took as long, on one).
      void* p = ::mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        data_ = static_cast<const unsigned char*>(p);
        size_ = size_t(st.st_size);
      }
    }
    ::close(fd);
  }
  ~FileMapping() {
    if (data_) ::munmap(const_cast<unsigned char*>(data_), size_);
  }
  FileMapping(const FileMapping&) = delete;
  FileMapping& operator=(const FileMapping&) = delete;

  const unsigned char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const unsigned char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace
#endif

Trace map_binary_trace(const std::filesystem::path& path, unsigned threads) {
#if TIDEMARK_MMAP
  if constexpr (kNativeLayout) {
    auto mapping = std::make_shared<const FileMapping>(path);
    if (mapping->data() != nullptr) {
      // The header is parsed from the mapping too, so it and the records are one file's bytes.
      const std::string_view bytes(reinterpret_cast<const char*>(mapping->data()), mapping->size());
      Reader reader(std::make_unique<MemorySource>(bytes), bytes.size(), path.string());
      if (reader.records_offset() % alignof(Event) == 0) {
        PartitionId partitions = 0;
        const std::span<const Event> records =
            reader.validate_in_place(mapping->data() + reader.records_offset(), partitions, threads);
        Trace trace = reader.take_header();
        trace.mapped = records;
        trace.mapped_partitions = partitions;
        trace.mapping = std::move(mapping);
        return trace;
      }
    }
  }
#endif
  return read_binary_trace(path);
}

Trace parse_binary_trace(std::string_view bytes, std::string source) {
  Reader reader(std::make_unique<MemorySource>(bytes), bytes.size(), std::move(source));
  return read_all(reader);
}

// Streams the records: where the file maps with records in place (as map_binary_trace), from
// the mapping, without copying them: each window of pages is mapped ahead in one call and given
// back once its records have been handed out, so the process holds a few MiB of the file
// whatever its length. Otherwise chunk by chunk through read().
class BinaryTraceReader::Impl : public Reader {
 public:
  explicit Impl(const std::filesystem::path& path)
      : Reader(std::make_unique<FileSource>(path, path.string()), trace_file_size(path),
               path.string()) {
#if TIDEMARK_MMAP
    if constexpr (kNativeLayout) {
      if (records() > 0 && records_offset() % alignof(Event) == 0) {
        mapping_ = std::make_unique<const FileMapping>(path);
        if (mapping_->data() == nullptr ||
            mapping_->size() < records_offset() + records() * kBinaryRecordSize) {
          mapping_.reset();  // not mappable, or shorter than its header says: read() reports it
        } else {
          madvise(const_cast<unsigned char*>(mapping_->data()), mapping_->size(), MADV_SEQUENTIAL);
        }
      }
    }
#endif
  }

  std::span<const Event> next() {
#if TIDEMARK_MMAP
    if (mapping_) {
      const uint64_t at = records_offset() + records_done() * kBinaryRecordSize;
      // The records handed out before this call are no longer in use.
      if (at >= released_ + kWindow) release(at & ~(page_ - 1));
      if (at + kChunkRecords * kBinaryRecordSize > populated_) populate(at);
      return next_in_place(mapping_->data() + records_offset());
    }
#endif
    return Reader::next();
  }

 private:
#if TIDEMARK_MMAP
  static constexpr uint64_t kWindow = uint64_t(8) << 20;  // mapped ahead and given back at a time

  unsigned char* bytes() const { return const_cast<unsigned char*>(mapping_->data()); }
  // Maps the pages of the next window from `at` in one call (a hint: without it, the pages are
  // faulted in as they are read).
  void populate(uint64_t at) {
    const uint64_t from = std::max(populated_, at & ~(page_ - 1));  // page-aligned, as madvise needs
    const uint64_t to = std::min<uint64_t>(mapping_->size(), (at + kWindow) & ~(page_ - 1));
#ifdef MADV_POPULATE_READ  // Linux 5.14; elsewhere the pages are faulted in as they are read
    if (to > from) madvise(bytes() + from, to - from, MADV_POPULATE_READ);
#endif
    populated_ = std::max({populated_, to, at + kChunkRecords * kBinaryRecordSize});
  }
  // Unmaps [released_, to) from this process; the page cache keeps the file's pages.
  void release(uint64_t to) {
    if (to > released_) madvise(bytes() + released_, to - released_, MADV_DONTNEED);
    released_ = std::max(released_, to);
  }

  std::unique_ptr<const FileMapping> mapping_;
  uint64_t page_ = uint64_t(sysconf(_SC_PAGESIZE));
  uint64_t released_ = 0, populated_ = 0;  // byte offsets in the file
#endif
};

BinaryTraceReader::BinaryTraceReader(const std::filesystem::path& path)
    : impl_(std::make_unique<Impl>(path)) {}
BinaryTraceReader::~BinaryTraceReader() = default;
const Trace& BinaryTraceReader::header() const { return impl_->header(); }
uint64_t BinaryTraceReader::records() const { return impl_->records(); }
PartitionId BinaryTraceReader::partitions() const { return impl_->partitions(); }
std::span<const Event> BinaryTraceReader::next() { return impl_->next(); }

}  // namespace tidemark
