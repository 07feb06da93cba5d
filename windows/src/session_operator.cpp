#include "tidemark/windows/session_operator.hpp"

#include <algorithm>

namespace tidemark {

SessionOperator::Session* SessionOperator::owner(KeyId key, const Timer& t, bool fired) {
  if (key >= keys_.size()) return nullptr;
  Session* s = &keys_[key].newest;
  if (s->agg.count == 0) return nullptr;
  if (s->window.start != t.start) {
    if (t.start > s->window.start || !has_older(key)) return nullptr;
    Sessions& list = older_[key];
    const auto it =
        std::lower_bound(list.begin(), list.end(), t.start,
                         [](const Session& x, Timestamp start) { return x.window.start < start; });
    if (it == list.end() || it->window.start != t.start) return nullptr;
    s = &*it;
  }
  if (s->fired != fired || s->armed_end != t.end) {
    return nullptr;  // merged away or already handled since the timer was set
  }
  return s;
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
  Session& newest = keys_[key].newest;
  if (s == &newest) {
    if (has_older(key)) {
      newest = older_[key].back();
      older_[key].pop_back();
    } else {
      newest = Session{};
    }
  } else {
    Sessions& list = older_[key];
    list.erase(list.begin() + (s - list.data()));
  }
  --open_;
}

// Timers pop in (due, end, key, start) order and a session's pending timer is never later than
// its true one, so re-arming an early timer keeps the firing order of DESIGN §5.
void SessionOperator::fire(Timestamp clock, Emitter& em) {
  ++revision_;
  const auto prefetch = [this](const Timer& t) {
    if (t.key < keys_.size()) __builtin_prefetch(&keys_[t.key]);
  };
  fires_.pop_due(
      clock,
      [&](const Timer& t) {
        Session* s = owner(t.key, t, /*fired=*/false);
        if (s == nullptr) return;
        if (s->window.end != t.end) {  // grew since armed
          arm(t.key, *s);
          return;
        }
        em.emit(t.key, s->window, lower(s->agg), EmissionKind::kOnTime);
        if (policy_.close_time(completion(s->window).end) <= clock) {
          erase(t.key, s);
        } else {
          s->fired = true;
          arm(t.key, *s);
        }
      },
      prefetch);
  purges_.pop_due(
      clock,
      [&](const Timer& t) {
        Session* s = owner(t.key, t, /*fired=*/true);
        if (s == nullptr) return;
        if (s->window.end != t.end) {
          arm(t.key, *s);
        } else {
          erase(t.key, s);
        }
      },
      prefetch);
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

bool SessionOperator::add_slow(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
  Session& newest = slot_of(key).newest;
  const Window proto{t, t + gap_};
  if (newest.agg.count == 0 || t > newest.window.end) {
    // A new newest session: it touches no session (older ones end before the newest starts).
    const Decision d = decide(completion(proto), clock, policy_);
    if (d == Decision::kReject) return false;
    if (newest.agg.count != 0) {
      Sessions& list = older_of(key);
      const size_t capacity = list.capacity();
      list.push_back(newest);
      capacity_ += list.capacity() - capacity;
    }
    const bool late = d == Decision::kAcceptAndUpdate;
    newest = Session{proto, lift(v), proto.end, late};
    ++open_;
    if (late) em.emit(key, proto, lower(newest.agg), EmissionKind::kUpdate);
    arm(key, newest);
    return true;
  }
  if (newest.window.start <= t) {  // in or extending the newest session
    return extend(key, newest, {newest.window.start, std::max(newest.window.end, proto.end)}, v,
                  clock, em);
  }
  // Rare: the event reaches back before the newest session. Work on the whole sorted list, then
  // put its last session back inline.
  Sessions& list = older_of(key);
  const size_t capacity = list.capacity();
  list.push_back(newest);
  const bool accepted = add_to_list(list, key, t, v, clock, em);
  newest = list.back();
  list.pop_back();
  capacity_ += list.capacity() - capacity;
  return accepted;
}

bool SessionOperator::add_to_list(Sessions& list, KeyId key, Timestamp t, double v, Timestamp clock,
                                  Emitter& em) {
  const Window proto{t, t + gap_};
  // Sessions that overlap or touch the proto-window form one contiguous run of the sorted list.
  auto first = std::lower_bound(list.begin(), list.end(), proto.start,
                                [](const Session& s, Timestamp x) { return s.window.end < x; });
  auto last =
      std::find_if(first, list.end(), [&](const Session& s) { return s.window.start > proto.end; });
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
  const auto pos = list.erase(first, last);
  const bool late = d == Decision::kAcceptAndUpdate;
  Session& s = *list.insert(pos, Session{merged, agg, merged.end, late});
  ++open_;
  if (late) em.emit(key, merged, lower(agg), EmissionKind::kUpdate);
  arm(key, s);
  return true;
}

}  // namespace tidemark
