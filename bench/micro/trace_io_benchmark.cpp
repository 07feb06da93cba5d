// Trace I/O: binary trace load (events/s, the format's reason to exist) and write, and CSV
// write, on a pre-generated mixed-preset trace.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tidemark/core/trace_io/binary_trace.hpp"
#include "tidemark/core/trace_io/csv_writer.hpp"
#include "tidemark/generators/workload.hpp"

namespace tidemark {

namespace {
const Trace& mixed_trace(uint64_t n) {
  static std::map<uint64_t, Trace> cache;
  auto it = cache.find(n);
  if (it == cache.end()) {
    it = cache
             .emplace(n, gen::generate_trace(gen::make_workload_spec(
                             "mixed", {{"seed", "42"}, {"events", std::to_string(n)}})))
             .first;
  }
  return it->second;
}

// The mixed trace of n events as a .tmt file in the temp directory, removed when this goes away.
// The name holds the process id: two benchmark runs side by side must not share (and truncate)
// a file the other has mapped.
struct TraceFile {
  std::filesystem::path path;
  explicit TraceFile(uint64_t n)
      : path(std::filesystem::temp_directory_path() /
             ("tidemark_bench_" + std::to_string(::getpid()) + "_" + std::to_string(n) + ".tmt")) {
    std::ofstream out(path, std::ios::binary);
    write_binary_trace(out, mixed_trace(n));
  }
  ~TraceFile() { std::filesystem::remove(path); }
};

void count_binary_rate(benchmark::State& state, uint64_t n) {
  state.counters["events/s"] =
      benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(int64_t(state.iterations() * n * kBinaryRecordSize));
}
}  // namespace

// Load from a file (in the page cache after the first read): the bulk-read path.
static void BM_BinaryTraceLoadFile(benchmark::State& state) {
  const auto n = uint64_t(state.range(0));
  const TraceFile file(n);
  for (auto _ : state) {
    Trace t = read_binary_trace(file.path);
    benchmark::DoNotOptimize(t.events.data());
  }
  count_binary_rate(state, n);
}
BENCHMARK(BM_BinaryTraceLoadFile)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// Streamed from a file (in the page cache), validated chunk by chunk, as replay reads .tmt traces:
// no trace-sized allocation, so no page faults for a fresh array.
static void BM_BinaryTraceStream(benchmark::State& state) {
  const auto n = uint64_t(state.range(0));
  const TraceFile file(n);
  for (auto _ : state) {
    BinaryTraceReader reader(file.path);
    double sum = 0;
    for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next())
      sum += chunk.back().value;
    benchmark::DoNotOptimize(sum);
  }
  count_binary_rate(state, n);
}
BENCHMARK(BM_BinaryTraceStream)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// Parse from memory: the decode and validation cost without the kernel copy.
static void BM_BinaryTraceParseMemory(benchmark::State& state) {
  const auto n = uint64_t(state.range(0));
  std::ostringstream out;
  write_binary_trace(out, mixed_trace(n));
  const std::string bytes = out.str();
  for (auto _ : state) {
    Trace t = parse_binary_trace(bytes, "bench.tmt");
    benchmark::DoNotOptimize(t.events.data());
  }
  state.counters["events/s"] =
      benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BinaryTraceParseMemory)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

static void BM_BinaryTraceWrite(benchmark::State& state) {
  const auto n = uint64_t(state.range(0));
  const Trace& t = mixed_trace(n);
  for (auto _ : state) {
    std::ostringstream out;
    write_binary_trace(out, t);
    benchmark::DoNotOptimize(out.tellp());
  }
  state.counters["events/s"] =
      benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BinaryTraceWrite)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

static void BM_CsvTraceWrite(benchmark::State& state, bool iso) {
  const auto n = uint64_t(state.range(0));
  const Trace& t = mixed_trace(n);
  CsvTimeFormat format;
  if (iso) format.kind = CsvTimeFormat::Kind::kIso;
  for (auto _ : state) {
    std::ostringstream out;
    write_csv_trace(out, t, format);
    benchmark::DoNotOptimize(out.tellp());
  }
  state.counters["events/s"] =
      benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_CAPTURE(BM_CsvTraceWrite, epoch, false)->Arg(200'000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CsvTraceWrite, iso, true)->Arg(200'000)->Unit(benchmark::kMillisecond);

}  // namespace tidemark
