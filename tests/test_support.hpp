#pragma once
// Small helpers shared by the unit tests: traces from CSV text and runs into memory.

#include <string>
#include <vector>

#include "tidemark/core/csv_trace.hpp"
#include "tidemark/core/emission.hpp"
#include "tidemark/windows/run.hpp"

namespace tidemark::test {

inline Trace csv(const std::string& text) { return parse_csv_trace(text, "test.csv"); }

struct Output {
  Trace trace;
  CollectingSink sink;
  Metrics metrics;

  // Emissions as compact strings "key [start,end) count sum kind", for readable assertions.
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const Emission& e : sink.emissions) {
      out.push_back(trace.keys.name(e.key) + " [" + std::to_string(e.window.start.ms) + "," +
                    std::to_string(e.window.end.ms) + ") " + std::to_string(e.stats.count) + " " +
                    std::to_string(int64_t(e.stats.sum)) + " " + std::string(to_string(e.kind)));
    }
    return out;
  }
};

inline Output run_csv(const std::string& text, const RunConfig& config) {
  Output o{csv(text), {}, {}};
  o.metrics = run(o.trace, config, o.sink, o.sink).metrics;
  return o;
}

}  // namespace tidemark::test
