#include "tidemark/core/trace_io/binary_trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/runtime/huge_page_allocator.hpp"
#include "tidemark/core/trace_io/tmt_decoder.hpp"
#include "tidemark/core/trace_io/tmt_record.hpp"

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

using tmt::Decoder;
using tmt::encode;
using tmt::FileSource;
using tmt::kChunkRecords;
using tmt::kNativeLayout;
using tmt::MemorySource;
using tmt::padding_before_records;
using tmt::put;

namespace {

// A whole trace: the header, then every chunk appended.
Trace read_all(Decoder& reader) {
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
  const std::string padding(padding_before_records(head.size() + comment.size() + keys.size()),
                            '\0');
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
  Decoder reader(std::make_unique<FileSource>(path, path.string()), trace_file_size(path),
                 path.string());
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
      Decoder reader(std::make_unique<MemorySource>(bytes), bytes.size(), path.string());
      if (reader.records_offset() % alignof(Event) == 0) {
        PartitionId partitions = 0;
        const std::span<const Event> records = reader.validate_in_place(
            mapping->data() + reader.records_offset(), partitions, threads);
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
  Decoder reader(std::make_unique<MemorySource>(bytes), bytes.size(), std::move(source));
  return read_all(reader);
}

// Streams the records: where the file maps with records in place (as map_binary_trace), from
// the mapping, without copying them: each window of pages is mapped ahead in one call and given
// back once its records have been handed out, so the process holds a few MiB of the file
// whatever its length. Otherwise chunk by chunk through read().
class BinaryTraceReader::Impl : public Decoder {
 public:
  explicit Impl(const std::filesystem::path& path)
      : Decoder(std::make_unique<FileSource>(path, path.string()), trace_file_size(path),
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
    return Decoder::next();
  }

 private:
#if TIDEMARK_MMAP
  static constexpr uint64_t kWindow = uint64_t(8) << 20;  // mapped ahead and given back at a time

  unsigned char* bytes() const {
    return const_cast<unsigned char*>(mapping_->data());
  }
  // Maps the pages of the next window from `at` in one call (a hint: without it, the pages are
  // faulted in as they are read).
  void populate(uint64_t at) {
    const uint64_t from =
        std::max(populated_, at & ~(page_ - 1));  // page-aligned, as madvise needs
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
const Trace& BinaryTraceReader::header() const {
  return impl_->header();
}
uint64_t BinaryTraceReader::records() const {
  return impl_->records();
}
PartitionId BinaryTraceReader::partitions() const {
  return impl_->partitions();
}
std::span<const Event> BinaryTraceReader::next() {
  return impl_->next();
}

}  // namespace tidemark
