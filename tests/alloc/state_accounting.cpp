// --max-state is only as good as the operators' own account of their memory: for every window
// kind and state layout, the figure the budget checks (allocated_bytes() where an operator has
// it, else state_bytes()) must follow what the heap really holds for it, within a factor of 1.5
// either way at the peak. A separate executable because it replaces the global operator new.
// (Tables of 2 MiB and more are mapped, not allocated: the workloads keep below that.)
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/runtime/driver.hpp"
#include "tidemark/core/trace_io/trace.hpp"
#include "tidemark/windows/session/session_operator.hpp"
#include "tidemark/windows/sliding/sliding_operator.hpp"
#include "tidemark/windows/spec/assigners.hpp"
#include "tidemark/windows/time/time_window_operator.hpp"

namespace {
size_t g_live = 0, g_peak = 0;  // bytes the allocator handed out (usable size), now and at most

void* counted(void* p) {
  if (!p) throw std::bad_alloc();
  g_live += malloc_usable_size(p);
  if (g_live > g_peak) g_peak = g_live;
  return p;
}
void release(void* p) noexcept {
  if (!p) return;
  g_live -= malloc_usable_size(p);
  std::free(p);
}
}  // namespace

void* operator new(size_t n) {
  return counted(std::malloc(n ? n : 1));
}
void* operator new[](size_t n) {
  return counted(std::malloc(n ? n : 1));
}
void* operator new(size_t n, std::align_val_t a) {
  const size_t align = size_t(a);
  return counted(std::aligned_alloc(align, (n + align - 1) / align * align));
}
void* operator new[](size_t n, std::align_val_t a) {
  return operator new(n, a);
}
void operator delete(void* p) noexcept {
  release(p);
}
void operator delete[](void* p) noexcept {
  release(p);
}
void operator delete(void* p, size_t) noexcept {
  release(p);
}
void operator delete[](void* p, size_t) noexcept {
  release(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  release(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  release(p);
}
void operator delete(void* p, size_t, std::align_val_t) noexcept {
  release(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
  release(p);
}

using namespace tidemark;

namespace {

// `n` events of `keys` keys, `spread_ms` apart, up to `disorder_ms` early (an LCG: the same
// everywhere); values integers below 100 or with two decimals.
std::vector<Event> make_events(size_t n, uint64_t keys, int64_t spread_ms, int64_t disorder_ms,
                               bool fractional, uint64_t seed) {
  std::vector<Event> events;
  events.reserve(n);
  uint64_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    Event e;
    e.row = i + 1;
    e.key = KeyId((x >> 33) % keys);
    e.event_time =
        Timestamp{int64_t(i) * spread_ms - int64_t((x >> 20) % uint64_t(disorder_ms + 1))};
    e.value = fractional ? double((x >> 40) % 10000) / 100 : double((x >> 40) % 100);
    events.push_back(e);
  }
  return events;
}

template <class Op>
size_t budget_figure(const Op& op) {
  if constexpr (AllocationReportingOperator<Op>) {
    return op.allocated_bytes();
  } else {
    return op.state_bytes();
  }
}

// Runs the events through `op` and compares the peaks of the heap and of the budget's figure.
template <class Op>
bool check(const char* name, Op op, const char* lateness, const std::vector<Event>& events) {
  RunConfig config;
  config.lateness = LatenessPolicy::parse(lateness);
  NullSink sink;
  const size_t base = g_live;
  g_peak = g_live;
  size_t figure = 0;
  {
    Driver driver(config, 1, false, op, sink, sink);
    for (const Event& e : events) {
      driver.process(e);
      figure = std::max(figure, budget_figure(op));
    }
  }
  const double heap = double(g_peak - base), ratio = heap / double(figure);
  const bool ok = figure > (size_t(2) << 20) && ratio >= 1 / 1.5 && ratio <= 1.5;
  std::printf("%-34s %-10s figure %8.2f MiB  heap %8.2f MiB  heap/figure %.2f (%s)\n", name,
              lateness, double(figure) / (1 << 20), heap / (1 << 20), ratio, ok ? "ok" : "FAIL");
  return ok;
}

}  // namespace

int main() {
  int failures = 0, cases = 0;
  const auto run = [&](bool ok) {
    ++cases;
    failures += !ok;
  };
  const auto late_ints = make_events(300'000, 2000, 1, 20'000, false, 2);
  const auto late_fractions = make_events(300'000, 2000, 1, 5000, true, 2);
  const auto near_fractions = make_events(300'000, 2000, 1, 100, true, 3);
  const auto ints = make_events(300'000, 200, 1, 50, false, 4);
  const auto fractions = make_events(300'000, 200, 1, 50, true, 4);
  const auto ordered = make_events(300'000, 200, 1, 0, false, 4);
  const auto sparse = make_events(3000, 50, 5, 100, true, 5);

  // Slices in per-key rings (late events keep many open).
  run(check(
      "tumbling:1ms rings",
      TimeWindowOperator(TumblingAssigner(Duration{1}, {}), LatenessPolicy::parse("grace:2s")),
      "grace:2s", late_ints));
  run(check("hopping:1s/10ms slice rings",
            TimeWindowOperator(HoppingAssigner(Duration{1000}, Duration{10}, {}),
                               LatenessPolicy::parse("grace:2s")),
            "grace:2s", late_ints));
  // An aggregate per window (fractions), in rings, and in the general hash map.
  run(check("hopping:1s/10ms window rings",
            TimeWindowOperator(HoppingAssigner(Duration{1000}, Duration{10}, {}),
                               LatenessPolicy::parse("grace:2s")),
            "grace:2s", near_fractions));
  run(check("hopping:10s/1ms general",
            TimeWindowOperator(HoppingAssigner(Duration{10'000}, Duration{1}, {}),
                               LatenessPolicy::drop()),
            "drop", sparse));
  run(check("hopping:2s/1ms general, late",
            TimeWindowOperator(HoppingAssigner(Duration{2000}, Duration{1}, {}),
                               LatenessPolicy::parse("grace:1s")),
            "grace:1s", make_events(20'000, 100, 2, 5000, true, 6)));
  // Sliding: lazy aggregates, eager ones, and the in-order log.
  run(check("sliding:30s lazy", SlidingOperator(Duration{30'000}, LatenessPolicy::drop()), "drop",
            ints));
  run(check("sliding:30s eager",
            SlidingOperator(Duration{30'000}, LatenessPolicy::parse("grace:10s")), "grace:10s",
            fractions));
  run(check("sliding:30s in order",
            SlidingOperator(Duration{30'000}, LatenessPolicy::parse("grace:30s")), "grace:30s",
            ordered));
  run(check("sliding:1s late", SlidingOperator(Duration{1000}, LatenessPolicy::parse("grace:5s")),
            "grace:5s", late_fractions));
  // Sessions: many per key kept for grace.
  run(check("session:1ms many per key",
            SessionOperator(Duration{1}, LatenessPolicy::parse("grace:20s")), "grace:20s",
            late_ints));
  std::printf("%d passed, %d failed\n", cases - failures, failures);
  return failures == 0 ? 0 : 1;
}
