#pragma once
// Pre-generated in-memory events for the microbenchmarks (generation is never timed).

#include <cstdint>
#include <vector>

#include "tidemark/core/event.hpp"

namespace tidemark::bench {

// `n` events over `keys` uniformly random keys, `per_ms` events per millisecond of event time
// (a Nexmark-like dense stream), on `partitions` partitions round-robin. `late_percent` of the
// events are moved back in time by up to `lateness_ms`, beyond a bounded:0 watermark.
struct WorkloadSpec {
  uint64_t events = 1'000'000;
  uint32_t keys = 10'000;
  uint32_t per_ms = 100;
  uint32_t partitions = 1;
  uint32_t late_percent = 0;
  int64_t lateness_ms = 2'000;
  bool fractional = false;  // values in hundredths (0.00..9.99), whose sums depend on grouping
};

inline std::vector<Event> make_events(const WorkloadSpec& s) {
  std::vector<Event> out(s.events);
  uint64_t x = 0x9E3779B97F4A7C15ull;
  auto next = [&] {  // splitmix64: fast, fixed, good enough for benchmark inputs
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  for (uint64_t i = 0; i < s.events; ++i) {
    Event& e = out[i];
    const uint64_t r = next();
    e.row = i + 2;
    e.key = KeyId(r % s.keys);
    e.partition = PartitionId(i % s.partitions);
    int64_t t = 1'700'000'000'000 + int64_t(i / s.per_ms);
    if ((r >> 32) % 100 < s.late_percent) t -= 1 + int64_t((r >> 40) % uint64_t(s.lateness_ms));
    e.event_time = Timestamp{t};
    e.value = double((r >> 48) % 1000);
    if (s.fractional) e.value /= 100;
  }
  return out;
}

}  // namespace tidemark::bench
