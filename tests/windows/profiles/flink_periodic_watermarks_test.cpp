// FlinkPeriodicWatermarks: Flink's periodic BoundedOutOfOrderness emission with and without
// WatermarksWithIdleness, by hand at the rules' edges and against a tick-by-tick model of Flink's
// classes (the unit jumps over ticks where nothing can change).
#include "tidemark/windows/profiles/flink_periodic_watermarks.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "test_support.hpp"

using namespace tidemark;

namespace {

using Change = FlinkPeriodicWatermarks::Change;
using Kind = Change::Kind;
using Changes = std::vector<Change>;

// A change at processing time `at`.
Change wm(uint32_t p, int64_t w, int64_t at) {
  return {p, Kind::kWatermark, w, at};
}
Change idle(uint32_t p, int64_t at) {
  return {p, Kind::kIdle, 0, at};
}
Change active(uint32_t p, int64_t at) {
  return {p, Kind::kActive, 0, at};
}

// Flink's classes walked one tick at a time: BoundedOutOfOrdernessWatermarks, IdlenessTimer,
// WatermarksWithIdleness and the operator's WatermarkEmitter, per partition.
class TickByTick {
 public:
  TickByTick(uint32_t partitions, int64_t delay, int64_t interval, std::optional<int64_t> timeout)
      : delay_(delay), interval_(interval), timeout_(timeout), parts_(partitions) {
    for (Part& p : parts_) p.max = std::numeric_limits<int64_t>::min() + delay + 1;
  }
  void advance_to(int64_t now, Changes& out) {
    if (!open_) {
      open_ = true;
      next_ = now + interval_;
      return;
    }
    for (; next_ <= now; next_ += interval_) {
      for (uint32_t p = 0; p < parts_.size(); ++p) periodic(p, next_, out);
    }
  }
  void close(int64_t now, Changes& out) {
    for (uint32_t p = 0; p < parts_.size(); ++p) periodic(p, now, out);
  }
  void on_record(uint32_t p, int64_t ts) {
    parts_[p].max = std::max(parts_[p].max, ts);
    ++parts_[p].counter;
    parts_[p].idle_now = false;
  }

 private:
  struct Part {
    int64_t max = 0, current = std::numeric_limits<int64_t>::min();
    bool emitter_idle = false, idle_now = false;
    uint64_t counter = 0, last = 0;
    std::optional<int64_t> start;  // IdlenessTimer's startOfInactivityNanos; 0 there: none
  };
  void periodic(uint32_t i, int64_t now, Changes& out) {
    Part& p = parts_[i];
    if (timeout_) {
      bool is_idle;
      if (p.counter != p.last) {
        p.last = p.counter;
        p.start.reset();
        is_idle = false;
      } else if (!p.start) {
        p.start = now;
        is_idle = false;
      } else {
        is_idle = now - *p.start > *timeout_;
      }
      if (is_idle) {
        if (!p.idle_now) {
          if (!p.emitter_idle) out.push_back(idle(i, now));
          p.emitter_idle = true;
          p.idle_now = true;
        }
        return;
      }
    }
    const int64_t w = p.max - delay_ - 1;
    if (w <= p.current) return;
    p.current = w;
    if (p.emitter_idle) out.push_back(active(i, now));
    p.emitter_idle = false;
    out.push_back(wm(i, w, now));
  }

  int64_t delay_, interval_;
  std::optional<int64_t> timeout_;
  std::vector<Part> parts_;
  bool open_ = false;
  int64_t next_ = 0;
};

}  // namespace

TEST_CASE("flink periodic watermarks: emitted at ticks from the first row, only when they rise",
          "[flink][watermarks]") {
  FlinkPeriodicWatermarks g(1, {10, 200, std::nullopt});
  Changes out;
  g.advance_to(1000, out);  // the first row opens the operator: ticks at 1200, 1400, ...
  g.on_record(0, 5000, 1000, out);
  g.advance_to(1199, out);
  g.on_record(0, 5100, 1199, out);
  CHECK(out.empty());
  g.advance_to(1200, out);  // a tick due at the row's own processing time comes first
  CHECK(out == Changes{wm(0, 5089, 1200)});
  out.clear();
  g.on_record(0, 4000, 1200, out);  // lower: max stays
  g.advance_to(1700, out);          // ticks 1400 and 1600 emit nothing new
  CHECK(out.empty());
  g.on_record(0, 6000, 1700, out);
  g.close(1750, out);  // the last periodic emit at the end of input (without MAX_WATERMARK)
  CHECK(out == Changes{wm(0, 5989, 1750)});
}

TEST_CASE("flink periodic watermarks: interval 0 emits after every record that raises it",
          "[flink][watermarks]") {
  FlinkPeriodicWatermarks g(2, {0, 0, std::nullopt});
  Changes out;
  g.advance_to(50, out);
  g.on_record(1, 7, 50, out);
  g.on_record(1, 3, 60, out);
  g.on_record(0, 9, 70, out);
  g.advance_to(1'000'000, out);
  g.close(1'000'000, out);
  CHECK(out == Changes{wm(1, 6, 50), wm(0, 8, 70)});
}

TEST_CASE("flink periodic watermarks: a silent partition turns idle after the timeout, at a tick",
          "[flink][watermarks]") {
  // Partition 1's last record is before tick 100: tick 100 resets its timer, tick 200 starts it
  // (start 200), and it is idle at the first tick T with T - 200 > 250: T = 500. Partition 0
  // keeps receiving records and stays active.
  FlinkPeriodicWatermarks g(2, {0, 100, 250});
  Changes out;
  g.advance_to(0, out);
  g.on_record(1, 40, 0, out);
  for (int64_t now = 10; now <= 700; now += 10) {
    g.advance_to(now, out);
    g.on_record(0, now, now, out);
  }
  Changes idles;
  for (const Change& c : out) {
    if (c.kind != Kind::kWatermark) idles.push_back(c);
  }
  CHECK(idles == Changes{idle(1, 500)});
  // Idle once, at tick 500, after partition 0's watermark of that tick (max 490).
  const auto at = std::find(out.begin(), out.end(), idle(1, 500)) - out.begin();
  REQUIRE(at >= 1);
  CHECK(out[size_t(at) - 1] == wm(0, 489, 500));

  SECTION("a record that does not raise the watermark leaves it idle; one that does, active") {
    out.clear();
    g.on_record(1, 30, 700, out);
    g.advance_to(800, out);  // tick 800: its max 40 - 1 is not above the 39 it emitted
    CHECK(std::find(out.begin(), out.end(), active(1, 800)) == out.end());
    g.on_record(1, 90, 800, out);
    out.clear();
    g.advance_to(900, out);
    CHECK(out == Changes{active(1, 900), wm(1, 89, 900)});  // partition 0: nothing new since 699
  }
}

TEST_CASE("flink periodic watermarks: the same changes as Flink's classes walked tick by tick",
          "[flink][watermarks]") {
  test::Rng rng(26);
  for (int run = 0; run < 300; ++run) {
    const uint32_t partitions = uint32_t(rng.uniform(1, 4));
    const int64_t interval = rng.uniform(1, 50);
    const int64_t delay = rng.uniform(0, 20);
    const std::optional<int64_t> timeout =
        rng.chance(70) ? std::optional<int64_t>(rng.uniform(1, 400)) : std::nullopt;
    FlinkPeriodicWatermarks g(partitions, {delay, interval, timeout});
    TickByTick model(partitions, delay, interval, timeout);
    Changes got, want;
    int64_t now = rng.uniform(-1000, 1000);
    for (int i = 0; i < 60; ++i) {
      // Gaps from none to hundreds of ticks, so that jumps over many ticks are tested.
      now += rng.chance(20) ? rng.uniform(0, 400 * interval) : rng.uniform(0, 2 * interval);
      g.advance_to(now, got);
      model.advance_to(now, want);
      const uint32_t p = uint32_t(rng.uniform(0, int64_t(partitions) - 1));
      const int64_t ts = now + rng.uniform(-300, 50);
      g.on_record(p, ts, now, got);
      model.on_record(p, ts);
    }
    now += rng.uniform(0, 3 * interval);
    g.close(now, got);
    model.close(now, want);
    INFO("run " << run);
    REQUIRE(got == want);
  }
}

TEST_CASE("flink periodic watermarks: years between two rows take no time", "[flink][watermarks]") {
  // 1 ms ticks over ~300 years: walked one by one this would not end.
  FlinkPeriodicWatermarks g(3, {0, 1, 1000});
  Changes out;
  g.advance_to(0, out);
  g.on_record(0, 5, 0, out);
  g.on_record(2, 7, 0, out);
  g.advance_to(int64_t(1e13), out);
  CHECK(out == Changes{wm(0, 4, 1), wm(2, 6, 1), idle(1, 1002), idle(0, 1003), idle(2, 1003)});
}

TEST_CASE("flink periodic watermarks: a tick touches only the partitions that can change",
          "[flink][watermarks]") {
  // 100,000 partitions, one record per tick on one of them: walking every partition per tick
  // would be 10^10 steps; the result is still every partition idle once, in order.
  const uint32_t n = 100'000;
  FlinkPeriodicWatermarks g(n, {0, 10, 100});
  Changes out;
  g.advance_to(0, out);
  for (int64_t now = 0; now < 1'000'000; now += 10) {
    g.advance_to(now, out);
    g.on_record(7, now, now, out);
  }
  size_t idles = 0, watermarks = 0;
  for (const Change& c : out) {
    idles += c.kind == Kind::kIdle;
    watermarks += c.kind == Kind::kWatermark;
    CHECK(c.partition < n);
    if (c.kind != Kind::kWatermark) CHECK(c.partition != 7);
  }
  CHECK(idles == n - 1);        // all but the one that keeps sending
  CHECK(watermarks == 99'999);  // partition 7, at every tick from 10 on
}
