// Counts heap allocations in the steady state of the replay loop: after a warm-up half of a
// stationary workload, the second half must allocate (almost) nothing, for every window kind and
// policy. A separate executable because it replaces the global operator new.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <variant>

#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/runtime/driver.hpp"
#include "tidemark/core/trace_io/trace.hpp"
#include "tidemark/windows/session/session_operator.hpp"
#include "tidemark/windows/sliding/sliding_operator.hpp"
#include "tidemark/windows/spec/assigners.hpp"
#include "tidemark/windows/time/time_window_operator.hpp"

namespace {
std::atomic<uint64_t> g_allocations{0};
}

void* operator new(size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  std::free(p);
}

using namespace tidemark;

namespace {

// 200k events, 500 keys, 4 partitions, 2 ms apart, up to 50 ms out of order.
Trace steady_trace() {
  Trace t;
  t.columns = kColPartition | kColKey;
  for (int k = 0; k < 500; ++k) t.keys.intern("key-" + std::to_string(k));
  uint64_t x = 12345;
  for (uint64_t i = 0; i < 200'000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    Event e;
    e.row = i + 2;
    e.key = KeyId((x >> 33) % 500);
    e.partition = PartitionId(i % 4);
    e.event_time = Timestamp{int64_t(i * 2) - int64_t((x >> 20) % 50)};
    e.value = double((x >> 40) % 100);
    t.events.push_back(e);
  }
  return t;
}

template <class Op>
bool check(const char* name, Op op, const Trace& trace, const char* lateness) {
  RunConfig config;
  config.watermark = WatermarkSpec::bounded(Duration{20});
  config.lateness = LatenessPolicy::parse(lateness);
  NullSink sink;
  Driver driver(config, 4, false, op, sink, sink);
  const size_t half = trace.events.size() / 2;
  for (size_t i = 0; i < half; ++i) driver.process(trace.events[i]);
  const uint64_t before = g_allocations.load();
  for (size_t i = half; i < trace.events.size(); ++i) driver.process(trace.events[i]);
  const uint64_t allocations = g_allocations.load() - before;
  const Metrics m = driver.finish();
  // Per-key vectors and timer heaps still reach new peak capacities now and then (amortized
  // growth: ~100 here); an allocation per event or per window would be ~100,000. Bound: 1%.
  const bool ok =
      allocations <= (trace.events.size() - half) / 100 && m.events == m.accepted + m.late;
  std::printf("%-10s %-10s allocations in steady half: %llu (%s)\n", name, lateness,
              (unsigned long long)allocations, ok ? "ok" : "FAIL");
  return ok;
}

}  // namespace

int main() {
  const Trace trace = steady_trace();
  int failures = 0;
  for (const char* lateness : {"drop", "wait:100ms", "grace:200ms"}) {
    failures += !check(
        "tumbling",
        TimeWindowOperator(TumblingAssigner(Duration{100}, {}), LatenessPolicy::parse(lateness)),
        trace, lateness);
    failures += !check("hopping",
                       TimeWindowOperator(HoppingAssigner(Duration{1000}, Duration{100}, {}),
                                          LatenessPolicy::parse(lateness)),
                       trace, lateness);
    failures += !check("sliding", SlidingOperator(Duration{100}, LatenessPolicy::parse(lateness)),
                       trace, lateness);
    failures += !check("session", SessionOperator(Duration{30}, LatenessPolicy::parse(lateness)),
                       trace, lateness);
  }
  std::printf("%d passed, %d failed\n", 12 - failures, failures);
  return failures == 0 ? 0 : 1;
}
