#pragma once
// Small helpers shared by the unit tests: traces from CSV text and runs into memory.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/runtime/driver.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"
#include "tidemark/runner/run.hpp"

namespace tidemark::test {

// splitmix64: the tests' own generator, identical on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (the tiny modulo bias does not matter here).
  int64_t uniform(int64_t lo, int64_t hi) { return lo + int64_t(next() % uint64_t(hi - lo + 1)); }
  bool chance(int percent) { return uniform(0, 99) < percent; }

 private:
  uint64_t s_;
};

inline Trace csv(const std::string& text) {
  return parse_csv_trace(text, "test.csv");
}

struct Output {
  Trace trace;
  CollectingSink sink;
  Metrics metrics;

  // Emissions as compact strings "key [start,end) count sum kind", for readable assertions.
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const Emission& e : sink.emissions) {
      out.push_back(std::string(trace.keys.name(e.key)) + " [" + std::to_string(e.window.start.ms) +
                    "," + std::to_string(e.window.end.ms) + ") " + std::to_string(e.stats.count) +
                    " " + std::to_string(int64_t(e.stats.sum)) + " " +
                    std::string(to_string(e.kind)));
    }
    return out;
  }
};

// Events through one operator and the Driver (one partition, no receive times), into memory.
template <class Op>
std::vector<Emission> replay(Op op, const RunConfig& config, const std::vector<Event>& events,
                             Metrics& metrics) {
  CollectingSink sink;
  Driver driver(config, 1, false, op, sink, sink);
  driver.process(std::span<const Event>(events));
  metrics = driver.finish();
  return sink.emissions;
}

inline Output run_csv(const std::string& text, const RunConfig& config) {
  Output o{csv(text), {}, {}};
  o.metrics = run(o.trace, config, o.sink, o.sink).metrics;
  return o;
}

}  // namespace tidemark::test
