#include "tidemark/windows/session_operator.hpp"

#include <algorithm>

namespace tidemark {

SessionOperator::Session* SessionOperator::owner(KeyId key, const Timer& t, bool fired) {
  if (key >= keys_.size()) return nullptr;
  Sessions& list = keys_[key];
  const auto it = std::lower_bound(list.begin(), list.end(), t.start,
                                   [](const Session& s, Timestamp x) { return s.window.start < x; });
  if (it == list.end() || it->window.start != t.start || it->fired != fired ||
      it->armed_end != t.end) {
    return nullptr;  // merged away or already handled since the timer was set
  }
  return &*it;
}

void SessionOperator::arm(KeyId key, Session& s) {
  s.armed_end = s.window.end;
  if (s.fired) {
    purges_.push({policy_.close_time(completion(s.window).end), s.window.end, key, s.window.start});
  } else {
    fires_.push({policy_.fire_time(completion(s.window).end), s.window.end, key, s.window.start});
  }
}

void SessionOperator::erase(KeyId key, const Session* s) {
  Sessions& list = keys_[key];
  list.erase(list.begin() + (s - list.data()));
  --open_;
}

// Timers pop in (due, end, key, start) order and a session's pending timer is never later than
// its true one, so re-arming an early timer keeps the firing order of DESIGN §5.
void SessionOperator::fire(Timestamp clock, Emitter& em) {
  while (fires_.due(clock)) {
    const Timer t = fires_.pop();
    Session* s = owner(t.key, t, /*fired=*/false);
    if (s == nullptr) continue;
    if (s->window.end != t.end) {  // grew since armed
      arm(t.key, *s);
      continue;
    }
    em.emit(t.key, s->window, lower(s->agg), EmissionKind::kOnTime);
    if (policy_.close_time(completion(s->window).end) <= clock) {
      erase(t.key, s);
    } else {
      s->fired = true;
      arm(t.key, *s);
    }
  }
  while (purges_.due(clock)) {
    const Timer t = purges_.pop();
    Session* s = owner(t.key, t, /*fired=*/true);
    if (s == nullptr) continue;
    if (s->window.end != t.end) {
      arm(t.key, *s);
    } else {
      erase(t.key, s);
    }
  }
}

// The event joins the single session `s` it overlaps or touches, with s.start <= t: `merged` has
// s's start, so s is updated in place and keeps its timer when the timer's kind is unchanged.
bool SessionOperator::extend(KeyId key, Session& s, Window merged, double v, Timestamp clock,
                             Emitter& em) {
  const Decision d = decide(completion(merged), clock, policy_);
  if (d == Decision::kReject) return false;
  if (s.window == merged) {  // inside the session: no supersession
    s.agg = combine(s.agg, lift(v));
    if (d == Decision::kAcceptAndUpdate) {
      em.emit(key, merged, lower(s.agg), EmissionKind::kUpdate);
    }
    return true;
  }
  if (s.fired) em.emit(key, s.window, lower(s.agg), EmissionKind::kRetract);
  s.agg = combine(lift(v), s.agg);
  s.window = merged;
  const bool late = d == Decision::kAcceptAndUpdate;
  if (late) em.emit(key, merged, lower(s.agg), EmissionKind::kUpdate);
  if (s.fired != late) {  // the pending timer is of the other queue
    s.fired = late;
    arm(key, s);
  }
  return true;
}

bool SessionOperator::add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
  Sessions& list = sessions_of(key);
  const Window proto{t, t + gap_};
  // Common case: the event extends (or falls in) the key's newest session. Older sessions end
  // before its start, so they cannot overlap or touch the proto-window.
  if (!list.empty()) {
    Session& newest = list.back();
    if (newest.window.start <= t && t <= newest.window.end) {
      return extend(key, newest, {newest.window.start, std::max(newest.window.end, proto.end)}, v,
                    clock, em);
    }
  }
  // Sessions that overlap or touch the proto-window form one contiguous run of the sorted list.
  auto first = std::lower_bound(list.begin(), list.end(), proto.start,
                                [](const Session& s, Timestamp x) { return s.window.end < x; });
  auto last = std::find_if(first, list.end(),
                           [&](const Session& s) { return s.window.start > proto.end; });
  Window merged = proto;
  for (auto it = first; it != last; ++it) {
    merged.start = std::min(merged.start, it->window.start);
    merged.end = std::max(merged.end, it->window.end);
  }
  if (last - first == 1 && first->window.start <= t) {
    return extend(key, *first, merged, v, clock, em);
  }
  const Decision d = decide(completion(merged), clock, policy_);
  if (d == Decision::kReject) return false;

  Aggregate agg = lift(v);
  for (auto it = first; it != last; ++it) {
    if (it->fired) em.emit(key, it->window, lower(it->agg), EmissionKind::kRetract);
    agg = combine(agg, it->agg);
  }
  open_ -= size_t(last - first);
  const size_t capacity = list.capacity();
  const auto pos = list.erase(first, last);
  const bool late = d == Decision::kAcceptAndUpdate;
  Session& s = *list.insert(pos, Session{merged, agg, merged.end, late});
  capacity_ += list.capacity() - capacity;
  ++open_;
  if (late) em.emit(key, merged, lower(agg), EmissionKind::kUpdate);
  arm(key, s);
  return true;
}

size_t SessionOperator::state_bytes() const {
  return keys_.capacity() * sizeof(Sessions) + capacity_ * sizeof(Session) +
         (fires_.size() + purges_.size()) * sizeof(Timer);
}

}  // namespace tidemark
