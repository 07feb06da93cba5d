// The emission path as users run it: JSON Lines and CSV writers to a file descriptor that
// discards (/dev/null), per row, and a replay in the sparse regime of real traces (most windows
// hold one or a few events, ~0.6 emissions per event), where writing results is most of the cost.
#include <benchmark/benchmark.h>
#include <fcntl.h>

#include <ostream>
#include <string>
#include <vector>

#include "fd_stream.hpp"
#include "tidemark/core/output/outputs.hpp"
#include "tidemark/core/runtime/driver.hpp"
#include "tidemark/windows/spec/assigners.hpp"
#include "tidemark/windows/time/time_window_operator.hpp"
#include "workload.hpp"

namespace tidemark::bench {

namespace {

// An ostream to /dev/null through the CLI's own stream buffer: writes are real system calls.
struct DevNull {
  DevNull() : buf(::open("/dev/null", O_WRONLY | O_CLOEXEC), true), stream(&buf) {}
  cli::FdStreamBuf buf;
  std::ostream stream;
};

KeyTable user_keys(uint32_t n) {
  KeyTable keys;
  keys.reserve(n);
  for (uint32_t i = 0; i < n; ++i) keys.intern("user-" + std::to_string(i));
  return keys;
}

uint64_t mix(uint64_t i) {  // splitmix64 finalizer: fixed pseudo-random row contents
  uint64_t z = i * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Rows as a sparse run emits them: 10k keys, 10 s windows of 1-3 events, integer values with
// fractional means, and every fourth window of values in hundredths.
std::vector<Emission> sparse_emissions(size_t n) {
  std::vector<Emission> out(n);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t r = mix(i);
    Emission& e = out[i];
    e.key = KeyId(r % 10'000);
    const int64_t start = 1'700'000'000'000 + int64_t(i / 600) * 10'000;
    e.window = {Timestamp{start}, Timestamp{start + 10'000}};
    const uint64_t count = 1 + (r >> 20) % 3;
    const bool hundredths = (r >> 24) % 4 == 0;
    double sum = 0, min = 1e300, max = -1e300;
    for (uint64_t j = 0; j < count; ++j) {
      double v = double((r >> (28 + 8 * j)) % 1000);
      if (hundredths) v /= 100;
      sum += v;
      min = std::min(min, v);
      max = std::max(max, v);
    }
    e.stats = {count, sum, min, max, sum / double(count)};
    e.clock = Timestamp{start + 11'000};
    e.proc_time = e.clock;
    e.seq = i + 1;
  }
  return out;
}

std::vector<LateEvent> late_events(size_t n) {
  std::vector<LateEvent> rows(n);
  for (size_t i = 0; i < rows.size(); ++i) {
    const uint64_t r = mix(i);
    const int64_t t = 1'700'000'000'000 + int64_t(i) * 10;
    rows[i] = {i + 2,
               PartitionId(r % 4),
               KeyId((r >> 8) % 10'000),
               Timestamp{t - 3'000},
               Timestamp{t - 3'000},
               Timestamp{t}};
  }
  return rows;
}

}  // namespace

template <class Sink>
static void BM_Results(benchmark::State& state) {
  const KeyTable keys = user_keys(10'000);
  const auto rows = sparse_emissions(100'000);
  DevNull sink_file;
  Sink sink(sink_file.stream, keys);
  for (auto _ : state) {
    for (const Emission& e : rows) sink.on_emission(e);
  }
  sink.flush();
  state.counters["rows/s"] =
      benchmark::Counter(double(rows.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Results<JsonLinesResultSink>)
    ->Name("BM_JsonLines_Results")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Results<CsvResultSink>)->Name("BM_Csv_Results")->Unit(benchmark::kMillisecond);

template <class Sink>
static void BM_Late(benchmark::State& state) {
  const KeyTable keys = user_keys(10'000);
  const auto rows = late_events(100'000);
  DevNull sink_file;
  Sink sink(sink_file.stream, keys);
  for (auto _ : state) {
    for (const LateEvent& e : rows) sink.on_late(e);
  }
  sink.flush();
  state.counters["rows/s"] =
      benchmark::Counter(double(rows.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Late<JsonLinesLateSink>)->Name("BM_JsonLines_Late")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Late<CsvLateSink>)->Name("BM_Csv_Late")->Unit(benchmark::kMillisecond);

// 10k keys at one event per millisecond: ~1 event per key and 10 s, so a 10 s tumbling window
// emits about 0.6 results per event and a 1 m/10 s hopping one about 3, each written by `Sink`
// to /dev/null.
template <class Sink, class MakeOperator>
static void replay_sparse(benchmark::State& state, MakeOperator make_operator) {
  const auto events = make_events({.events = 1'000'000, .keys = 10'000, .per_ms = 1});
  const KeyTable keys = user_keys(10'000);
  RunConfig config;
  NullSink discard;
  size_t emitted = 0;
  for (auto _ : state) {
    DevNull sink_file;
    Sink results(sink_file.stream, keys);
    auto op = make_operator(config.lateness);
    Driver driver(config, 1, false, op, results, discard);
    driver.process(std::span<const Event>(events));
    const Metrics m = driver.finish();
    results.flush();
    emitted = m.windows_fired + m.updates + m.retractions;
  }
  state.counters["events/s"] =
      benchmark::Counter(double(events.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["emissions/event"] = double(emitted) / double(events.size());
}

constexpr auto tumbling_10s = [](const LatenessPolicy& p) {
  return TimeWindowOperator(TumblingAssigner(Duration{10'000}, {}), p);
};

constexpr auto hopping_1m_10s = [](const LatenessPolicy& p) {
  return TimeWindowOperator(HoppingAssigner(Duration{60'000}, Duration{10'000}, {}), p);
};

static void BM_Replay_SparseJson(benchmark::State& state) {
  replay_sparse<JsonLinesResultSink>(state, tumbling_10s);
}
BENCHMARK(BM_Replay_SparseJson)->Unit(benchmark::kMillisecond);

static void BM_Replay_SparseCsv(benchmark::State& state) {
  replay_sparse<CsvResultSink>(state, tumbling_10s);
}
BENCHMARK(BM_Replay_SparseCsv)->Unit(benchmark::kMillisecond);

static void BM_Replay_SparseJsonHopping(benchmark::State& state) {
  replay_sparse<JsonLinesResultSink>(state, hopping_1m_10s);
}
BENCHMARK(BM_Replay_SparseJsonHopping)->Unit(benchmark::kMillisecond);

}  // namespace tidemark::bench
