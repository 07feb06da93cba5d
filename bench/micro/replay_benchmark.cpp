// The replay loop (Driver + window operator + clock) per window kind, policy, disorder and keys.
// Arguments: keys, late percent, policy (0 drop, 1 grace:5s).
#include <benchmark/benchmark.h>

#include "tidemark/core/runtime/driver.hpp"
#include "tidemark/windows/session/session_operator.hpp"
#include "tidemark/windows/sliding/sliding_operator.hpp"
#include "tidemark/windows/spec/assigners.hpp"
#include "tidemark/windows/time/time_window_operator.hpp"
#include "workload.hpp"

namespace tidemark::bench {

namespace {

LatenessPolicy policy_arg(int64_t i) {
  return i == 0 ? LatenessPolicy::drop() : LatenessPolicy::grace(Duration{5'000});
}

// `events`: 1M, or fewer where the output per event is large (sliding: ~2 windows per event, and
// under grace a late event updates every fired window holding it), so that the whole suite with
// 5 repetitions stays within scripts/bench.sh's 15 minutes. Rates are per event.
template <class MakeOp>
void replay(benchmark::State& state, MakeOp make_op, uint64_t events_count = 1'000'000,
            bool fractional = false) {
  const auto events = make_events({.events = events_count,
                                   .keys = uint32_t(state.range(0)),
                                   .late_percent = uint32_t(state.range(1)),
                                   .fractional = fractional});
  RunConfig config;
  config.lateness = policy_arg(state.range(2));
  NullSink sink;
  size_t state_bytes = 0, emitted = 0, late = 0;
  for (auto _ : state) {
    auto op = make_op(config.lateness);
    Driver driver(config, 1, false, op, sink, sink);
    driver.process(std::span<const Event>(events));
    const Metrics m = driver.finish();
    state_bytes = m.peak_state_bytes;
    emitted = m.windows_fired + m.updates + m.retractions;
    late = m.late;
  }
  state.counters["events/s"] =
      benchmark::Counter(double(events.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["state_bytes"] = double(state_bytes);
  state.counters["emissions"] = double(emitted);
  state.counters["late"] = double(late);
}

void args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"keys", "late%", "grace"})
      ->ArgsProduct({{100, 10'000, 1'000'000}, {0, 10}, {0, 1}})
      ->Unit(benchmark::kMillisecond);
}

}  // namespace

// 10 s tumbling windows: ~100 events per key and window at 10k keys.
static void BM_Replay_Tumbling(benchmark::State& state) {
  replay(state, [](LatenessPolicy p) {
    return TimeWindowOperator(TumblingAssigner(Duration{10'000}, {}), p);
  });
}
BENCHMARK(BM_Replay_Tumbling)->Apply(args);

// 60 s windows advancing by 1 s: each event is in 60 windows.
static void BM_Replay_Hopping60(benchmark::State& state) {
  replay(state, [](LatenessPolicy p) {
    return TimeWindowOperator(HoppingAssigner(Duration{60'000}, Duration{1'000}, {}), p);
  });
}
BENCHMARK(BM_Replay_Hopping60)->Apply(args);

// The same with fractional values: sums then depend on how additions are grouped, so each window
// keeps its own aggregate (WindowRingOperator) and an event updates all 60 of its windows.
static void BM_Replay_Hopping60Fractional(benchmark::State& state) {
  replay(
      state,
      [](LatenessPolicy p) {
        return TimeWindowOperator(HoppingAssigner(Duration{60'000}, Duration{1'000}, {}), p);
      },
      1'000'000, true);
}
BENCHMARK(BM_Replay_Hopping60Fractional)
    ->ArgNames({"keys", "late%", "grace"})
    ->ArgsProduct({{10'000}, {0, 10}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

// Sessions with a 1 s gap; at 10k keys a key sends every ~100 ms, so sessions stay open.
static void BM_Replay_Session(benchmark::State& state) {
  replay(state, [](LatenessPolicy p) { return SessionOperator(Duration{1'000}, p); });
}
BENCHMARK(BM_Replay_Session)->Apply(args);

// Record-driven sliding windows, difference 1 s: ~10 events per key in a window at 10k keys.
static void BM_Replay_Sliding(benchmark::State& state) {
  replay(
      state, [](LatenessPolicy p) { return SlidingOperator(Duration{1'000}, p); }, 100'000);
}
BENCHMARK(BM_Replay_Sliding)->Apply(args);

}  // namespace tidemark::bench
