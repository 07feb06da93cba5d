// The Driver's own per-event cost (extraction, watermark, clock, metrics) with an operator that
// does nothing: the floor under every BM_Replay_* case.
#include <benchmark/benchmark.h>

#include "tidemark/core/runtime/driver.hpp"
#include "workload.hpp"

namespace tidemark::bench {

namespace {
struct NoopOperator {
  uint64_t added = 0;
  void fire(Timestamp, Emitter&) {}
  bool add(KeyId, Timestamp, double, Timestamp, Emitter&) { return ++added != 0; }
  size_t open_windows() const { return 0; }
  size_t state_bytes() const { return 0; }
};
}  // namespace

static void BM_Driver_Overhead(benchmark::State& state) {
  const auto partitions = uint32_t(state.range(0));
  const auto events = make_events({.keys = 10'000, .partitions = partitions});
  RunConfig config;
  NullSink sink;
  for (auto _ : state) {
    NoopOperator op;
    Driver driver(config, partitions, false, op, sink, sink);
    for (const Event& e : events) driver.process(e);
    benchmark::DoNotOptimize(driver.finish().events);
  }
  state.counters["events/s"] =
      benchmark::Counter(double(events.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Driver_Overhead)->ArgName("partitions")->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond);

}  // namespace tidemark::bench
