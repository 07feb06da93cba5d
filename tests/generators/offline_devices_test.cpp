// Offline devices hold events back and send them in a burst on reconnect.
#include "tidemark/generators/offline_devices.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <tuple>

#include "support/generated_traces.hpp"
#include "tidemark/generators/base_process.hpp"
#include "tidemark/generators/samplers.hpp"
#include "tidemark/generators/workload.hpp"

using namespace tidemark;
using namespace tidemark::gen;
using namespace tidemark::test;

TEST_CASE("offline devices send their buffered events in bursts on reconnect", "[generators]") {
  // Half of 100 devices alternate 10 s online / 10 s offline over 100 s; no network delay.
  const Trace t = make("offline-device", {{"seed", "9"},
                                          {"events", "100000"},
                                          {"delay", "none"},
                                          {"offline-fraction", "0.5"},
                                          {"offline-online", "10s"},
                                          {"offline-offline", "10s"}});
  std::map<KeyId, std::vector<const Event*>> by_device;
  for (const Event& e : t.events) by_device[e.key].push_back(&e);
  size_t flaky = 0, flaky_events = 0, buffered = 0;
  std::vector<double> lateness;
  for (auto& [key, events] : by_device) {
    std::sort(events.begin(), events.end(),
              [](const Event* a, const Event* b) { return a->true_time < b->true_time; });
    bool any = false;
    for (size_t i = 0; i < events.size(); ++i) {
      const Event& e = *events[i];
      REQUIRE(e.send_time >= e.true_time);
      if (e.send_time == e.true_time) continue;
      any = true;
      ++buffered;
      lateness.push_back(double((e.send_time - e.true_time).ms));
      // Sent only at reconnect: every later event up to the send time is buffered too and
      // leaves in the same burst.
      for (size_t j = i + 1; j < events.size() && events[j]->true_time < e.send_time; ++j) {
        REQUIRE(events[j]->send_time == e.send_time);
      }
    }
    if (any) {
      ++flaky;
      flaky_events += events.size();
    }
  }
  // Exactly 50 devices are flaky; each is offline at some point over 10 cycles (P(not) ~ e^-10).
  CHECK(flaky == 50);
  // Offline half the time: the buffered share of their events is about 0.5 (some hundreds of
  // periods; +-0.08 is several standard deviations of a share built from ~250 periods).
  CHECK(double(buffered) / double(flaky_events) == Approx(0.5).margin(0.08));
  // Lateness of a buffered event: length-biased exponential periods give a mean of the mean
  // period (10 s); the maximum is below the longest period (a few times 10 s).
  CHECK(mean(lateness) == Approx(10'000).margin(3'000));
  CHECK(*std::max_element(lateness.begin(), lateness.end()) < 100'000);
}

TEST_CASE("offline holds of more than 2^32 ms (49 days) keep their exact send times",
          "[generators]") {
  // Offline periods of 200 days on average: many events wait longer than 32 bits of ms hold.
  const WorkloadSpec spec = make_workload_spec("offline-device", {{"seed", "4"},
                                                                  {"events", "3000"},
                                                                  {"rate", "0.001"},
                                                                  {"delay", "none"},
                                                                  {"offline-fraction", "0.5"},
                                                                  {"offline-online", "1h"},
                                                                  {"offline-offline", "200d"}});
  const Trace t = generate_trace(spec);
  // The reference: the base process and the offline devices queried one event at a time.
  BaseProcess base(spec);
  OfflineDevices offline(spec);
  std::vector<std::tuple<int64_t, KeyId, int64_t>> expected, got;  // true time, key, send
  for (uint64_t i = 0; i < spec.events; ++i) {
    const TrueEvent e = base.next();
    expected.emplace_back(e.time, e.device, offline.send_time(e.device, e.time));
  }
  size_t long_holds = 0;
  for (const Event& e : t.events) {
    got.emplace_back(e.true_time.ms, e.key, e.send_time.ms);
    if ((e.send_time - e.true_time).ms > int64_t(UINT32_MAX)) ++long_holds;
  }
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  CHECK(got == expected);
  CHECK(long_holds > 100);
}

TEST_CASE("OfflineDevices matches a device state machine stepped at every query", "[generators]") {
  // The reference: the same draws (stream 5, partial Fisher-Yates, then toggles in query order),
  // with `online` tested and the ceiling taken at every query.
  for (const char* offline_mean : {"30m", "1ms", "200d"}) {
    const WorkloadSpec spec =
        make_workload_spec("offline-device", {{"seed", "8"},
                                              {"events", "20000"},
                                              {"offline-fraction", "0.3"},
                                              {"offline-online", "1s"},
                                              {"offline-offline", offline_mean}});
    struct Device {
      double next_toggle = INFINITY;
      bool online = true;
    };
    std::vector<Device> devices(spec.keys);
    Rng rng = stream_rng(spec.seed, 5);
    const uint32_t flaky = uint32_t(std::floor(spec.offline_fraction * spec.keys + 0.5));
    std::vector<uint32_t> ids(spec.keys);
    for (uint32_t d = 0; d < spec.keys; ++d) ids[d] = d;
    for (uint32_t i = 0; i < flaky; ++i) {
      std::swap(ids[i], ids[i + rng.below(spec.keys - i)]);
      devices[ids[i]].next_toggle =
          double(spec.start.ms) + sample_exponential(rng, double(spec.offline_online.ms));
    }
    auto reference_send = [&](uint32_t device, int64_t t) {
      Device& s = devices[device];
      while (s.next_toggle <= double(t)) {
        s.online = !s.online;
        s.next_toggle += sample_exponential(
            rng, double(s.online ? spec.offline_online.ms : spec.offline_offline.ms));
      }
      return s.online ? t : int64_t(std::ceil(s.next_toggle));
    };
    BaseProcess base(spec);
    OfflineDevices offline(spec);
    size_t held = 0;
    for (uint64_t i = 0; i < spec.events; ++i) {
      const TrueEvent e = base.next();
      const int64_t send = offline.send_time(e.device, e.time);
      REQUIRE(send == reference_send(e.device, e.time));
      held += send != e.time;
    }
    CHECK(held > 0);  // some events are held back in every case
  }
}
