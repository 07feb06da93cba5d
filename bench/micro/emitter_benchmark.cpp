// One emission: lower() of a window's aggregate, the result record and the sink's call, to a sink
// that discards it. The floor under the cases that emit much (hopping's end-of-trace flush emits
// 0.69 windows per event): a run cannot cost less than its emissions times this.
#include <benchmark/benchmark.h>

#include <vector>

#include "tidemark/core/output/emitter.hpp"
#include "tidemark/windows/aggregate/aggregate.hpp"

namespace tidemark::bench {

static void BM_Emit(benchmark::State& state) {
  std::vector<Aggregate> aggs;
  for (int i = 1; i <= 1024; ++i) aggs.push_back({uint64_t(i), double(i) * 7, 1, double(i)});
  NullSink null;
  ResultSink* sink = &null;
  benchmark::DoNotOptimize(sink);  // a call through the interface, as in a run
  Emitter em(*sink);
  constexpr size_t kPerIteration = 100'000;
  for (auto _ : state) {
    for (size_t i = 0; i < kPerIteration; ++i) {
      const Timestamp start{int64_t(i) * 1'000};
      em.emit(KeyId(i), {start, start + Duration{60'000}}, lower(aggs[i & 1023]),
              EmissionKind::kOnTime);
    }
  }
  Metrics m;
  em.add_counts_to(m);
  benchmark::DoNotOptimize(m.windows_fired);
  state.counters["emissions/s"] =
      benchmark::Counter(double(kPerIteration), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Emit);

}  // namespace tidemark::bench
