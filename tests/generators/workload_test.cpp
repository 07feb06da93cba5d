// Whole traces from a workload spec: deterministic per seed, the same in any round size.
#include "tidemark/generators/workload.hpp"

#include <catch2/catch.hpp>
#include <span>

#include "support/generated_traces.hpp"

using namespace tidemark;
using namespace tidemark::gen;
using namespace tidemark::test;

TEST_CASE("same spec and seed give the same bytes, another seed does not", "[generators]") {
  for (const auto& preset : workload_presets()) {
    INFO(preset.name);
    const Overrides o = {{"seed", "11"}, {"events", "2000"}, {"outage-start", "0"}};
    const std::string a = bytes(make(std::string(preset.name), o));
    CHECK(a == bytes(make(std::string(preset.name), o)));
    CHECK(a != bytes(make(std::string(preset.name), {{"seed", "12"}, {"events", "2000"}})));
  }
}

TEST_CASE("generating in rounds gives the trace of one sort over all events", "[generators]") {
  // Short offline periods and an outage inside the trace: events are held back over many
  // rounds, in runs that interleave, and the outage's backlog arrives at one instant (ties
  // between held and new events, kept in generation order).
  for (const auto& preset : workload_presets()) {
    INFO(preset.name);
    const WorkloadSpec spec =
        make_workload_spec(std::string(preset.name), {{"seed", "3"},
                                                      {"events", "30000"},
                                                      {"rate", "1000"},
                                                      {"offline-fraction", "0.2"},
                                                      {"offline-online", "5s"},
                                                      {"offline-offline", "8s"},
                                                      {"outage-partitions", "1"},
                                                      {"outage-start", "6s"},
                                                      {"outage-duration", "4s"}});
    const Trace one_sort = generate_trace(spec, 1 << 16);  // one round: the whole trace
    // Held back past a round of 256: some event arrives 256 rows or more after one generated
    // later (by true time) than itself.
    int64_t newest = INT64_MIN;
    size_t far_behind = 0, ties = 0;
    for (size_t i = 0; i < one_sort.events.size(); ++i) {
      const Event& e = one_sort.events[i];
      if (i >= 256) newest = std::max(newest, one_sort.events[i - 256].true_time.ms);
      far_behind += e.true_time.ms < newest;
      ties += i > 0 && e.receive_time == one_sort.events[i - 1].receive_time;
    }
    CHECK(far_behind > 100);
    CHECK(ties > 100);
    for (const size_t round : {size_t(256), size_t(768), size_t(4096)}) {
      INFO("rounds of " << round);
      CHECK(bytes(generate_trace(spec, round)) == bytes(one_sort));
    }
  }
}

TEST_CASE("generate_events hands out generate_trace's events a round at a time", "[generators]") {
  for (const auto& preset : workload_presets()) {
    INFO(preset.name);
    const WorkloadSpec spec =
        make_workload_spec(std::string(preset.name), {{"seed", "8"},
                                                      {"events", "20000"},
                                                      {"offline-online", "5s"},
                                                      {"offline-offline", "8s"},
                                                      {"outage-partitions", "1"},
                                                      {"outage-start", "5s"},
                                                      {"outage-duration", "4s"}});
    Trace streamed = generated_trace_header(spec);
    size_t chunks = 0;
    generate_events(
        spec,
        [&](std::span<const Event> events) {
          ++chunks;
          CHECK(!events.empty());
          // A released backlog (the outage's, about 1000 events at once) comes in pieces too.
          CHECK(events.size() <= 512);
          streamed.events.insert(streamed.events.end(), events.begin(), events.end());
        },
        512);
    CHECK(chunks > 10);
    CHECK(bytes(streamed) == bytes(generate_trace(spec)));
  }
}
