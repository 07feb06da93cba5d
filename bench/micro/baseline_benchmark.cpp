// The in-process baseline every target is a ratio of: one std::unordered_map increment per event
// over the same pre-generated events and keys as the replay benchmarks.
#include <benchmark/benchmark.h>

#include <unordered_map>

#include "workload.hpp"

namespace tidemark::bench {

static void BM_Baseline_HashIncrement(benchmark::State& state) {
  const auto events = make_events({.keys = uint32_t(state.range(0))});
  for (auto _ : state) {
    std::unordered_map<uint64_t, uint64_t> counts;
    for (const Event& e : events) ++counts[e.key];
    benchmark::DoNotOptimize(counts.size());
  }
  state.counters["events/s"] =
      benchmark::Counter(double(events.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Baseline_HashIncrement)
    ->Arg(100)
    ->Arg(10'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

}  // namespace tidemark::bench
