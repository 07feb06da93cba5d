#pragma once
// JSON Lines and CSV writers for results and late events (docs/design.md §7), buffered,
// byte-deterministic.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

#include "tidemark/core/error.hpp"
#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/output/iso_time_spelling.hpp"
#include "tidemark/core/trace_io/key_table.hpp"

namespace tidemark {

// The most bytes that one row takes besides its key's spelling (and the most that
// write_json_number() takes is 24).
inline constexpr size_t kMaxJsonRowBytes = 640;

// Writes `v` as fmt's "{}" spells a double (the shortest spelling that reads back as `v`), or
// null where it is not finite: JSON has no infinities. Returns the end of what it wrote.
char* write_json_number(char* out, double v);

// The spellings of the times of the last row written: the rows that one watermark fires share
// their window and clock, and copying 13 digits costs less than writing them.
class IntegerSpelling {
 public:
  // Writes `v`, copied from the last spelling when `v` is the last value.
  char* put(char* out, int64_t v);

 private:
  int64_t value_ = 0;
  uint32_t size_ = 1;
  char text_[24] = {'0'};
};

// The spellings of a row's times: epoch milliseconds (IntegerSpelling) or ISO-8601 text
// (IsoTimeSpelling, --time-format iso).
template <class Spelling>
struct BasicRowMemo {
  Spelling start, end, clock, proc_time, event_time;
};
using RowMemo = BasicRowMemo<IntegerSpelling>;
using IsoJsonRowMemo = BasicRowMemo<IsoTimeSpelling<true>>;
using IsoCsvRowMemo = BasicRowMemo<IsoTimeSpelling<false>>;

// Write one result object, without the newline, to `out`, which has room for key_json.size() +
// kMaxJsonRowBytes bytes, and return its end, e.g.
// {"key":"a","start":0,"end":10,"count":2,"sum":3,"min":1,"max":2,"mean":1.5,"kind":"on_time",...}
// `key_json` is the key's JSON spelling (KeyTable::json()), copied as it is.
// `memo` holds the times of the row before (the one-row overloads start afresh); its type spells
// them (RowMemo or IsoJsonRowMemo).
template <class Memo>
char* write_json(char* out, const Emission& e, std::string_view key_json, Memo& memo);
template <class Memo>
char* write_json(char* out, const LateEvent& e, std::string_view key_json, Memo& memo);
char* write_json(char* out, const Emission& e, std::string_view key_json);
char* write_json(char* out, const LateEvent& e, std::string_view key_json);

// The same, appended to a string.
void append_json(std::string& out, const Emission& e, const KeyTable& keys);
void append_json(std::string& out, const LateEvent& e, const KeyTable& keys);

// CSV rows (RFC 4180, with a header line; pandas and DuckDB read them as they are): the same
// columns in the same order, numbers spelled as in JSON, a number that is not finite as an empty
// field (NaN, NULL), and the key in quotes, its quotes doubled, where it holds a comma, a quote or
// a line break, or is empty. `key` is the key's own text (KeyTable::name()); `out` has room for
// 2 * key.size() + 2 + kMaxJsonRowBytes bytes.
// `memo`: RowMemo or IsoCsvRowMemo.
template <class Memo>
char* write_csv(char* out, const Emission& e, std::string_view key, Memo& memo);
template <class Memo>
char* write_csv(char* out, const LateEvent& e, std::string_view key, Memo& memo);
char* write_csv(char* out, const Emission& e, std::string_view key);
char* write_csv(char* out, const LateEvent& e, std::string_view key);
inline constexpr std::string_view kResultsCsvHeader =
    "key,start,end,count,sum,min,max,mean,kind,clock,proc_time,seq\n";
inline constexpr std::string_view kLateCsvHeader =
    "row,partition,key,event_time,extracted_time,clock,reason\n";

// How results and late events are written: --output-format.
enum class RowFormat { kJsonLines, kCsv };
// How their times are written: --time-format ms (epoch milliseconds) | iso.
enum class TimeFormat { kEpochMs, kIso };

// Writes one row per line to a stream (a CSV header first). Rows are written straight into a
// buffer that goes to the stream in one write of at least 64 KiB, so that a row costs little more
// than its bytes. A failed write (a full disk) throws WriteError at once, so that a run does not
// go on to its end writing nothing.
template <class Record, RowFormat Format, TimeFormat Times = TimeFormat::kEpochMs>
class RowWriter {
 public:
  RowWriter(std::ostream& out, const KeyTable& keys)
      : out_(out), keys_(keys), buffer_(std::make_unique<char[]>(capacity_)) {
    if constexpr (Format == RowFormat::kCsv) {
      constexpr std::string_view header =
          std::is_same_v<Record, Emission> ? kResultsCsvHeader : kLateCsvHeader;
      header.copy(buffer_.get(), header.size());
      size_ = header.size();
    }
  }
  ~RowWriter() { write_buffer(); }  // never throws: the owner's flush() reports
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;

  void write(const Record& r) {
    char* end;
    if constexpr (Format == RowFormat::kJsonLines) {
      const std::string_view key = keys_.json(r.key);
      end = write_json(room_for(key.size()), r, key, memo_);
    } else {
      const std::string_view key = keys_.name(r.key);
      end = write_csv(room_for(2 * key.size() + 2), r, key, memo_);
    }
    *end++ = '\n';
    size_ = size_t(end - buffer_.get());
    if (size_ >= kFlushBytes) flush();
  }
  void flush() {
    write_buffer();
    if (!out_) throw WriteError("writing rows failed");
  }

 private:
  void write_buffer() {
    if (out_ && size_ > 0) out_.write(buffer_.get(), std::streamsize(size_));
    size_ = 0;
  }
  // Where the next row goes, with room for it and `key_bytes` of key.
  char* room_for(size_t key_bytes) {
    if (capacity_ - size_ < key_bytes + kMaxJsonRowBytes) make_room(key_bytes);
    return buffer_.get() + size_;
  }
  // Only for a key longer than the slack past kFlushBytes.
  void make_room(size_t key_bytes) {
    flush();
    const size_t needed = key_bytes + kMaxJsonRowBytes;
    if (needed > capacity_) {
      capacity_ = needed;
      buffer_ = std::make_unique<char[]>(capacity_);
    }
  }

  static constexpr size_t kFlushBytes = 1 << 16;
  std::ostream& out_;
  const KeyTable& keys_;
  size_t capacity_ = kFlushBytes + 4096;
  size_t size_ = 0;
  std::unique_ptr<char[]> buffer_;
  std::conditional_t<
      Times == TimeFormat::kEpochMs, RowMemo,
      std::conditional_t<Format == RowFormat::kJsonLines, IsoJsonRowMemo, IsoCsvRowMemo>>
      memo_;
};

template <class Record>
using JsonLinesWriter = RowWriter<Record, RowFormat::kJsonLines>;

// Sinks that write rows, holding the last of them until flush().
class ResultWriter : public ResultSink {
 public:
  virtual void flush() = 0;
};

class LateWriter : public LateSink {
 public:
  virtual void flush() = 0;
};

template <RowFormat Format, TimeFormat Times = TimeFormat::kEpochMs>
class RowResultSink final : public ResultWriter {
 public:
  RowResultSink(std::ostream& out, const KeyTable& keys) : writer_(out, keys) {}
  void on_emission(const Emission& e) override { writer_.write(e); }
  void flush() override { writer_.flush(); }

 private:
  RowWriter<Emission, Format, Times> writer_;
};

template <RowFormat Format, TimeFormat Times = TimeFormat::kEpochMs>
class RowLateSink final : public LateWriter {
 public:
  RowLateSink(std::ostream& out, const KeyTable& keys) : writer_(out, keys) {}
  void on_late(const LateEvent& e) override { writer_.write(e); }
  void flush() override { writer_.flush(); }

 private:
  RowWriter<LateEvent, Format, Times> writer_;
};

using JsonLinesResultSink = RowResultSink<RowFormat::kJsonLines>;
using JsonLinesLateSink = RowLateSink<RowFormat::kJsonLines>;
using CsvResultSink = RowResultSink<RowFormat::kCsv>;
using CsvLateSink = RowLateSink<RowFormat::kCsv>;

std::unique_ptr<ResultWriter> make_result_writer(RowFormat format, TimeFormat times,
                                                 std::ostream& out, const KeyTable& keys);
std::unique_ptr<LateWriter> make_late_writer(RowFormat format, TimeFormat times, std::ostream& out,
                                             const KeyTable& keys);

}  // namespace tidemark
