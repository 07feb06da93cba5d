// A binary or CSV trace replayed chunk by chunk gives the same emissions as the whole trace in
// memory.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "test_support.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/trace_io/binary_trace.hpp"

using namespace tidemark;

namespace {

// 20k records over 3 partitions and 40 keys, 10% arriving up to 3 s late (several chunks).
std::string disordered_csv() {
  std::string csv = "partition,key,event_time,value\n";
  uint64_t x = 99;
  for (int i = 0; i < 20'000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const int64_t late = (x >> 60) < 2 ? int64_t((x >> 20) % 3000) : 0;
    csv += std::to_string(i % 3) + ",k" + std::to_string((x >> 33) % 40) + "," +
           std::to_string(int64_t(i) * 10 - late) + "," + std::to_string((x >> 45) % 100) + "\n";
  }
  return csv;
}

Trace disordered_trace() {
  return test::csv(disordered_csv());
}

bool same(const Emission& a, const Emission& b) {
  return a.key == b.key && a.window == b.window && a.stats == b.stats && a.kind == b.kind &&
         a.clock == b.clock && a.proc_time == b.proc_time && a.seq == b.seq;
}

}  // namespace

TEST_CASE("streaming replay of a binary trace equals the in-memory replay",
          "[binary_trace][runtime]") {
  const Trace trace = disordered_trace();
  const auto path = std::filesystem::temp_directory_path() /
                    ("tidemark-stream-" + std::to_string(::getpid()) + ".tmt");
  {
    std::ofstream out(path, std::ios::binary);
    write_binary_trace(out, trace);
  }
  uint64_t late_seen = 0;  // the trace must exercise the late path somewhere
  for (const char* window : {"tumbling:1s", "hopping:2s/500ms", "sliding:300ms", "session:200ms"}) {
    INFO(window);
    RunConfig config;
    config.window = WindowSpec::parse(window);
    config.watermark = WatermarkSpec::bounded(Duration{500});
    config.lateness = LatenessPolicy::parse("grace:1s");
    CollectingSink memory, streamed;
    const Metrics a = run(trace, config, memory, memory).metrics;
    BinaryTraceReader reader(path);
    CHECK(reader.partitions() == 3);
    const Metrics b = run(reader, config, streamed, streamed).metrics;
    CHECK(a.events == b.events);
    CHECK(a.late == b.late);
    late_seen += a.late;
    CHECK(a.peak_state_bytes == b.peak_state_bytes);
    REQUIRE(memory.emissions.size() == streamed.emissions.size());
    for (size_t i = 0; i < memory.emissions.size(); ++i)
      CHECK(same(memory.emissions[i], streamed.emissions[i]));
    REQUIRE(memory.late.size() == streamed.late.size());
    for (size_t i = 0; i < memory.late.size(); ++i) {
      CHECK(memory.late[i].row == streamed.late[i].row + 1);  // CSV line = record index + header
    }
  }
  CHECK(late_seen > 0);
  SECTION("--partitions below the header's count is an error naming it") {
    RunConfig config;
    config.partitions = 2;
    BinaryTraceReader reader(path);
    CollectingSink sink;
    CHECK_THROWS_WITH(run(reader, config, sink, sink),
                      Catch::Contains("the header of ") && Catch::Contains("gives 3 partitions"));
  }
  std::filesystem::remove(path);
}

TEST_CASE("streaming replay of a CSV trace equals the in-memory replay", "[csv][stream][runtime]") {
  const std::string csv = disordered_csv();
  const auto path = std::filesystem::temp_directory_path() /
                    ("tidemark-stream-" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path, std::ios::binary) << csv;
  const Trace trace = parse_csv_trace(csv, path.string());
  uint64_t late_seen = 0;
  for (const char* window : {"tumbling:1s", "hopping:2s/500ms", "sliding:300ms", "session:200ms"}) {
    for (const char* clock : {"watermark", "stream-time"}) {
      for (const std::optional<uint32_t> partitions : {std::optional<uint32_t>{}, {3u}, {5u}}) {
        for (const Schedule schedule : {Schedule::kArrival, Schedule::kEventTime}) {
          INFO(window << " " << clock << " partitions " << partitions.value_or(0) << " schedule "
                      << int(schedule));
          RunConfig config;
          config.window = WindowSpec::parse(window);
          config.watermark = WatermarkSpec::bounded(Duration{500});
          config.lateness = LatenessPolicy::parse("grace:1s");
          config.clock = parse_clock_mode(clock);
          config.partitions = partitions;
          config.schedule = schedule;
          CollectingSink memory, streamed;
          const Metrics a = run(trace, config, memory, memory).metrics;
          CsvTraceReader reader(path);
          const Metrics b = run(reader, config, streamed, streamed).metrics;
          CHECK(a.events == b.events);
          CHECK(a.late == b.late);
          CHECK(a.partitions == b.partitions);
          CHECK(a.keys == b.keys);
          late_seen += a.late;
          CHECK(a.peak_state_bytes == b.peak_state_bytes);
          REQUIRE(memory.emissions.size() == streamed.emissions.size());
          size_t differ = 0;
          for (size_t i = 0; i < memory.emissions.size(); ++i) {
            differ += !same(memory.emissions[i], streamed.emissions[i]);
          }
          CHECK(differ == 0);
          REQUIRE(memory.late.size() == streamed.late.size());
          for (size_t i = 0; i < memory.late.size(); ++i) {
            differ += memory.late[i].row != streamed.late[i].row;
          }
          CHECK(differ == 0);
        }
      }
    }
  }
  CHECK(late_seen > 0);
  SECTION("a record beyond --partitions stops the run at its line") {
    RunConfig config;
    config.partitions = 2;
    CsvTraceReader reader(path);
    CollectingSink sink;
    CHECK_THROWS_WITH(run(reader, config, sink, sink),
                      "--partitions 2: " + path.string() + " line 4 has partition 2");
  }
  std::filesystem::remove(path);
}
