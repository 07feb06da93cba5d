// Window assignment alone, per kind (the part of the replay loop that only computes bounds).
#include <benchmark/benchmark.h>

#include "tidemark/windows/spec/assigners.hpp"

namespace tidemark::bench {

template <class Assigner>
static void assign(benchmark::State& state, Assigner a) {
  std::vector<Window> out;
  out.reserve(64);
  int64_t t = 1'700'000'000'000;
  for (auto _ : state) {
    a.assign(Timestamp{t++}, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["events/s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

static void BM_Assign_Tumbling(benchmark::State& s) {
  assign(s, TumblingAssigner(Duration{10'000}, {}));
}
static void BM_Assign_Hopping60(benchmark::State& s) {
  assign(s, HoppingAssigner(Duration{60'000}, Duration{1'000}, {}));
}
BENCHMARK(BM_Assign_Tumbling);
BENCHMARK(BM_Assign_Hopping60);

}  // namespace tidemark::bench
