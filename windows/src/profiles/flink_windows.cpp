#include "tidemark/windows/profiles/flink_windows.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <optional>

namespace tidemark {

namespace {
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();
}  // namespace

template <class Windows, class Trigger>
int64_t FlinkWindowState<Windows, Trigger>::cleanup_time(int64_t end) const {
  const int64_t max_timestamp = end - 1;
  int64_t cleanup = 0;
  if (__builtin_add_overflow(max_timestamp, lateness_, &cleanup)) {
    return std::numeric_limits<int64_t>::max();
  }
  return cleanup;
}

template <class Windows, class Trigger>
void FlinkWindowState<Windows, Trigger>::emit(FlinkWindow& w, KeyId key, int64_t start,
                                              EmissionKind kind, ResultForwarder& out) {
  if (w.value.empty) return;  // purged contents: `contents == null`, nothing to emit
  out.forward(key, start, w.end, w.value, kind, w.end - 1);
  if constexpr (Trigger::kPurges) w.value = {};
}

template <class Windows, class Trigger>
void FlinkWindowState<Windows, Trigger>::fire_if_due(FlinkWindow& w, KeyId key, int64_t start,
                                                     int64_t watermark, ResultForwarder& out) {
  if (w.end - 1 > watermark) return;
  emit(w, key, start, EmissionKind::kUpdate, out);
}

template <class Windows, class Trigger>
void FlinkWindowState<Windows, Trigger>::advance(int64_t watermark, ResultForwarder& out) {
  // EventTimeTrigger#onEventTime fires at time == maxTimestamp; the emitted record carries
  // maxTimestamp (WindowOperator#emitWindowContents).
  while (!to_fire_.empty()) {
    const auto first = to_fire_.begin();
    const auto [end, key, start] = *first;
    if (end - 1 > watermark) break;
    const auto w = windows_.find({key, start});
    emit(w->second, key, start, EmissionKind::kOnTime, out);
    w->second.fired = true;
    auto timer = to_fire_.extract(first);
    if (is_late(end, watermark)) {
      windows_.erase(w);  // fire and cleanup timers coincide without allowed lateness
    } else {
      to_clear_.insert(std::move(timer));
    }
  }
  while (!to_clear_.empty() && is_late(std::get<0>(*to_clear_.begin()), watermark)) {
    const auto [end, key, start] = *to_clear_.begin();
    windows_.erase({key, start});
    to_clear_.erase(to_clear_.begin());
  }
}

template <class Trigger>
bool FlinkTimeWindows<Trigger>::process(KeyId key, int64_t ts, double value, int64_t watermark,
                                        ResultForwarder& out) {
  // TimeWindow#getWindowStartWithOffset as fixed by FLINK-26334 (floor modulo), then
  // SlidingEventTimeWindows#assignWindows: newest start first, while start > ts - size.
  // In 128 bits: Java's longs would wrap near the int64 limits, into windows that do not hold
  // ts; here the starts stop at the limit and ends saturate there.
  __extension__ typedef __int128 Wide;  // a GNU type, as -Wpedantic reminds
  Wide remainder = (Wide(ts) - offset_) % advance_;
  if (remainder < 0) remainder += advance_;
  const Wide below = std::max(Wide(ts) - size_, Wide(std::numeric_limits<int64_t>::min()) - 1);
  bool accepted = false;
  for (Wide wide_start = Wide(ts) - remainder; wide_start > below; wide_start -= advance_) {
    const int64_t start = int64_t(wide_start);
    const int64_t end = int64_t(std::min(wide_start + size_, Wide(kMaxTime)));
    if (is_late(end, watermark)) continue;  // isWindowLate: skipped without a trace
    const auto [it, created] = windows_.try_emplace({key, start});
    FlinkWindow& w = it->second;
    w.value.add(value, ts);
    accepted = true;
    if (created) {
      w.end = end;
      w.fired = end - 1 <= watermark;
      schedule(w, key, start);
    }
    fire_if_due(w, key, start, watermark, out);
  }
  return accepted;
}

template <class Trigger>
bool FlinkSessionWindows<Trigger>::process(KeyId key, int64_t ts, double value, int64_t watermark,
                                           ResultForwarder& out) {
  // The key's sessions are disjoint and do not touch, so those [ts, ts + gap) intersects
  // (start <= ts + gap and end >= ts, TimeWindow#intersects) are adjacent in start order.
  const int64_t proto_end = ts > kMaxTime - gap_ ? kMaxTime : ts + gap_;  // saturated
  const auto above = windows_.upper_bound({key, proto_end});
  int64_t start = ts, end = proto_end;
  int merged = 0;
  for (auto it = above; it != windows_.begin();) {
    --it;
    if (it->first.first != key || it->second.end < ts) break;
    start = std::min(start, it->first.second);
    end = std::max(end, it->second.end);
    ++merged;
  }
  // A merged session that already holds a session is never late (that session's cleanup time is
  // still ahead), so only an element whose own window is late is dropped, as Flink retires it.
  if (is_late(end, watermark)) return false;
  const bool fired = end - 1 <= watermark;
  if (merged == 1 && std::prev(above)->first.second == start) {
    // The common case, an element that grows one session at its end: only its timer moves.
    FlinkWindow& w = std::prev(above)->second;
    if (w.end != end || w.fired != fired) {
      auto timer = (w.fired ? to_clear_ : to_fire_).extract(Timer{w.end, key, start});
      timer.value() = {end, key, start};
      (fired ? to_clear_ : to_fire_).insert(std::move(timer));
      w.end = end;
      w.fired = fired;
    }
    w.value.add(value, ts);
    fire_if_due(w, key, start, watermark, out);
    return true;
  }
  std::optional<typename FlinkSessionMap::node_type> kept;
  std::optional<typename std::set<Timer>::node_type> kept_timer;
  while (above != windows_.begin()) {
    const auto it = std::prev(above);
    if (it->first.first != key || it->second.end < ts) break;
    const FlinkWindow& merged_away = it->second;
    auto timer = (merged_away.fired ? to_clear_ : to_fire_)
                     .extract(Timer{merged_away.end, key, it->first.second});
    auto node = windows_.extract(it);
    if (kept) {
      kept->mapped().value.merge(node.mapped().value);
    } else {
      kept = std::move(node);
      kept_timer = std::move(timer);
    }
  }
  // No retraction: a session that fired and is merged stands as emitted (F-WO-12).
  FlinkSessionMap::iterator it;
  if (kept) {
    kept->key() = {key, start};
    kept->mapped().end = end;
    kept->mapped().fired = fired;
    kept_timer->value() = {end, key, start};
    (fired ? to_clear_ : to_fire_).insert(std::move(*kept_timer));
    it = windows_.insert(std::move(*kept)).position;
  } else {
    it = windows_.try_emplace({key, start}, FlinkWindow{end, {}, fired}).first;
    schedule(it->second, key, start);
  }
  it->second.value.add(value, ts);
  fire_if_due(it->second, key, start, watermark, out);
  return true;
}

template class FlinkWindowState<FlinkTimeWindowMap, EventTimeTrigger>;
template class FlinkWindowState<FlinkTimeWindowMap, PurgingEventTimeTrigger>;
template class FlinkWindowState<FlinkSessionMap, EventTimeTrigger>;
template class FlinkWindowState<FlinkSessionMap, PurgingEventTimeTrigger>;
template class FlinkTimeWindows<EventTimeTrigger>;
template class FlinkTimeWindows<PurgingEventTimeTrigger>;
template class FlinkSessionWindows<EventTimeTrigger>;
template class FlinkSessionWindows<PurgingEventTimeTrigger>;

}  // namespace tidemark
