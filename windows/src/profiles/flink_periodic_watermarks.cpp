#include "tidemark/windows/profiles/flink_periodic_watermarks.hpp"

#include <algorithm>
#include <deque>
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

// now - start > timeout, without overflow.
bool ran_out(int64_t now, int64_t start, int64_t timeout) {
  __extension__ typedef __int128 Wide;  // a GNU type
  return Wide(now) - start > timeout;
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

bool FlinkPeriodicWatermarks::check_if_idle(uint32_t p, int64_t now) {
  Partition& s = partitions_[p];
  if (s.counter != s.last_counter) {  // activity since the last check: reset the timer
    s.last_counter = s.counter;
    s.timer_started = false;
    return false;
  }
  if (!s.timer_started) {  // the first check without activity starts it
    s.timer_started = true;
    s.start_of_inactivity = now;
    waiting_.push_back({now, p});
    return false;
  }
  return ran_out(now, s.start_of_inactivity, *config_.idle_timeout);
}

bool FlinkPeriodicWatermarks::waiting(const std::pair<int64_t, uint32_t>& entry) const {
  const Partition& s = partitions_[entry.second];
  return s.timer_started && !s.idle_now && s.start_of_inactivity == entry.first;
}

void FlinkPeriodicWatermarks::emit_watermark(uint32_t p, int64_t watermark, int64_t now,
                                             std::vector<Change>& out) {
  Partition& s = partitions_[p];
  if (watermark <= s.emitted) return;
  s.emitted = watermark;
  if (s.status_idle) {
    s.status_idle = false;
    out.push_back({p, Change::Kind::kActive, 0, now});
  }
  out.push_back({p, Change::Kind::kWatermark, watermark, now});
}

void FlinkPeriodicWatermarks::periodic_emit(uint32_t p, int64_t now, std::vector<Change>& out) {
  Partition& s = partitions_[p];
  if (config_.idle_timeout && check_if_idle(p, now)) {
    if (!s.idle_now) {
      s.idle_now = true;
      if (!s.status_idle) {
        s.status_idle = true;
        out.push_back({p, Change::Kind::kIdle, 0, now});
      }
    }
    return;
  }
  emit_watermark(p, s.max_timestamp - config_.out_of_orderness - 1, now, out);
}

void FlinkPeriodicWatermarks::fire_tick(int64_t tick, std::vector<Change>& out) {
  candidates_.clear();
  if (config_.idle_timeout && !ticked_) {
    for (uint32_t p = 0; p < partitions_.size(); ++p) candidates_.push_back(p);
  } else {
    candidates_.insert(candidates_.end(), touched_.begin(), touched_.end());
    candidates_.insert(candidates_.end(), resetting_.begin(), resetting_.end());
    // Timers with tick - start > timeout, by start: the front of waiting_.
    while (!waiting_.empty() && ran_out(tick, waiting_.front().first, *config_.idle_timeout)) {
      if (waiting(waiting_.front())) candidates_.push_back(waiting_.front().second);
      waiting_.pop_front();
    }
    std::sort(candidates_.begin(), candidates_.end());
    candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
  }
  ticked_ = true;
  touched_.clear();
  resetting_.clear();
  for (const uint32_t p : candidates_) {
    const bool reset = std::exchange(partitions_[p].touched, false);
    periodic_emit(p, tick, out);
    if (reset && config_.idle_timeout) resetting_.push_back(p);
  }
  // Reset timers leave stale entries behind: drop them before they outnumber the partitions.
  if (waiting_.size() > 2 * partitions_.size()) {
    std::erase_if(waiting_, [&](const auto& entry) { return !waiting(entry); });
  }
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
  // the first two every partition's idleness timer runs or it is idle, so what is left to happen
  // is each running timer running out: found by arithmetic, not by walking the ticks (a trace
  // may leave years between two rows).
  const uint64_t due = (uint64_t(now) - uint64_t(next_tick_)) / uint64_t(interval) + 1;
  const int64_t first = next_tick_;
  const int64_t last = int64_t(uint64_t(first) + (due - 1) * uint64_t(interval));
  fire_tick(first, out);
  if (due >= 2) fire_tick(first + interval, out);
  if (due >= 3 && config_.idle_timeout) {
    __extension__ typedef __int128 Wide;  // a GNU type: the sums below may pass int64's range
    const Wide third = Wide(first) + 2 * Wide(interval);
    turns_.clear();
    while (!waiting_.empty()) {
      const auto [start, p] = waiting_.front();
      // The first tick T >= third with T - start > timeout; starts ascend, and so do these.
      const Wide threshold = Wide(start) + *config_.idle_timeout + 1;
      const Wide steps = threshold <= third ? 0 : (threshold - third + interval - 1) / interval;
      const Wide tick = third + steps * interval;
      if (tick > last) break;
      if (waiting(waiting_.front())) turns_.push_back({int64_t(tick), p});
      waiting_.pop_front();
    }
    std::sort(turns_.begin(), turns_.end());
    for (const auto& [tick, p] : turns_) periodic_emit(p, tick, out);
  }
  next_tick_ = saturated_add(last, interval);
}

void FlinkPeriodicWatermarks::on_record(uint32_t partition, int64_t timestamp, int64_t now,
                                        std::vector<Change>& out) {
  Partition& s = partitions_[partition];
  s.max_timestamp = std::max(s.max_timestamp, timestamp);
  ++s.counter;
  s.idle_now = false;
  if (config_.interval == 0) {
    emit_watermark(partition, s.max_timestamp - config_.out_of_orderness - 1, now, out);
  } else if (!std::exchange(s.touched, true)) {
    touched_.push_back(partition);
  }
}

void FlinkPeriodicWatermarks::close(int64_t now, std::vector<Change>& out) {
  if (config_.interval > 0) fire_tick(now, out);
}

}  // namespace tidemark
