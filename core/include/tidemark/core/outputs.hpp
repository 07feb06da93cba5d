#pragma once
// JSON Lines writers for results and late events (docs/design.md §7), buffered, byte-deterministic.

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "tidemark/core/emission.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/key_table.hpp"

namespace tidemark {

// The most bytes that one row takes besides its key's JSON spelling (and the most that
// write_json_number() takes is 24).
inline constexpr size_t kMaxJsonRowBytes = 512;

// Writes `v` as fmt's "{}" spells a double (the shortest spelling that reads back as `v`), or
// null where it is not finite: JSON has no infinities. Returns the end of what it wrote.
char* write_json_number(char* out, double v);

// Write one result object, without the newline, to `out`, which has room for key_json.size() +
// kMaxJsonRowBytes bytes, and return its end, e.g.
// {"key":"a","start":0,"end":10,"count":2,"sum":3,"min":1,"max":2,"mean":1.5,"kind":"on_time",...}
// `key_json` is the key's JSON spelling (KeyTable::json()), copied as it is.
char* write_json(char* out, const Emission& e, std::string_view key_json);
char* write_json(char* out, const LateEvent& e, std::string_view key_json);

// The same, appended to a string.
void append_json(std::string& out, const Emission& e, const KeyTable& keys);
void append_json(std::string& out, const LateEvent& e, const KeyTable& keys);

// Writes one JSON object per line to a stream. Rows are written straight into a buffer that goes
// to the stream in one write of at least 64 KiB, so that a row costs little more than its bytes.
// A failed write (a full disk) throws WriteError at once, so that a run does not go on to its end
// writing nothing.
template <class Record>
class JsonLinesWriter {
 public:
  JsonLinesWriter(std::ostream& out, const KeyTable& keys)
      : out_(out), keys_(keys), buffer_(std::make_unique<char[]>(capacity_)) {}
  ~JsonLinesWriter() { write_buffer(); }  // never throws: the owner's flush() reports
  JsonLinesWriter(const JsonLinesWriter&) = delete;
  JsonLinesWriter& operator=(const JsonLinesWriter&) = delete;

  void write(const Record& r) {
    const std::string_view key = keys_.json(r.key);
    if (capacity_ - size_ < key.size() + kMaxJsonRowBytes) make_room(key.size());
    char* end = write_json(buffer_.get() + size_, r, key);
    *end++ = '\n';
    size_ = size_t(end - buffer_.get());
    if (size_ >= kFlushBytes) flush();
  }
  void flush() {
    write_buffer();
    if (!out_) throw WriteError("writing JSON Lines failed");
  }

 private:
  void write_buffer() {
    if (out_ && size_ > 0) out_.write(buffer_.get(), std::streamsize(size_));
    size_ = 0;
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
};

class JsonLinesResultSink final : public ResultSink {
 public:
  JsonLinesResultSink(std::ostream& out, const KeyTable& keys) : writer_(out, keys) {}
  void on_emission(const Emission& e) override { writer_.write(e); }
  void flush() { writer_.flush(); }

 private:
  JsonLinesWriter<Emission> writer_;
};

class JsonLinesLateSink final : public LateSink {
 public:
  JsonLinesLateSink(std::ostream& out, const KeyTable& keys) : writer_(out, keys) {}
  void on_late(const LateEvent& e) override { writer_.write(e); }
  void flush() { writer_.flush(); }

 private:
  JsonLinesWriter<LateEvent> writer_;
};

}  // namespace tidemark
