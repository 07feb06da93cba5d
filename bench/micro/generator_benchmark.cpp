// Workload generation (events/s, single thread): each preset end to end (base process,
// distortions, arrival sort), plus the base process and the arrival sort alone.
#include <benchmark/benchmark.h>

#include "tidemark/generators/arrival_order.hpp"
#include "tidemark/generators/base_process.hpp"
#include "tidemark/generators/workload.hpp"

namespace tidemark::gen {

static void BM_GeneratePreset(benchmark::State& state, const char* preset) {
  const auto n = uint64_t(state.range(0));
  const WorkloadSpec spec =
      make_workload_spec(preset, {{"seed", "42"}, {"events", std::to_string(n)}});
  for (auto _ : state) {
    Trace t = generate_trace(spec);
    benchmark::DoNotOptimize(t.events.data());
  }
  state.counters["events/s"] =
      benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_CAPTURE(BM_GeneratePreset, out_of_order, "out-of-order")
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GeneratePreset, offline_device, "offline-device")
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GeneratePreset, clock_skew, "clock-skew")
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GeneratePreset, producer_outage, "producer-outage")
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_GeneratePreset, mixed, "mixed")->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// The base process alone: Poisson times, Zipf keys, normal values.
static void BM_BaseProcess(benchmark::State& state) {
  const WorkloadSpec spec = make_workload_spec("mixed", {{"seed", "42"}});
  BaseProcess base(spec);
  for (auto _ : state) benchmark::DoNotOptimize(base.next());
  state.counters["events/s"] = benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BaseProcess);

// The arrival sort alone, on the mixed preset's events in generation order.
static void BM_SortByArrival(benchmark::State& state) {
  const auto n = uint64_t(state.range(0));
  Trace t =
      generate_trace(make_workload_spec("mixed", {{"seed", "42"}, {"events", std::to_string(n)}}));
  std::sort(t.events.begin(), t.events.end(),
            [](const Event& a, const Event& b) { return a.true_time < b.true_time; });
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<Event> events = t.events;
    state.ResumeTiming();
    sort_by_arrival(events);
    benchmark::DoNotOptimize(events.data());
  }
  state.counters["events/s"] =
      benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_SortByArrival)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace tidemark::gen
