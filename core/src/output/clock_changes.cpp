#include "tidemark/core/output/clock_changes.hpp"

#include <fmt/format.h>

#include "tidemark/core/error.hpp"

namespace tidemark {

namespace {

std::string_view spelling(ClockChange::Cause c) {
  switch (c) {
    case ClockChange::Cause::kRow:
      return "row";
    case ClockChange::Cause::kTick:
      return "tick";
    case ClockChange::Cause::kEnd:
      return "end";
  }
  return "row";
}

std::string_view spelling(ClockChange::Status s) {
  switch (s) {
    case ClockChange::Status::kNone:
      return "null";
    case ClockChange::Status::kIdle:
      return "\"idle\"";
    case ClockChange::Status::kActive:
      return "\"active\"";
  }
  return "null";
}

}  // namespace

void append_json(std::string& out, const ClockChange& c) {
  // fmt::format_int and appends: a row is written for every clock change, ~40 ns each.
  const auto integer = [&](auto v) {
    const fmt::format_int text(v);
    out.append(text.data(), text.size());
  };
  out += "{\"row\":";
  if (c.cause == ClockChange::Cause::kEnd) {
    out += "null";
  } else {
    integer(c.row);
  }
  out += ",\"partition\":";
  if (c.partition) {
    integer(*c.partition);
  } else {
    out += "null";
  }
  out += ",\"cause\":\"";
  out += spelling(c.cause);
  out += "\",\"clock\":";
  integer(c.clock.ms);
  out += ",\"status\":";
  out += spelling(c.status);
  out += ",\"proc_time\":";
  integer(c.proc_time.ms);
  out += '}';
}

void JsonLinesClockWriter::on_clock(const ClockChange& c) {
  append_json(buffer_, c);
  buffer_ += '\n';
  if (buffer_.size() >= size_t{1} << 16) flush();
}

void JsonLinesClockWriter::flush() {
  out_.write(buffer_.data(), std::streamsize(buffer_.size()));
  buffer_.clear();
  if (!out_) throw WriteError("writing clock changes failed");
}

}  // namespace tidemark
