#pragma once
// A brute-force model of what a Flink DataStream job emits for a trace (the `flink` profile),
// written from Flink's sources as cited per rule (notes: F1-F5), not from tidemark's operators.
// `keyBy(key).window(assigner)` with EventTimeTrigger (or PurgingTrigger.of it),
// allowedLateness(G), a late-data side output, and per partition either
// forBoundedOutOfOrderness(D) or punctuated watermarks (`kind=W` rows). The bounded watermark is
// emitted every `interval` of processing time, as docs/profiles.md defines processing time and
// the ticks for a trace (receive_time, else the largest event time so far; ticks at first row +
// k x interval, due ticks before the row), or after every record for interval 0 (tidemark's).
// Not modelled: idleness (withIdleness), W rows mixed with a bounded watermark and interval > 0,
// timestamps near Long.MIN/MAX_VALUE (no saturation).
// F/ = apache/flink:flink-streaming-java/src/main/java/org/apache/flink/streaming/

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "reference.hpp"

namespace tidemark::ref::flink {

inline constexpr int64_t kMinWatermark = std::numeric_limits<int64_t>::min();  // Long.MIN_VALUE
inline constexpr int64_t kMaxWatermark = std::numeric_limits<int64_t>::max();  // MAX_WATERMARK

enum class Assigner { kTumbling, kSliding, kSession };  // Flink's names: sliding = hopping

struct Config {
  Assigner assigner = Assigner::kTumbling;
  int64_t size = 1;    // tumbling/sliding size, session gap
  int64_t slide = 1;   // sliding only
  int64_t offset = 0;  // tumbling/sliding
  int64_t lateness = 0;
  bool punctuated = false;  // else bounded(D), emitted after every record
  int64_t delay = 0;        // D
  int64_t interval = 0;     // pipeline.auto-watermark-interval; 0: after every record
  bool purging = false;
  bool end_of_input = true;  // MAX_WATERMARK at the end
  uint32_t partitions = 1;
};

// One trace record in arrival order; `watermark` for a `kind=W` row (t is its value).
struct Rec {
  uint64_t row = 0;
  uint32_t partition = 0, key = 0;
  int64_t t = 0;
  double value = 0;
  bool watermark = false;
  std::optional<int64_t> receive;  // receive_time, when the trace has it
};

// One emitted window: record timestamp end - 1 (F/runtime/operators/windowing/
// WindowOperator.java#emitWindowContents); `immediate` for a FIRE from onElement (a late element
// within allowed lateness), else a timer firing; `clock` is the operator's current watermark.
struct Row {
  uint32_t key = 0;
  int64_t start = 0, end = 0;
  std::vector<double> values;
  bool immediate = false;
  int64_t clock = 0;
};
struct Late {
  uint64_t row = 0;
  int64_t clock = 0;
};
struct Output {
  std::vector<Row> rows;
  std::vector<Late> late;
};

struct Win {
  int64_t start = 0, end = 0;
  int64_t max_timestamp() const { return end - 1; }  // TimeWindow#maxTimestamp
  friend auto operator<=>(const Win&, const Win&) = default;
};

// TimeWindow#getWindowStartWithOffset as fixed by FLINK-26334: floor-mod.
inline int64_t window_start(int64_t ts, int64_t offset, int64_t size) {
  return ts - floor_mod(ts - offset, size);
}

// TumblingEventTimeWindows#assignWindows, SlidingEventTimeWindows#assignWindows (newest start
// first), EventTimeSessionWindows#assignWindows ([ts, ts + gap)).
inline std::vector<Win> assign(const Config& c, int64_t ts) {
  std::vector<Win> out;
  if (c.assigner == Assigner::kTumbling) {
    const int64_t s = window_start(ts, c.offset, c.size);
    out.push_back({s, s + c.size});
  } else if (c.assigner == Assigner::kSliding) {
    for (int64_t s = window_start(ts, c.offset, c.slide); s > ts - c.size; s -= c.slide)
      out.push_back({s, s + c.size});
  } else {
    out.push_back({ts, ts + c.size});
  }
  return out;
}

class Model {
 public:
  explicit Model(const Config& c)
      : c_(c),
        max_ts_(c.partitions, kMinWatermark),
        emitted_(c.partitions, kMinWatermark),
        channel_(c.partitions, kMinWatermark) {}

  Output run(const std::vector<Rec>& recs) {
    const bool periodic = !c_.punctuated && c_.interval > 0;
    int64_t now = kMinWatermark;  // processing time
    std::optional<int64_t> next_tick;
    for (const Rec& r : recs) {
      now = std::max(now, r.receive.value_or(r.t));
      // TimestampsAndWatermarksOperator#open registers the first timer at open + interval;
      // #onProcessingTime emits and re-registers. Ticks with no record between them emit the
      // same watermarks, which the emitter drops, so one emit stands for all that are due.
      if (periodic && !next_tick) next_tick = now + c_.interval;
      if (periodic && *next_tick <= now) {
        periodic_emit();
        *next_tick += ((now - *next_tick) / c_.interval + 1) * c_.interval;
      }
      if (r.watermark) {
        // A punctuated source's watermark goes to the valve as it is; under bounded,
        // TimestampsAndWatermarksOperator#processWatermark ignores upstream watermarks.
        if (c_.punctuated) valve_input(r.partition, r.t);
        continue;
      }
      // TimestampsAndWatermarksOperator#processElement: the element goes on first ...
      process_element(r);
      if (c_.punctuated) continue;
      // ... then the generator sees it (BoundedOutOfOrdernessWatermarks#onEvent).
      max_ts_[r.partition] = std::max(max_ts_[r.partition], r.t);
      if (!periodic) periodic_emit();  // interval 0: an emit after every record
    }
    if (c_.end_of_input) {
      advance(kMaxWatermark);  // StreamTask#endData: MAX_WATERMARK first
    } else if (!c_.punctuated) {
      periodic_emit();  // TimestampsAndWatermarksOperator#close: one last onPeriodicEmit
    }
    return std::move(out_);
  }

 private:
  struct Timer {
    int64_t time;
    uint32_t key;
    Win w;
    // Equal timestamps: Flink leaves them to its heap; tidemark documents (end, key, start).
    friend bool operator<(const Timer& a, const Timer& b) {
      return std::tuple(a.time, a.w.end, a.key, a.w.start) <
             std::tuple(b.time, b.w.end, b.key, b.w.start);
    }
  };

  // Every partition's BoundedOutOfOrdernessWatermarks#onPeriodicEmit (max - D - 1; Long.MIN_VALUE
  // before its first event), in partition order; WatermarkEmitter#emitWatermark passes only a
  // rising watermark.
  void periodic_emit() {
    for (uint32_t p = 0; p < c_.partitions; ++p) {
      if (max_ts_[p] == kMinWatermark) continue;
      const int64_t w = max_ts_[p] - c_.delay - 1;
      if (w > emitted_[p]) {
        emitted_[p] = w;
        valve_input(p, w);
      }
    }
  }

  // F/runtime/watermarkstatus/StatusWatermarkValve.java#inputWatermark: per channel strictly
  // increasing; output = min over channels (all aligned: no idleness), emitted only when it
  // rises (#findAndOutputNewMinWatermarkAcrossAlignedChannels).
  void valve_input(uint32_t p, int64_t w) {
    if (w <= channel_[p]) return;
    channel_[p] = w;
    const int64_t m = *std::min_element(channel_.begin(), channel_.end());
    if (m > last_output_) {
      last_output_ = m;
      advance(m);
    }
  }

  // WindowOperator#cleanupTime (no saturation needed here), #isWindowLate, #isElementLate.
  int64_t cleanup_time(const Win& w) const { return w.max_timestamp() + c_.lateness; }
  bool window_late(const Win& w) const { return cleanup_time(w) <= wm_; }

  // InternalTimerService#advanceWatermark: every timer <= W, in timestamp order.
  void advance(int64_t w) {
    wm_ = w;
    while (!timers_.empty() && timers_.begin()->time <= wm_) {
      const Timer t = *timers_.begin();
      timers_.erase(timers_.begin());
      on_event_time(t);
    }
  }

  // WindowOperator#onEventTime with EventTimeTrigger#onEventTime (FIRE iff time == maxTimestamp)
  // and, for a merging assigner, nothing for a window no longer in the MergingWindowSet.
  void on_event_time(const Timer& t) {
    auto it = state_.find({t.key, t.w});
    if (it == state_.end()) return;
    if (t.time == t.w.max_timestamp()) fire(t.key, t.w, it->second, false);
    if (t.time == cleanup_time(t.w)) clear_all_state(t.key, t.w);
  }

  // Emit the contents if there are any (a cleared state is null); PurgingTrigger turns the FIRE
  // into FIRE_AND_PURGE (F/api/windowing/triggers/PurgingTrigger.java).
  void fire(uint32_t key, const Win& w, std::vector<double>& contents, bool immediate) {
    if (!contents.empty()) out_.rows.push_back({key, w.start, w.end, contents, immediate, wm_});
    if (c_.purging) contents.clear();
  }

  // WindowOperator#clearAllState: contents, the trigger's timer, and the window itself
  // (MergingWindowSet#retireWindow for sessions; a time window's state is simply gone).
  void clear_all_state(uint32_t key, const Win& w) {
    state_.erase({key, w});
    timers_.erase({w.max_timestamp(), key, w});
  }

  // EventTimeTrigger#onElement: FIRE at once if maxTimestamp <= W, else a timer at maxTimestamp;
  // then WindowOperator#registerCleanupTimer.
  void add_to_window(uint32_t key, const Win& w, double value) {
    std::vector<double>& contents = state_[{key, w}];
    contents.push_back(value);
    if (w.max_timestamp() <= wm_) {
      fire(key, w, contents, true);
    } else {
      timers_.insert({w.max_timestamp(), key, w});
    }
    timers_.insert({cleanup_time(w), key, w});
  }

  // MergingWindowSet#addWindow with TimeWindow#mergeWindows (windows that overlap or touch,
  // TimeWindow#intersects) and WindowOperator's merge callback: EventTimeTrigger#onMerge
  // registers the merged window's timer if maxTimestamp > W; each merged-away window loses its
  // trigger timer and cleanup timer; the contents are merged. A window inside one existing
  // window merges nothing (no callback). Returns the window the element goes to.
  Win add_session_window(uint32_t key, const Win& fresh) {
    Win merged = fresh;
    std::vector<Win> absorbed;
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [id, contents] : state_) {
        const Win& w = id.second;
        if (id.first != key || std::find(absorbed.begin(), absorbed.end(), w) != absorbed.end())
          continue;
        if (w.start <= merged.end && w.end >= merged.start) {
          absorbed.push_back(w);
          merged = {std::min(merged.start, w.start), std::max(merged.end, w.end)};
          grew = true;
        }
      }
    }
    if (absorbed.empty()) {
      state_[{key, fresh}];  // in flight, no contents yet
      return fresh;
    }
    if (absorbed.size() == 1 && absorbed[0] == merged) return merged;
    if (merged.max_timestamp() > wm_) timers_.insert({merged.max_timestamp(), key, merged});
    std::vector<double> contents;
    for (const Win& w : absorbed) {
      std::vector<double>& old = state_[{key, w}];
      contents.insert(contents.end(), old.begin(), old.end());
      state_.erase({key, w});
      timers_.erase({w.max_timestamp(), key, w});
      timers_.erase({cleanup_time(w), key, w});
    }
    state_[{key, merged}] = std::move(contents);
    return merged;
  }

  // WindowOperator#processElement: a late window is skipped (sessions: the merged window is
  // judged and retired); the element goes to the late side output only if no window took it
  // and ts + G <= W.
  void process_element(const Rec& r) {
    bool skipped = true;
    for (const Win& assigned : assign(c_, r.t)) {
      Win w = assigned;
      if (c_.assigner == Assigner::kSession) {
        w = add_session_window(r.key, assigned);
        if (window_late(w)) {
          state_.erase({r.key, w});
          continue;
        }
      } else if (window_late(w)) {
        continue;
      }
      skipped = false;
      add_to_window(r.key, w, r.value);
    }
    if (skipped && r.t + c_.lateness <= wm_) out_.late.push_back({r.row, wm_});
  }

  Config c_;
  std::vector<int64_t> max_ts_, emitted_;  // per partition: generator, emitter
  std::vector<int64_t> channel_;
  int64_t last_output_ = kMinWatermark;
  int64_t wm_ = kMinWatermark;  // the window operator's current watermark
  std::map<std::pair<uint32_t, Win>, std::vector<double>> state_;  // in-flight windows
  std::set<Timer> timers_;
  Output out_;
};

inline Output run(const std::vector<Rec>& recs, const Config& c) {
  return Model(c).run(recs);
}

}  // namespace tidemark::ref::flink
