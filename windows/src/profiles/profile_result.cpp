#include "tidemark/windows/profiles/profile_result.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

namespace tidemark {

namespace {

void append_number(std::string& out, double v) {
  if (std::isfinite(v)) {
    fmt::format_to(std::back_inserter(out), "{}", v);
  } else {
    out += "null";
  }
}

}  // namespace

void append_json(std::string& out, const ProfileResult& r, const KeyTable& keys) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\"key\":{},\"start\":{},\"end\":{},\"count\":{},\"sum\":", keys.json(r.key),
                 r.start, r.end, r.stats.count);
  append_number(out, r.stats.sum);
  out += ",\"min\":";
  append_number(out, r.stats.min);
  out += ",\"max\":";
  append_number(out, r.stats.max);
  out += ",\"mean\":";
  append_number(out, r.stats.mean);
  if (r.collect) {
    out += ",\"values\":[";
    for (size_t i = 0; i < r.values.size(); ++i) {
      if (i > 0) out += ',';
      append_number(out, r.values[i]);
    }
    out += ']';
  }
  fmt::format_to(it, ",\"kind\":\"{}\",\"ts\":{},\"clock\":{},\"proc_time\":{},\"seq\":{}}}",
                 to_string(r.kind), r.ts, r.stream_time, r.proc_time.ms, r.seq);
}

}  // namespace tidemark
