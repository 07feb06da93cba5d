#include "tidemark/windows/profiles/flink_periodic_watermarks.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "tidemark/core/error.hpp"

namespace tidemark {

namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

int64_t saturated_add(int64_t a, int64_t b) {
  return b > 0 && a > kMax - b ? kMax : a + b;
}

}  // namespace

FlinkPeriodicWatermarks::FlinkPeriodicWatermarks(uint32_t partitions, Config config)
    : config_(config) {
  TIDEMARK_ASSERT(config.out_of_orderness >= 0 && config.interval >= 0);
  TIDEMARK_ASSERT(!config.idle_timeout || (*config.idle_timeout > 0 && config.interval > 0));
  Partition initial;
  // The first watermark, before any record, is exactly Long.MIN_VALUE.
  initial.max_timestamp = kMin + config.out_of_orderness + 1;
  initial.emitted = kMin;
  partitions_.assign(partitions, initial);
}

bool FlinkPeriodicWatermarks::check_if_idle(Partition& s, int64_t now) const {
  if (s.counter != s.last_counter) {  // activity since the last check: reset the timer
    s.last_counter = s.counter;
    s.timer_started = false;
    return false;
  }
  if (!s.timer_started) {  // the first check without activity starts it
    s.timer_started = true;
    s.start_of_inactivity = now;
    return false;
  }
  return now - s.start_of_inactivity > *config_.idle_timeout;
}

void FlinkPeriodicWatermarks::emit_watermark(uint32_t p, int64_t watermark,
                                             std::vector<Change>& out) {
  Partition& s = partitions_[p];
  if (watermark <= s.emitted) return;
  s.emitted = watermark;
  if (s.status_idle) {
    s.status_idle = false;
    out.push_back({p, Change::Kind::kActive, 0});
  }
  out.push_back({p, Change::Kind::kWatermark, watermark});
}

void FlinkPeriodicWatermarks::periodic_emit(uint32_t p, int64_t now, std::vector<Change>& out) {
  Partition& s = partitions_[p];
  if (config_.idle_timeout && check_if_idle(s, now)) {
    if (!s.idle_now) {
      s.idle_now = true;
      if (!s.status_idle) {
        s.status_idle = true;
        out.push_back({p, Change::Kind::kIdle, 0});
      }
    }
    return;
  }
  emit_watermark(p, s.max_timestamp - config_.out_of_orderness - 1, out);
}

void FlinkPeriodicWatermarks::fire_tick(int64_t tick, std::vector<Change>& out) {
  for (uint32_t p = 0; p < partitions_.size(); ++p) periodic_emit(p, tick, out);
}

void FlinkPeriodicWatermarks::advance_to(int64_t now, std::vector<Change>& out) {
  if (config_.interval == 0) return;
  const int64_t interval = config_.interval;
  if (!opened_) {
    opened_ = true;
    next_tick_ = saturated_add(now, interval);
    return;
  }
  if (now < next_tick_) return;
  // Ticks next_tick_, next_tick_ + interval, ..., last <= now, with no record among them. After
  // the first two, each partition has its idleness timer started or is idle, so what is left to
  // happen is each partition turning idle once: found by arithmetic, not by walking the ticks
  // (a trace may leave years between two rows).
  const uint64_t due = (uint64_t(now) - uint64_t(next_tick_)) / uint64_t(interval) + 1;
  const int64_t first = next_tick_;
  const int64_t last = int64_t(uint64_t(first) + (due - 1) * uint64_t(interval));
  fire_tick(first, out);
  if (due >= 2) fire_tick(first + interval, out);
  if (due >= 3 && config_.idle_timeout) {
    __extension__ typedef __int128 Wide;  // a GNU type: the sums below may pass int64's range
    const Wide third = Wide(first) + 2 * Wide(interval);
    turns_.clear();
    for (uint32_t p = 0; p < partitions_.size(); ++p) {
      const Partition& s = partitions_[p];
      if (s.idle_now) continue;
      TIDEMARK_ASSERT(s.timer_started);
      // The first tick T >= third with T - start > timeout.
      const Wide threshold = Wide(s.start_of_inactivity) + *config_.idle_timeout + 1;
      const Wide steps = threshold <= third ? 0 : (threshold - third + interval - 1) / interval;
      const Wide tick = third + steps * interval;
      if (tick <= last) turns_.push_back({int64_t(tick), p});
    }
    std::sort(turns_.begin(), turns_.end());
    for (const auto& [tick, p] : turns_) periodic_emit(p, tick, out);
  }
  next_tick_ = saturated_add(last, interval);
}

void FlinkPeriodicWatermarks::on_record(uint32_t partition, int64_t timestamp,
                                        std::vector<Change>& out) {
  Partition& s = partitions_[partition];
  s.max_timestamp = std::max(s.max_timestamp, timestamp);
  ++s.counter;
  s.idle_now = false;
  if (config_.interval == 0) {
    emit_watermark(partition, s.max_timestamp - config_.out_of_orderness - 1, out);
  }
}

void FlinkPeriodicWatermarks::close(int64_t now, std::vector<Change>& out) {
  fire_tick(now, out);
}

}  // namespace tidemark
