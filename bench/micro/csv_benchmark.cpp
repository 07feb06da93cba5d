// CSV trace parsing, epoch milliseconds and ISO-8601 times (rows/s); the same text streamed from a
// file, and the first pass over its partition column that a streamed replay makes.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tidemark/core/time/iso_time.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"
#include "workload.hpp"

namespace tidemark::bench {

static std::string make_csv(bool iso, size_t rows) {
  const auto events = make_events({.events = rows, .keys = 10'000, .partitions = 8});
  std::string text = "partition,key,event_time,value\n";
  for (const Event& e : events) {
    const std::string t = iso ? format_iso8601(e.event_time, 540) : std::to_string(e.event_time.ms);
    fmt::format_to(std::back_inserter(text), "{},key-{},{},{}\n", e.partition, e.key, t, e.value);
  }
  return text;
}

static void parse(benchmark::State& state, bool iso) {
  const size_t rows = 200'000;
  const std::string text = make_csv(iso, rows);
  for (auto _ : state) {
    Trace t = parse_csv_trace(text, "bench.csv");
    benchmark::DoNotOptimize(t.events.data());
  }
  state.counters["rows/s"] =
      benchmark::Counter(double(rows), benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(int64_t(state.iterations() * text.size()));
}

static void BM_Csv_ParseEpoch(benchmark::State& s) {
  parse(s, false);
}
static void BM_Csv_ParseIso(benchmark::State& s) {
  parse(s, true);
}
BENCHMARK(BM_Csv_ParseEpoch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Csv_ParseIso)->Unit(benchmark::kMillisecond);

// The epoch text of `parse` as a file in the temp directory (read from the page cache).
struct CsvFile {
  static constexpr size_t kRows = 200'000;
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("tidemark_bench_" + std::to_string(::getpid()) + ".csv");
  size_t bytes;
  CsvFile() {
    const std::string text = make_csv(false, kRows);
    std::ofstream(path, std::ios::binary) << text;
    bytes = text.size();
  }
  ~CsvFile() { std::filesystem::remove(path); }
};

static void BM_Csv_StreamFile(benchmark::State& state) {
  const CsvFile file;
  for (auto _ : state) {
    CsvTraceReader reader(file.path);
    for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) {
      benchmark::DoNotOptimize(chunk.data());
    }
  }
  state.counters["rows/s"] =
      benchmark::Counter(double(file.kRows), benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(int64_t(state.iterations() * file.bytes));
}

static void BM_Csv_PartitionScan(benchmark::State& state) {
  const CsvFile file;
  for (auto _ : state) {
    CsvTraceReader reader(file.path);
    benchmark::DoNotOptimize(reader.partitions());
  }
  state.counters["rows/s"] =
      benchmark::Counter(double(file.kRows), benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(int64_t(state.iterations() * file.bytes));
}
BENCHMARK(BM_Csv_StreamFile)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Csv_PartitionScan)->Unit(benchmark::kMillisecond);

}  // namespace tidemark::bench
