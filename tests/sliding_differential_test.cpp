// Differential check of SlidingOperator against an earlier implementation (kept below verbatim
// as LegacySlidingOperator: per-window eager aggregates, one timer per key): on random traces with
// disorder, late events, ties, several keys and partitions, both clocks and every policy, the
// emissions (bit for bit), late events and window counts must be identical. Values are integers
// (the lazy path), fractional (the eager path) or switch from one to the other mid-run.

#include <catch2/catch.hpp>

#include <bit>
#include <cstring>
#include <vector>

#include "test_support.hpp"
#include "tidemark/core/driver.hpp"
#include "tidemark/core/emission.hpp"
#include "tidemark/windows/keyed_timer_queue.hpp"
#include "tidemark/windows/sliding_operator.hpp"

namespace tidemark {
namespace {

// ---- the previous implementation, unchanged but for its name --------------------------------
class LegacySlidingOperator {
 public:
  LegacySlidingOperator(Duration difference, LatenessPolicy policy)
      : diff_(difference), policy_(policy) {}

  void fire(Timestamp clock, Emitter& em);
  bool add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em);
  size_t open_windows() const { return window_count_; }
  size_t state_bytes() const;

 private:
  struct Slot {
    Timestamp start;
    Aggregate agg;
    bool fired = false;
  };
  struct Point {
    Timestamp time;
    double value;
  };
  using Points = std::vector<Point>;  // accepted events of a key, sorted by time
  // The state of one key: its windows sit together, sorted, so an event touches a few cache
  // lines instead of one hash node per window. Windows fire in start order, so the fired ones
  // (kept for grace) are a prefix of the open windows. The fire queue holds each key's first unfired window,
  // the purge queue its first fired one.
  struct KeyState {
    Points points;
    std::vector<Slot> slots;  // open windows slots[head..], sorted by start
    size_t head = 0;          // purged windows before it are erased in batches
    size_t fired = 0;         // length of the fired prefix of the open windows
  };

  KeyState& state_of(KeyId key) {
    if (key >= keys_.size()) keys_.resize(size_t(key) + 1);
    return keys_[key];
  }
  Window window_at(Timestamp start) const { return {start, start + Duration{diff_.ms + 1}}; }
  Aggregate aggregate(const Points& points, Window w) const;
  // Creates or updates the window at `start`, which is slots[i] or belongs at index i (i is
  // updated to where it ends up); `with` is the new event's value, if it is inside.
  bool apply(KeyId key, KeyState& k, size_t& i, Timestamp start, const Aggregate& with,
             Timestamp clock, Emitter& em);
  void trim(Points& points, Timestamp clock);
  // Index of the window of `k` at `start` (or where it belongs).
  static size_t find(const KeyState& k, Timestamp start);
  void erase(KeyState& k, size_t i, Timestamp clock);
  void arm_fire(KeyId key, KeyState& k);   // for the first unfired window, or none
  void arm_purge(KeyId key, KeyState& k);  // for the first fired window, or none

  Duration diff_;
  LatenessPolicy policy_;
  std::vector<KeyState> keys_;  // indexed by KeyId (dense), grown on first use
  size_t point_count_ = 0, window_count_ = 0;
  size_t dead_slots_ = 0;  // purged windows not yet erased (still memory)
  KeyedTimerQueue fires_, purges_;  // one entry per key with such a window
  std::vector<Timestamp> starts_;  // reused per event
};
namespace legacy {
auto time_less = [](const auto& p, Timestamp t) { return p.time < t; };
}

Aggregate LegacySlidingOperator::aggregate(const Points& points, Window w) const {
  Aggregate a = identity();
  for (auto it = std::lower_bound(points.begin(), points.end(), w.start, legacy::time_less);
       it != points.end() && it->time < w.end; ++it) {
    a = combine(a, lift(it->value));
  }
  return a;
}

size_t LegacySlidingOperator::find(const KeyState& k, Timestamp start) {
  return size_t(std::lower_bound(k.slots.begin() + ptrdiff_t(k.head), k.slots.end(), start,
                                 [](const Slot& s, Timestamp x) { return s.start < x; }) -
                k.slots.begin());
}

bool LegacySlidingOperator::apply(KeyId key, KeyState& k, size_t& i, Timestamp start,
                            const Aggregate& with, Timestamp clock, Emitter& em) {
  const Window w = window_at(start);
  const Decision d = decide(w, clock, policy_);
  if (d == Decision::kReject) return false;
  if (i == k.slots.size() || k.slots[i].start != start) {
    // Events that arrived before the window existed.
    const bool fired = d != Decision::kAccept;
    // Fired windows end before unfired ones, so this keeps the fired prefix intact.
    TIDEMARK_ASSERT(fired ? i <= k.head + k.fired : i >= k.head + k.fired);
    const Slot slot{start, aggregate(k.points, w), fired};
    if (i == k.head && k.head > 0) {  // reuse a purged slot in front
      k.slots[i = --k.head] = slot;
      --dead_slots_;
    } else {
      k.slots.insert(k.slots.begin() + ptrdiff_t(i), slot);
    }
    ++window_count_;
    if (!fired) {
      if (i == k.head + k.fired) arm_fire(key, k);
    } else {
      ++k.fired;
      if (i == k.head) arm_purge(key, k);
    }
  }
  Slot& slot = k.slots[i];
  slot.agg = combine(slot.agg, with);
  if (d == Decision::kAcceptAndUpdate) em.emit(key, w, lower(slot.agg), EmissionKind::kUpdate);
  return true;
}

bool LegacySlidingOperator::add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
  KeyState& k = state_of(key);
  Points& points = k.points;
  trim(points, clock);
  // Windows containing t start in [t - DIFF, t]: t's own left window, the right windows of
  // earlier events within DIFF + 1, and the left windows of later events within DIFF.
  starts_.clear();
  starts_.push_back(t - diff_);
  const auto lo = std::lower_bound(points.begin(), points.end(), t - Duration{diff_.ms + 1}, legacy::time_less);
  auto it = lo;
  for (; it != points.end() && it->time < t; ++it) starts_.push_back(it->time + Duration{1});
  const auto at_t = it;
  for (; it != points.end() && it->time <= t + diff_; ++it) starts_.push_back(it->time - diff_);
  if (!std::is_sorted(starts_.begin(), starts_.end())) std::sort(starts_.begin(), starts_.end());
  starts_.erase(std::unique(starts_.begin(), starts_.end()), starts_.end());

  // Both lists are sorted: walk the key's windows alongside the candidate starts.
  bool accepted = false;
  size_t i = find(k, starts_.front());
  for (const Timestamp s : starts_) {
    while (i < k.slots.size() && k.slots[i].start < s) ++i;
    if (apply(key, k, i, s, lift(v), clock, em)) {
      accepted = true;
      ++i;
    }
  }
  if (!accepted) return false;

  // t's right window [t+1, t+DIFF+2) exists once a later event falls in it.
  auto later = std::upper_bound(at_t, points.end(), t,
                                [](Timestamp x, const Point& p) { return x < p.time; });
  if (later != points.end() && later->time <= t + Duration{diff_.ms + 1}) {
    const Timestamp right = t + Duration{1};
    size_t j = find(k, right);
    apply(key, k, j, right, identity(), clock, em);
  }
  points.insert(later, Point{t, v});
  ++point_count_;
  return true;
}

// Drops events that no window able to accept events will need: the last window an event p
// matters to is its right window, ending at p + DIFF + 2 and closing `allowed` later.
void LegacySlidingOperator::trim(Points& points, Timestamp clock) {
  const Timestamp horizon = clock - Duration{diff_.ms + 2} - policy_.allowed();
  const auto keep = std::lower_bound(points.begin(), points.end(), horizon + Duration{1}, legacy::time_less);
  point_count_ -= size_t(keep - points.begin());
  points.erase(points.begin(), keep);
}

void LegacySlidingOperator::erase(KeyState& k, size_t i, Timestamp clock) {
  --window_count_;
  if (i != k.head) {
    k.slots.erase(k.slots.begin() + ptrdiff_t(i));
  } else if (++dead_slots_, ++k.head >= 16 && 2 * k.head >= k.slots.size()) {
    k.slots.erase(k.slots.begin(), k.slots.begin() + ptrdiff_t(k.head));
    dead_slots_ -= k.head;
    k.head = 0;
  }
  if (k.head == k.slots.size()) {  // an idle key gives its events back
    k.slots.clear();
    dead_slots_ -= k.head;
    k.head = 0;
    trim(k.points, clock);
  }
}

void LegacySlidingOperator::arm_fire(KeyId key, KeyState& k) {
  if (k.head + k.fired == k.slots.size()) return fires_.remove(key);
  const Window w = window_at(k.slots[k.head + k.fired].start);
  fires_.set({policy_.fire_time(w.end), w.end, key, w.start});
}

void LegacySlidingOperator::arm_purge(KeyId key, KeyState& k) {
  if (k.fired == 0) return purges_.remove(key);
  const Window w = window_at(k.slots[k.head].start);
  purges_.set({policy_.close_time(w.end), w.end, key, w.start});
}

// Each key's fire entry is its earliest unfired window, so the queue's minimum is the earliest
// window overall: windows fire in (fire time, end, key, start) order.
void LegacySlidingOperator::fire(Timestamp clock, Emitter& em) {
  while (fires_.due(clock)) {
    const Timer t = fires_.top();
    KeyState& k = keys_[t.key];
    const size_t i = k.head + k.fired;
    TIDEMARK_ASSERT(i < k.slots.size() && k.slots[i].start == t.start);
    em.emit(t.key, {t.start, t.end}, lower(k.slots[i].agg), EmissionKind::kOnTime);
    if (policy_.close_time(t.end) <= clock) {
      erase(k, i, clock);
    } else {
      k.slots[i].fired = true;
      if (++k.fired == 1) arm_purge(t.key, k);
    }
    arm_fire(t.key, k);
  }
  while (purges_.due(clock)) {
    const Timer t = purges_.top();
    KeyState& k = keys_[t.key];
    TIDEMARK_ASSERT(k.fired > 0 && k.slots[k.head].start == t.start);
    --k.fired;
    erase(k, k.head, clock);
    arm_purge(t.key, k);
  }
}

size_t LegacySlidingOperator::state_bytes() const {
  return keys_.capacity() * sizeof(KeyState) + point_count_ * sizeof(Point) +
         (window_count_ + dead_slots_) * sizeof(Slot) + fires_.bytes() + purges_.bytes();
}


// ---- the check --------------------------------------------------------------------------------

using test::Rng;

enum class Values { kIntegers, kFractions, kIntegersThenFractions, kIntegersThenHuge, kIntegersThenNegZero };

struct Scenario {
  std::vector<Event> events;
  RunConfig config;
  PartitionId partitions = 1;
  Duration diff;
  Values values = Values::kIntegers;
};

// `in_order_start`: the first events (a random share, at least a quarter) arrive in time order,
// as the in-order log takes them, with more keys and ties.
Scenario random_scenario(Rng& rng, bool in_order_start = false) {
  Scenario s;
  s.diff = Duration{rng.uniform(1, 40)};
  s.partitions = PartitionId(rng.uniform(1, 3));
  s.values = Values(rng.uniform(0, 4));
  const int n = int(rng.uniform(50, 400));
  const int keys = int(rng.uniform(1, in_order_start ? 60 : 5));
  const int64_t max_gap = rng.uniform(0, in_order_start && rng.chance(50) ? 2 : 25);
  const int in_order_until = in_order_start ? int(rng.uniform(n / 4, n + n / 2)) : 0;
  const int late_percent = int(rng.uniform(0, 30));
  const int64_t lateness = rng.uniform(1, 120);
  int64_t base = 0;
  switch (rng.uniform(0, 9)) {  // now and then near the ends of time, to exercise saturation
    case 0: base = std::numeric_limits<int64_t>::max() - int64_t(n) * max_gap / 2 - 60; break;
    case 1: base = std::numeric_limits<int64_t>::min() + 200; break;
    default: base = rng.uniform(-100'000, 100'000);
  }
  int64_t t = base;
  for (int i = 0; i < n; ++i) {
    const int64_t gap = rng.uniform(0, max_gap);
    // Stay just below +inf: windows there end at a saturated +inf.
    t = t < std::numeric_limits<int64_t>::max() - 100 ? t + gap
                                                      : std::numeric_limits<int64_t>::max() - rng.uniform(1, 4);
    Event e;
    e.row = uint64_t(i) + 2;
    e.key = KeyId(rng.uniform(0, keys - 1));
    e.partition = PartitionId(rng.uniform(0, int64_t(s.partitions) - 1));
    e.event_time = Timestamp{
        i >= in_order_until && rng.chance(late_percent) ? t - rng.uniform(1, lateness) : t};
    const bool later_half = i >= n / 2;
    switch (s.values) {
      case Values::kIntegers: e.value = double(rng.uniform(-50, 100)); break;
      case Values::kFractions: e.value = double(rng.uniform(-500, 1000)) / 7.0; break;
      case Values::kIntegersThenFractions:
        e.value = later_half ? double(rng.uniform(0, 1000)) / 3.0 : double(rng.uniform(0, 100));
        break;
      case Values::kIntegersThenHuge:
        e.value = later_half && rng.chance(10) ? 3e15 : double(rng.uniform(-100, 100));
        break;
      case Values::kIntegersThenNegZero:
        e.value = later_half && rng.chance(10) ? -0.0 : double(rng.uniform(0, 3));
        break;
    }
    s.events.push_back(e);
  }
  switch (rng.uniform(0, 2)) {
    case 0: s.config.lateness = LatenessPolicy::drop(); break;
    case 1: s.config.lateness = LatenessPolicy::wait(Duration{rng.uniform(1, 60)}); break;
    default: s.config.lateness = LatenessPolicy::grace(Duration{rng.uniform(1, 80)}); break;
  }
  s.config.clock = rng.chance(30) ? ClockMode::kStreamTime : ClockMode::kWatermark;
  s.config.watermark = WatermarkSpec::bounded(Duration{rng.uniform(0, 30)});
  s.config.end = rng.chance(20) ? EndMode::kKeep : EndMode::kFlush;
  return s;
}

struct Outcome {
  CollectingSink sink;
  Metrics metrics;
  bool lazy = false;
};

template <class Op>
void replay(const Scenario& s, Op& op, Outcome& out) {
  Driver driver(s.config, s.partitions, false, op, out.sink, out.sink);
  for (const Event& e : s.events) driver.process(e);
  out.metrics = driver.finish();
}

bool same_bits(double a, double b) { return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b); }

bool same(const Emission& a, const Emission& b) {
  return a.key == b.key && a.window == b.window && a.kind == b.kind && a.clock == b.clock &&
         a.proc_time == b.proc_time && a.seq == b.seq && a.stats.count == b.stats.count &&
         same_bits(a.stats.sum, b.stats.sum) && same_bits(a.stats.min, b.stats.min) &&
         same_bits(a.stats.max, b.stats.max) && same_bits(a.stats.mean, b.stats.mean);
}

bool same(const LateEvent& a, const LateEvent& b) {
  return a.row == b.row && a.partition == b.partition && a.key == b.key &&
         a.event_time == b.event_time && a.extracted_time == b.extracted_time && a.clock == b.clock;
}

}  // namespace
}  // namespace tidemark

using namespace tidemark;

namespace {

// Runs `s` through both operators and requires the same emissions, late events and window counts;
// `op` is left as the run left it.
void require_as_legacy(const Scenario& s, SlidingOperator& op, Outcome& want) {
  Outcome got;
  LegacySlidingOperator legacy(s.diff, s.config.lateness);
  replay(s, legacy, want);
  replay(s, op, got);
  REQUIRE(got.sink.emissions.size() == want.sink.emissions.size());
  for (size_t i = 0; i < want.sink.emissions.size(); ++i) {
    INFO("emission " << i);
    REQUIRE(same(got.sink.emissions[i], want.sink.emissions[i]));
  }
  REQUIRE(got.sink.late.size() == want.sink.late.size());
  for (size_t i = 0; i < want.sink.late.size(); ++i)
    REQUIRE(same(got.sink.late[i], want.sink.late[i]));
  CHECK(got.metrics.accepted == want.metrics.accepted);
  CHECK(got.metrics.peak_open_windows == want.metrics.peak_open_windows);
  CHECK(got.metrics.open_windows_at_end == want.metrics.open_windows_at_end);
  CHECK(op.open_windows() == legacy.open_windows());
}

}  // namespace

TEST_CASE("sliding: the operator matches its previous implementation bit for bit", "[sliding]") {
  Rng rng(20261122);
  int lazy_runs = 0, switched_runs = 0;
  uint64_t late = 0, updates = 0, saturated = 0;
  for (int run = 0; run < 600; ++run) {
    const Scenario s = random_scenario(rng);
    INFO("run " << run << ", diff " << s.diff.ms << ", policy " << s.config.lateness.to_string()
                << ", values " << int(s.values) << ", events " << s.events.size());
    Outcome want;
    SlidingOperator op(s.diff, s.config.lateness);
    require_as_legacy(s, op, want);
    (op.lazy_aggregates() ? lazy_runs : switched_runs) += 1;
    late += want.metrics.late;
    updates += want.metrics.updates;
    for (const Emission& e : want.sink.emissions) saturated += e.window.end == Timestamp::max();
    if (s.values == Values::kIntegers || s.values == Values::kIntegersThenNegZero) {
      // -0.0 switches only if it arrives; plain small integers never do.
      if (s.values == Values::kIntegers) CHECK(op.lazy_aggregates());
    } else {
      CHECK_FALSE(op.lazy_aggregates());
    }
  }
  // Both paths, late events, grace updates and saturated window ends were exercised.
  CHECK(lazy_runs > 100);
  CHECK(switched_runs > 100);
  CHECK(late > 1000);
  CHECK(updates > 1000);
  CHECK(saturated > 0);
}

TEST_CASE("sliding: windows found from the in-order log, and handed over from it, are exact",
          "[sliding]") {
  Rng rng(20261203);
  int whole_run = 0, handed_over = 0, whole_run_eager = 0, handed_over_eager = 0;
  uint64_t emissions = 0, late = 0;
  for (int run = 0; run < 800; ++run) {
    const Scenario s = random_scenario(rng, true);
    INFO("run " << run << ", diff " << s.diff.ms << ", policy " << s.config.lateness.to_string()
                << ", values " << int(s.values) << ", events " << s.events.size());
    Outcome want;
    SlidingOperator op(s.diff, s.config.lateness);
    require_as_legacy(s, op, want);
    if (op.windows_from_log()) {
      ++whole_run;
      whole_run_eager += !op.lazy_aggregates();
    } else {
      ++handed_over;
      handed_over_eager += !op.lazy_aggregates();
    }
    emissions += want.sink.emissions.size();
    late += want.metrics.late;
  }
  // Runs that stayed in the log to the end and runs handed over by an event out of order, each
  // with exact sums and with values that are not, with many windows and late events after the
  // handover.
  CHECK(whole_run - whole_run_eager > 25);
  CHECK(whole_run_eager > 25);
  CHECK(handed_over - handed_over_eager > 60);
  CHECK(handed_over_eager > 60);
  CHECK(emissions > 100'000);
  CHECK(late > 1000);
}

TEST_CASE("sliding: the switch to eager aggregates keeps the windows already open", "[sliding]") {
  // DIFF 10, grace 100: integers first, then a fraction while windows are open and fired.
  RunConfig config;
  config.lateness = LatenessPolicy::grace(Duration{100});
  config.watermark = WatermarkSpec::bounded(Duration{0});
  std::vector<Event> events;
  const double values[] = {1, 2, 3, 4, 0.1, 5, 0.2, 6};
  const int64_t times[] = {10, 12, 30, 31, 15, 33, 29, 50};
  for (size_t i = 0; i < 8; ++i) {
    Event e;
    e.row = i + 2;
    e.event_time = Timestamp{times[i]};
    e.value = values[i];
    events.push_back(e);
  }
  Scenario s{events, config, 1, Duration{10}, Values::kIntegersThenFractions};
  Outcome want, got;
  LegacySlidingOperator legacy(s.diff, config.lateness);
  replay(s, legacy, want);
  SlidingOperator op(s.diff, config.lateness);
  replay(s, op, got);
  CHECK_FALSE(op.lazy_aggregates());
  REQUIRE(got.sink.emissions.size() == want.sink.emissions.size());
  REQUIRE(want.metrics.updates > 0);
  for (size_t i = 0; i < want.sink.emissions.size(); ++i) CHECK(same(got.sink.emissions[i], want.sink.emissions[i]));
}

TEST_CASE("sliding: a key idle in the in-order log gives its events back", "[sliding]") {
  // 200 keys, one after the other, each a burst of 500 events at one time; DIFF 5 ms.
  RunConfig config;
  config.watermark = WatermarkSpec::bounded(Duration{0});
  std::vector<Event> events;
  for (KeyId key = 0; key < 200; ++key) {
    for (int i = 0; i < 500; ++i) {
      Event e;
      e.row = events.size() + 2;
      e.key = key;
      e.event_time = Timestamp{int64_t(key) * 20};
      e.value = double(i % 7);
      events.push_back(e);
    }
  }
  SlidingOperator op(Duration{5}, config.lateness);
  CollectingSink sink;
  Driver driver(config, 1, false, op, sink, sink);
  driver.process(std::span<const Event>(events));
  CHECK(op.windows_from_log());
  // Each key's left window fired; its events were needed no longer once its right window's turn
  // came (it has none). Kept, they would take 200 x 500 x 16 bytes.
  CHECK(op.state_bytes() < 200 * 64 + 2 * 500 * 16 + 64 * 1024);
  CHECK(sink.emissions.size() == 199);
  const Metrics m = driver.finish();
  CHECK(m.windows_fired == 200);
}
