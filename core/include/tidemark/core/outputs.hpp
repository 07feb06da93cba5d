#pragma once
// JSON Lines writers for results and late events (docs/design.md §7), buffered, byte-deterministic.

#include <ostream>
#include <string>

#include "tidemark/core/emission.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/key_table.hpp"

namespace tidemark {

// Appends one result object, without the newline, e.g.
// {"key":"a","start":0,"end":10,"count":2,"sum":3,"min":1,"max":2,"mean":1.5,"kind":"on_time",...}
void append_json(std::string& out, const Emission& e, const KeyTable& keys);
void append_json(std::string& out, const LateEvent& e, const KeyTable& keys);

// Writes one JSON object per line to a stream, flushing in large blocks. A failed write (a full
// disk) throws WriteError at once, so that a run does not go on to its end writing nothing.
template <class Record>
class JsonLinesWriter {
 public:
  JsonLinesWriter(std::ostream& out, const KeyTable& keys) : out_(out), keys_(keys) {}
  ~JsonLinesWriter() { write_buffer(); }  // never throws: the owner's flush() reports
  void write(const Record& r) {
    append_json(buffer_, r, keys_);
    buffer_.push_back('\n');
    if (buffer_.size() >= kFlushBytes) flush();
  }
  void flush() {
    write_buffer();
    if (!out_) throw WriteError("writing JSON Lines failed");
  }

 private:
  void write_buffer() {
    if (out_) out_.write(buffer_.data(), std::streamsize(buffer_.size()));
    buffer_.clear();
  }

  static constexpr size_t kFlushBytes = 1 << 16;
  std::ostream& out_;
  const KeyTable& keys_;
  std::string buffer_;
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
