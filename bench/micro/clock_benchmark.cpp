// The min-of-inputs clock with P partitions. Each update raises one partition's watermark to
// the newest time, as when events arrive in time order from P parallel inputs.
//  BM_Clock_MinOfInputs/<P>:            the next partition is random (arrivals from P inputs);
//                                       the minimum rarely moves.
//  BM_Clock_MinOfInputs_RoundRobin/<P>: partitions in strict rotation, so the updated partition
//                                       is always the minimum: the O(log P) worst case each time.
#include <benchmark/benchmark.h>

#include "tidemark/core/runtime/clock.hpp"

namespace tidemark::bench {

namespace {

std::vector<PartitionId> random_order(PartitionId partitions, size_t n) {
  std::vector<PartitionId> order(n);
  uint64_t x = 42;
  for (auto& p : order) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    p = PartitionId((x >> 33) % partitions);
  }
  return order;
}

void run_clock(benchmark::State& state, const std::vector<PartitionId>& order) {
  const auto partitions = PartitionId(state.range(0));
  int64_t checksum = 0;
  for (auto _ : state) {
    state.PauseTiming();
    MinOfInputs clock(partitions);
    // Warm-up: every partition has sent once, so the clock is finite (steady state).
    for (PartitionId p = 0; p < partitions; ++p) clock.update(p, Timestamp{int64_t(p)});
    state.ResumeTiming();
    int64_t t = partitions;
    for (const PartitionId p : order) {
      if (auto c = clock.update(p, Timestamp{++t})) checksum += c->ms;
    }
  }
  benchmark::DoNotOptimize(checksum);
  state.counters["updates/s"] =
      benchmark::Counter(double(order.size()), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

static void BM_Clock_MinOfInputs(benchmark::State& state) {
  run_clock(state, random_order(PartitionId(state.range(0)), 2'000'000));
}
BENCHMARK(BM_Clock_MinOfInputs)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

static void BM_Clock_MinOfInputs_RoundRobin(benchmark::State& state) {
  const auto partitions = PartitionId(state.range(0));
  std::vector<PartitionId> order(2'000'000);
  for (size_t i = 0; i < order.size(); ++i) order[i] = PartitionId(i % partitions);
  run_clock(state, order);
}
BENCHMARK(BM_Clock_MinOfInputs_RoundRobin)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

}  // namespace tidemark::bench
