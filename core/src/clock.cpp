#include "tidemark/core/clock.hpp"

#include <algorithm>

namespace tidemark {

// ---- MinOfInputs ----------------------------------------------------------------------------

MinOfInputs::MinOfInputs(PartitionId partitions) : slots_(partitions) {
  heap_.reserve(partitions);
  for (PartitionId p = 0; p < partitions; ++p) {
    slots_[p].handle = heap_.push(Entry{Timestamp::min(), p});
  }
}

Timestamp MinOfInputs::recompute() {
  const Timestamp candidate = heap_.empty() ? max_ : heap_.top().watermark;
  combined_ = std::max(combined_, candidate);
  return combined_;
}

std::optional<Timestamp> MinOfInputs::update(PartitionId p, Timestamp w) {
  Slot& s = slots_[p];
  if (w <= s.watermark) return std::nullopt;  // fast path: W_p did not rise
  const bool was_min = s.active && heap_.top().partition == p;
  s.watermark = w;
  max_ = std::max(max_, w);
  // A rising watermark moves away from the top: "decrease" in the heap's (min-first) order.
  // Partitions other than the minimum usually sit at the bottom already, so this is cheap.
  if (s.active) heap_.decrease(s.handle, Entry{w, p});
  // Only a rise of the current minimum (or of the max, when everything is idle) can move C.
  if (!was_min && !heap_.empty()) return std::nullopt;
  const Timestamp before = combined_;
  return recompute() > before ? std::optional(combined_) : std::nullopt;
}

void MinOfInputs::set_idle(PartitionId p) {
  Slot& s = slots_[p];
  if (!s.active) return;
  s.active = false;
  heap_.erase(s.handle);
  recompute();
}

void MinOfInputs::set_active(PartitionId p) {
  Slot& s = slots_[p];
  if (s.active) return;
  s.active = true;
  s.handle = heap_.push(Entry{s.watermark, p});
  recompute();  // cannot lower C: it never decreases
}

// ---- IdlenessTracker ------------------------------------------------------------------------

IdlenessTracker::IdlenessTracker(PartitionId partitions, Duration timeout)
    : timeout_(timeout),
      last_(partitions, Timestamp::min()),
      prev_(partitions, kNone),
      next_(partitions, kNone),
      linked_(partitions, false) {}

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

void EventClock::advance_idleness(PartitionId p, Timestamp proc) {
  if (!idleness_) return;
  if (idleness_->touch(p, proc)) inputs_.set_active(p);
  idleness_->expire(proc, [&](PartitionId q) { inputs_.set_idle(q); });
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

Timestamp EventClock::on_punctuation(PartitionId p, Timestamp w, Timestamp proc) {
  if (mode_ == ClockMode::kStreamTime) return current_;
  advance_idleness(p, proc);
  if (watermark_.kind == WatermarkSpec::Kind::kPunctuated) inputs_.update(p, w);
  current_ = inputs_.combined();
  return current_;
}

}  // namespace tidemark
