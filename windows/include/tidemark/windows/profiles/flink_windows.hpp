#pragma once
// Flink's WindowOperator with the EventTimeTrigger, over time windows (TumblingEventTimeWindows,
// SlidingEventTimeWindows = tidemark hopping) and EventTimeSessionWindows (apache/flink
// flink-streaming-java/src/main/java/org/apache/flink/streaming/runtime/operators/windowing/
// WindowOperator.java @4fe49272c402e7ec11667ba854eaacdd020ccfdd, api/windowing/triggers/
// EventTimeTrigger.java @0f89d9b901f63c9e61e838f0824974cbf0df18e5).
//
// A window [s, e) has maxTimestamp e - 1 and cleanup time e - 1 + G. It is late once its cleanup
// time <= W; it fires when W >= e - 1; an element added once W >= e - 1 fires it again at once
// with its full contents (an `update`); it is cleared without an emission at W >= e - 1 + G.
// Timers with equal timestamps fire in (window end, key id, window start) order, which Flink
// leaves to its timer heap.

#include <cstdint>
#include <map>
#include <set>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "tidemark/windows/profiles/profile_window_state.hpp"

namespace tidemark {

struct FlinkWindow {
  int64_t end = 0;
  ProfileWindowValue<StatsAggregator> value;  // flink runs emit statistics only
  bool fired = false;
};
using FlinkWindowId = std::pair<KeyId, int64_t>;  // (key, start)

struct FlinkWindowIdHash {
  size_t operator()(const FlinkWindowId& id) const noexcept {
    return size_t((uint64_t(id.second) * 0x9E3779B97F4A7C15ull) ^ id.first);
  }
};
// Time windows are only looked up by (key, start); sessions need the key's windows in order.
using FlinkTimeWindowMap = std::unordered_map<FlinkWindowId, FlinkWindow, FlinkWindowIdHash>;
using FlinkSessionMap = std::map<FlinkWindowId, FlinkWindow>;

// The window's trigger: what a firing does to the window's contents.
// EventTimeTrigger FIREs: the contents stay, and a later firing emits them all again.
struct EventTimeTrigger {
  static constexpr bool kPurges = false;
};
// PurgingTrigger.of(EventTimeTrigger) (F/api/windowing/triggers/PurgingTrigger.java
// @647cbfd48b7cbeaae5119a006cd4a23ddf6eb954) turns each FIRE into FIRE_AND_PURGE: the contents
// are cleared after each firing, so a firing emits what arrived since the previous one, and a
// timer that finds no contents emits nothing.
struct PurgingEventTimeTrigger {
  static constexpr bool kPurges = true;
};

// The window state and the event-time timers both operators share.
template <class Windows, class Trigger>
class FlinkWindowState {
 public:
  explicit FlinkWindowState(int64_t allowed_lateness) : lateness_(allowed_lateness) {}

  // InternalTimerService.advanceWatermark: fires every window whose maxTimestamp <= W and clears
  // every window whose cleanup time <= W.
  void advance(int64_t watermark, ResultForwarder& out);
  uint64_t open_windows() const { return windows_.size(); }
  uint64_t state_bytes() const {
    constexpr size_t node = std::is_same_v<Windows, FlinkTimeWindowMap>
                                ? kHashNodeBytes<typename Windows::value_type>
                                : kTreeNodeBytes<typename Windows::value_type>;
    return windows_.size() * node + (to_fire_.size() + to_clear_.size()) * kTreeNodeBytes<Timer>;
  }

 protected:
  using Timer = std::tuple<int64_t, KeyId, int64_t>;  // (end, key, start)

  // WindowOperator#cleanupTime, saturating as Flink does.
  int64_t cleanup_time(int64_t end) const;
  bool is_late(int64_t end, int64_t watermark) const { return cleanup_time(end) <= watermark; }
  // Records the window's timer: to fire, or (fired) to be cleared.
  void schedule(const FlinkWindow& w, KeyId key, int64_t start) {
    (w.fired ? to_clear_ : to_fire_).insert({w.end, key, start});
  }
  // The trigger's onElement after the element was added: FIRE at once when maxTimestamp <= W.
  void fire_if_due(FlinkWindow& w, KeyId key, int64_t start, int64_t watermark,
                   ResultForwarder& out);

  // Emits the window's contents (WindowOperator#emitWindowContents, record timestamp
  // maxTimestamp), and clears them if the trigger purges.
  void emit(FlinkWindow& w, KeyId key, int64_t start, EmissionKind kind, ResultForwarder& out);

  int64_t lateness_;
  Windows windows_;
  std::set<Timer> to_fire_, to_clear_;
};

template <class Trigger>
class FlinkTimeWindows : public FlinkWindowState<FlinkTimeWindowMap, Trigger> {
  using Base = FlinkWindowState<FlinkTimeWindowMap, Trigger>;
  using Base::fire_if_due, Base::is_late, Base::schedule, Base::windows_;

 public:
  // Tumbling: advance = size.
  FlinkTimeWindows(int64_t size, int64_t advance, int64_t offset, int64_t allowed_lateness)
      : Base(allowed_lateness), size_(size), advance_(advance), offset_(offset) {}
  // WindowOperator#processElement at watermark W. Returns whether a window took the element.
  bool process(KeyId key, int64_t ts, double value, int64_t watermark, ResultForwarder& out);

 private:
  int64_t size_, advance_, offset_;
};

template <class Trigger>
class FlinkSessionWindows : public FlinkWindowState<FlinkSessionMap, Trigger> {
  using Base = FlinkWindowState<FlinkSessionMap, Trigger>;
  using Base::fire_if_due, Base::is_late, Base::schedule, Base::to_clear_, Base::to_fire_,
      Base::windows_;
  using typename Base::Timer;

 public:
  FlinkSessionWindows(int64_t gap, int64_t allowed_lateness) : Base(allowed_lateness), gap_(gap) {}
  // WindowOperator#processElement for a merging assigner: [ts, ts + gap) merged with the key's
  // sessions it overlaps or touches (MergingWindowSet#addWindow); a late merged session is
  // dropped, otherwise the element is added. Returns whether a session took it.
  bool process(KeyId key, int64_t ts, double value, int64_t watermark, ResultForwarder& out);

 private:
  int64_t gap_;
};

}  // namespace tidemark
