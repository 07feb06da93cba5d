#include "tidemark/core/outputs.hpp"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

namespace tidemark {

std::string_view to_string(EmissionKind k) {
  switch (k) {
    case EmissionKind::kOnTime: return "on_time";
    case EmissionKind::kUpdate: return "update";
    case EmissionKind::kRetract: return "retract";
  }
  return "?";
}

namespace {
// Shortest round-trip spelling; JSON has no infinities, so an overflowed sum is written as null.
void append_number(std::string& out, double v) {
  if (std::isfinite(v)) {
    fmt::format_to(std::back_inserter(out), "{}", v);
  } else {
    out += "null";
  }
}
}  // namespace

void append_json(std::string& out, const Emission& e, const KeyTable& keys) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\"key\":{},\"start\":{},\"end\":{},\"count\":{},\"sum\":", keys.json(e.key),
                 e.window.start.ms, e.window.end.ms, e.stats.count);
  append_number(out, e.stats.sum);
  out += ",\"min\":";
  append_number(out, e.stats.min);
  out += ",\"max\":";
  append_number(out, e.stats.max);
  out += ",\"mean\":";
  append_number(out, e.stats.mean);
  fmt::format_to(it, ",\"kind\":\"{}\",\"clock\":{},\"proc_time\":{},\"seq\":{}}}", to_string(e.kind),
                 e.clock.ms, e.proc_time.ms, e.seq);
}

void append_json(std::string& out, const LateEvent& e, const KeyTable& keys) {
  fmt::format_to(std::back_inserter(out),
                 "{{\"row\":{},\"partition\":{},\"key\":{},\"event_time\":{},\"extracted_time\":{},"
                 "\"clock\":{},\"reason\":\"{}\"}}",
                 e.row, e.partition, keys.json(e.key), e.event_time.ms, e.extracted_time.ms,
                 e.clock.ms, kLateReason);
}

}  // namespace tidemark
