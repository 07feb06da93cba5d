// Device clocks: constant skew plus drift, recoverable with the corrected timestamp.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "support/generated_traces.hpp"
#include "tidemark/runner/trace_stats.hpp"

using namespace tidemark;
using namespace tidemark::gen;
using namespace tidemark::test;

TEST_CASE("clock skew: corrected recovers true time within the network delay", "[generators]") {
  const Trace t = make("clock-skew", {{"seed", "4"},
                                      {"events", "50000"},
                                      {"keys", "400"},
                                      {"delay", "uniform:0ms,20ms"},
                                      {"skew", "normal:2s"},
                                      {"drift-ppm", "0"}});
  std::map<KeyId, int64_t> offset;
  for (const Event& e : t.events) {
    const int64_t o = (e.event_time - e.true_time).ms;
    auto [it, fresh] = offset.emplace(e.key, o);
    REQUIRE(it->second == o);  // one constant offset per device
    const int64_t corrected = (e.event_time + (e.receive_time - e.send_time) - e.true_time).ms;
    REQUIRE(corrected >= 0);
    REQUIRE(corrected <= 20);
  }
  // Offsets are normal(0, 2 s) over 400 devices: sample sd within 2000 +- 5 * 2000/sqrt(800).
  double sum = 0, sq = 0;
  for (auto [k, o] : offset) sum += double(o), sq += double(o) * double(o);
  const double n = double(offset.size()), m = sum / n;
  CHECK(std::sqrt(sq / n - m * m) == Approx(2000).margin(360));
  CHECK(std::abs(m) < 5 * 2000 / std::sqrt(n));
  // inspect's per-device estimate: median(receive - send) = median delay - offset.
  const TraceStats s = compute_trace_stats(t);
  REQUIRE(s.corrected_error);
  CHECK(s.corrected_error->min >= 0);
  CHECK(s.corrected_error->max <= 20);
  for (const DeviceOffset& d : s.device_offsets) {
    REQUIRE(std::abs(d.median + offset.at(d.key) - 10) <= 10);
  }
  // With drift the offset grows with time: over 50 s at <= 100 ppm, at most 5 ms.
  const Trace drift = make("clock-skew", {{"seed", "4"},
                                          {"events", "50000"},
                                          {"keys", "400"},
                                          {"delay", "none"},
                                          {"skew", "none"},
                                          {"drift-ppm", "100"}});
  for (const Event& e : drift.events) REQUIRE(std::abs((e.event_time - e.true_time).ms) <= 6);
}
