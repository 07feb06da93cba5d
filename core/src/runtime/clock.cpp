#include "tidemark/core/runtime/clock.hpp"

#include <algorithm>

namespace tidemark {

// ---- MinOfInputs ----------------------------------------------------------------------------

MinOfInputs::MinOfInputs(PartitionId partitions)
    : parked_(partitions, Timestamp::min()), idle_(partitions, 0), active_(partitions) {
  // Padding entries are +inf, so they never win a minimum. Every level above 0 is one entry per
  // group below; there is always one, so that level 0 has a parent.
  Group empty;
  empty.min.fill(Timestamp::max());
  size_t count = partitions;
  levels_.emplace_back((count + 7) / 8, empty);
  for (PartitionId p = 0; p < partitions; ++p) levels_[0][p / 8].min[p % 8] = Timestamp::min();
  do {
    count = (count + 7) / 8;
    levels_.emplace_back((count + 7) / 8, empty);
    for (size_t i = 0; i < count; ++i) {
      const auto& below = levels_[levels_.size() - 2][i].min;
      levels_.back()[i / 8].min[i % 8] = *std::min_element(below.begin(), below.end());
    }
  } while (count > 1);
}

size_t MinOfInputs::bytes() const {
  size_t groups = 0;
  for (const auto& level : levels_) groups += level.capacity();
  return groups * sizeof(Group) + levels_.size() * sizeof(levels_[0]) +
         parked_.capacity() * sizeof(Timestamp) + idle_.capacity() * sizeof(uint8_t);
}

size_t MinOfInputs::bytes_for(PartitionId partitions) {
  // The levels the constructor builds: (count + 7) / 8 groups for level 0, then one level per
  // division by 8 until one entry is left.
  size_t count = partitions;
  size_t groups = (count + 7) / 8, levels = 1;
  do {
    count = (count + 7) / 8;
    groups += (count + 7) / 8;
    ++levels;
  } while (count > 1);
  return groups * sizeof(Group) + levels * sizeof(std::vector<Group>) +
         size_t(partitions) * (sizeof(Timestamp) + sizeof(uint8_t));
}

std::optional<Timestamp> MinOfInputs::climb(PartitionId p) {
  size_t i = p;
  for (size_t l = 0; l + 1 < levels_.size(); ++l, i /= 8) {
    const auto& group = levels_[l][i / 8].min;
    Timestamp m = group[0];
    for (size_t k = 1; k < 8; ++k) m = std::min(m, group[k]);
    Timestamp& up = levels_[l + 1][i / 64].min[i / 8 % 8];
    if (up == m) return std::nullopt;  // this minimum held, so every one above holds too
    up = m;
  }
  return recompute() ? std::optional(combined_) : std::nullopt;
}

std::optional<Timestamp> MinOfInputs::update_idle(PartitionId p, Timestamp w) {
  if (w <= parked_[p]) return std::nullopt;
  parked_[p] = w;
  max_ = std::max(max_, w);
  // Idle partitions count only when every partition is idle: then C follows the max.
  if (active_ != 0) return std::nullopt;
  return recompute() ? std::optional(combined_) : std::nullopt;
}

bool MinOfInputs::recompute() {
  const Timestamp candidate = active_ != 0 ? levels_.back()[0].min[0] : max_;
  if (candidate <= combined_) return false;
  combined_ = candidate;
  return true;
}

void MinOfInputs::set_idle(PartitionId p) {
  if (idle_[p]) return;
  Timestamp& slot = levels_[0][p / 8].min[p % 8];
  parked_[p] = slot;
  slot = Timestamp::max();
  idle_[p] = 1;
  --active_;
  climb(p);
  recompute();
}

void MinOfInputs::set_active(PartitionId p) {
  if (!idle_[p]) return;
  levels_[0][p / 8].min[p % 8] = parked_[p];
  idle_[p] = 0;
  ++active_;
  climb(p);
  recompute();  // cannot lower C: it never decreases
}

// ---- IdlenessTracker ------------------------------------------------------------------------

IdlenessTracker::IdlenessTracker(PartitionId partitions, Duration timeout)
    : timeout_(timeout),
      last_(partitions, Timestamp::min()),
      prev_(partitions, kNone),
      next_(partitions, kNone),
      linked_(partitions, false) {}

size_t IdlenessTracker::bytes() const {
  return last_.capacity() * sizeof(Timestamp) +
         (prev_.capacity() + next_.capacity()) * sizeof(PartitionId) +
         (linked_.capacity() + 63) / 64 * sizeof(uint64_t);
}

size_t IdlenessTracker::bytes_for(PartitionId partitions) {
  const size_t p = partitions;
  return p * (sizeof(Timestamp) + 2 * sizeof(PartitionId)) + (p + 63) / 64 * sizeof(uint64_t);
}

void IdlenessTracker::unlink(PartitionId p) {
  (prev_[p] == kNone ? head_ : next_[prev_[p]]) = next_[p];
  (next_[p] == kNone ? tail_ : prev_[next_[p]]) = prev_[p];
  prev_[p] = next_[p] = kNone;
  linked_[p] = false;
}

void IdlenessTracker::push_back(PartitionId p) {
  prev_[p] = tail_;
  next_[p] = kNone;
  (tail_ == kNone ? head_ : next_[tail_]) = p;
  tail_ = p;
  linked_[p] = true;
}

bool IdlenessTracker::touch(PartitionId p, Timestamp now) {
  if (!started_) {
    // Silence is counted from the first record of the run, for partitions that never send too.
    started_ = true;
    for (PartitionId q = 0; q < PartitionId(last_.size()); ++q) {
      last_[q] = now;
      push_back(q);
    }
  }
  const bool was_idle = !linked_[p];
  if (!was_idle) unlink(p);
  last_[p] = now;
  push_back(p);
  return was_idle;
}

// ---- EventClock -----------------------------------------------------------------------------

EventClock::EventClock(const RunConfig& config, PartitionId partitions)
    : mode_(config.clock),
      watermark_(config.watermark),
      inputs_(config.clock == ClockMode::kWatermark ? partitions : 0),
      max_seen_(partitions, Timestamp::min()) {
  if (config.idle_timeout && mode_ == ClockMode::kWatermark) {
    idleness_.emplace(partitions, *config.idle_timeout);
  }
  plain_bounded_ = mode_ == ClockMode::kWatermark && !idleness_ &&
                   watermark_.kind == WatermarkSpec::Kind::kBounded;
  single_partition_ = partitions == 1;
}

size_t EventClock::bytes() const {
  return inputs_.bytes() + max_seen_.capacity() * sizeof(Timestamp) +
         (idleness_ ? idleness_->bytes() : 0);
}

size_t EventClock::bytes_for(const RunConfig& config, PartitionId partitions) {
  const bool watermark = config.clock == ClockMode::kWatermark;
  return MinOfInputs::bytes_for(watermark ? partitions : 0) +
         size_t(partitions) * sizeof(Timestamp) +
         (config.idle_timeout && watermark ? IdlenessTracker::bytes_for(partitions) : 0);
}

void EventClock::advance_idleness(PartitionId p, Timestamp proc) {
  // A record of a partition an I row marked idle makes it active again.
  if (idle_marks_ && inputs_.is_idle(p)) set_status(p, false, proc);
  if (!idleness_) return;
  if (idleness_->touch(p, proc)) set_status(p, false, proc);
  idleness_->expire(proc, [&](PartitionId q) { set_status(q, true, proc); });
}

void EventClock::set_status(PartitionId p, bool idle, Timestamp proc) {
  if (inputs_.is_idle(p) == idle) return;  // an I row and the timeout may both mark it
  if (idle) {
    inputs_.set_idle(p);
  } else {
    inputs_.set_active(p);
  }
  if (status_) status_->on_status(p, idle, proc);
}

Timestamp EventClock::on_event_general(PartitionId p, Timestamp t, Timestamp proc) {
  if (mode_ == ClockMode::kStreamTime) {
    current_ = std::max(current_, t);
    return current_;
  }
  advance_idleness(p, proc);
  if (watermark_.kind == WatermarkSpec::Kind::kBounded && t > max_seen_[p]) {
    max_seen_[p] = t;
    inputs_.update(p, t - watermark_.delay);
  }
  current_ = inputs_.combined();
  return current_;
}

Timestamp EventClock::on_idle_mark(PartitionId p, Timestamp proc) {
  if (mode_ == ClockMode::kStreamTime) return current_;
  if (plain_bounded_) {
    // From now on records take the general path, which checks marks; with one partition the
    // fast path kept W_0 in current_ alone.
    plain_bounded_ = false;
    if (single_partition_) inputs_.update(0, current_);
  }
  idle_marks_ = true;
  if (idleness_) {  // the row is activity, as any record; the others may time out by now
    idleness_->touch(p, proc);
    idleness_->expire(proc, [&](PartitionId q) { set_status(q, true, proc); });
  }
  set_status(p, true, proc);
  current_ = std::max(current_, inputs_.combined());
  return current_;
}

Timestamp EventClock::on_punctuation(PartitionId p, Timestamp w, Timestamp proc) {
  // A W row moves no bounded watermark; and on_event's fast path for one partition keeps W_0 in
  // current_ alone, so the inputs' minimum would take C back to -inf.
  if (mode_ == ClockMode::kStreamTime || plain_bounded_) return current_;
  advance_idleness(p, proc);
  if (watermark_.kind == WatermarkSpec::Kind::kPunctuated) inputs_.update(p, w);
  current_ = inputs_.combined();
  return current_;
}

}  // namespace tidemark
