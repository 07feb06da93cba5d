#pragma once
// The clock C that closes windows (docs/design.md §4): per-partition watermarks combined as the
// minimum over active partitions (with idleness), or stream time. C never decreases.

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "tidemark/core/event.hpp"
#include "tidemark/core/runtime/clock_observer.hpp"
#include "tidemark/core/runtime/run_config.hpp"
#include "tidemark/core/time/time.hpp"

namespace tidemark {

// Minimum of per-partition watermarks over the active partitions, O(log P) worst case per update.
// Partitions start active at -inf. With every partition idle, the combined value is the max.
//
// A tournament tree of minima in flat arrays, eight children per node so that a node's children
// share one cache line: level 0 holds W_p (+inf while p is idle), each level above the minimum of
// eight entries below, the last level one entry, the minimum. Raising W_p of a partition that is
// not its group's minimum, the common case, touches one cache line; otherwise the change climbs
// only while it moves a minimum.
class MinOfInputs {
 public:
  explicit MinOfInputs(PartitionId partitions);

  // Raises W_p to w (never lowers it); returns the combined value when it rose.
  std::optional<Timestamp> update(PartitionId p, Timestamp w) {
    if (idle_[p]) [[unlikely]]
      return update_idle(p, w);
    Timestamp& slot = levels_[0][p / 8].min[p % 8];
    const Timestamp old = slot;
    if (w <= old) return std::nullopt;  // fast path: W_p did not rise
    slot = w;
    max_ = std::max(max_, w);
    // Below its group's minimum's value, p was not the minimum: no other entry changes.
    if (old > parent(0, p)) return std::nullopt;
    return climb(p);
  }
  void set_idle(PartitionId p);
  void set_active(PartitionId p);
  bool is_idle(PartitionId p) const { return idle_[p]; }
  Timestamp watermark(PartitionId p) const {
    return idle_[p] ? parked_[p] : levels_[0][p / 8].min[p % 8];
  }
  // Never decreases.
  Timestamp combined() const { return combined_; }
  PartitionId size() const { return PartitionId(idle_.size()); }
  // Memory held (capacities), and what an instance for `partitions` holds, known beforehand.
  size_t bytes() const;
  static size_t bytes_for(PartitionId partitions);

 private:
  struct alignas(64) Group {  // eight entries of one level: the children of one node above
    std::array<Timestamp, 8> min;
  };

  // Entry i of level l + 1: the minimum of the group holding entry i of level l.
  Timestamp parent(size_t l, size_t i) const { return levels_[l + 1][i / 64].min[i / 8 % 8]; }
  std::optional<Timestamp> climb(PartitionId p);
  std::optional<Timestamp> update_idle(PartitionId p, Timestamp w);
  bool recompute();  // true when combined_ rose

  std::vector<std::vector<Group>> levels_;  // level 0 by partition; the last holds the minimum
  std::vector<Timestamp> parked_;           // W_p while p is idle (level 0 holds +inf then)
  std::vector<uint8_t> idle_;
  PartitionId active_ = 0;
  Timestamp max_ = Timestamp::min();  // max W_p over all partitions (used when all are idle)
  Timestamp combined_ = Timestamp::min();
};

// Tracks which partitions have been silent for longer than the idle timeout, in O(1) amortized
// per event: partitions are kept in order of last activity (an intrusive list).
class IdlenessTracker {
 public:
  IdlenessTracker(PartitionId partitions, Duration timeout);
  // Records activity of p at processing time `now`; returns true if p was idle before.
  bool touch(PartitionId p, Timestamp now);
  // Calls on_idle(p) for each partition silent for more than the timeout at `now`.
  template <class F>
  void expire(Timestamp now, F&& on_idle);
  // Memory held (capacities), and what an instance for `partitions` holds, known beforehand.
  size_t bytes() const;
  static size_t bytes_for(PartitionId partitions);

 private:
  static constexpr PartitionId kNone = ~PartitionId{0};
  void unlink(PartitionId p);
  void push_back(PartitionId p);

  Duration timeout_;
  std::vector<Timestamp> last_;
  std::vector<PartitionId> prev_, next_;
  std::vector<bool> linked_;  // false: idle (not in the list)
  PartitionId head_ = kNone, tail_ = kNone;
  bool started_ = false;
};

// The run's clock: watermark generators per partition feeding MinOfInputs (with idleness), or
// stream time.
class EventClock {
 public:
  EventClock(const RunConfig& config, PartitionId partitions);

  // A data record of partition p with extracted time t arrived at processing time `proc`.
  // Inline fast path for the common case (bounded watermark, no idleness): one comparison when
  // the partition's max does not rise, and no heap at all for a single partition.
  [[gnu::always_inline]] Timestamp on_event(PartitionId p, Timestamp t, Timestamp proc) {
    if (!plain_bounded_) return on_event_general(p, t, proc);
    if (t > max_seen_[p]) {
      max_seen_[p] = t;
      const Timestamp w = t - watermark_.delay;
      if (single_partition_) {
        current_ = std::max(current_, w);
      } else {
        inputs_.update(p, w);
        current_ = inputs_.combined();
      }
    }
    return current_;
  }
  // A punctuation (kind W) of partition p carrying watermark w.
  Timestamp on_punctuation(PartitionId p, Timestamp w, Timestamp proc);
  // An idle mark (kind I): partition p leaves the minimum until its next record, as an idle
  // timeout would make it. Nothing under stream time.
  Timestamp on_idle_mark(PartitionId p, Timestamp proc);
  Timestamp current() const { return current_; }
  // Told when a partition turns idle or active (--idle-timeout); null: nobody.
  void set_status_listener(PartitionStatusListener* listener) { status_ = listener; }
  // Memory held, and what a clock for `config` and `partitions` holds, known before it is
  // allocated: --max-state counts it, at 8 to 42 bytes a partition (16M partitions: ~0.4 GB).
  size_t bytes() const;
  static size_t bytes_for(const RunConfig& config, PartitionId partitions);

 private:
  void advance_idleness(PartitionId p, Timestamp proc);
  // p turned idle or active at `proc`. Out of line: advance_idleness() runs for every event and
  // stays as small as it was without a listener.
  [[gnu::noinline]] void set_status(PartitionId p, bool idle, Timestamp proc);
  Timestamp on_event_general(PartitionId p, Timestamp t, Timestamp proc);

  ClockMode mode_;
  WatermarkSpec watermark_;
  MinOfInputs inputs_;
  std::vector<Timestamp> max_seen_;  // per partition, for bounded watermarks
  std::optional<IdlenessTracker> idleness_;
  Timestamp current_ = Timestamp::min();
  bool plain_bounded_ = false;     // watermark clock, bounded generator, no idleness
  bool single_partition_ = false;  // then C = W_0: the minimum over one input
  bool idle_marks_ = false;        // an I row was seen: records check their partition's mark
  PartitionStatusListener* status_ = nullptr;
};

template <class F>
void IdlenessTracker::expire(Timestamp now, F&& on_idle) {
  while (head_ != kNone && (now - last_[head_]) > timeout_) {
    const PartitionId p = head_;
    unlink(p);
    on_idle(p);
  }
}

}  // namespace tidemark
