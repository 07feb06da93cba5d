#pragma once
// Generated traces for the generator tests: built from a preset and overrides, compared as the
// bytes of their binary encoding, and summarised by a few sample statistics.
#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tidemark/core/trace_io/binary_trace.hpp"
#include "tidemark/generators/workload.hpp"

namespace tidemark::test {

using Overrides = std::vector<std::pair<std::string, std::string>>;

inline Trace make(const std::string& preset, const Overrides& o) {
  return gen::generate_trace(gen::make_workload_spec(preset, o));
}

inline std::string bytes(const Trace& t) {
  std::ostringstream out;
  write_binary_trace(out, t);
  return out.str();
}

inline double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}

inline double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[size_t(q * double(v.size() - 1))];
}

}  // namespace tidemark::test
