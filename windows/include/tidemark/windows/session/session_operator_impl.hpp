#pragma once
// SessionOperator's members defined out of line (included by session_operator.hpp).

#include <algorithm>

#include "tidemark/windows/session/session_operator.hpp"

namespace tidemark {

template <Aggregator A>
requires(A::kCommutative)
    typename SessionOperator<A>::Session* SessionOperator<A>::older_owner(KeyId key,
                                                                          const SessionTimer& t,
                                                                          bool fired) {
  // Older sessions end before the newest starts; the one armed for t.end is the first that ends
  // at or after it.
  if (t.end >= keys_[key].newest.window.start || !has_older(key)) return nullptr;
  auto& list = older_[key];
  const auto it =
      std::lower_bound(list.begin(), list.end(), t.end,
                       [](const Session& x, Timestamp end) { return x.window.end < end; });
  if (it == list.end() || it->armed_end != t.end || it->fired != fired) return nullptr;
  return &*it;
}

template <Aggregator A>
requires(A::kCommutative) void SessionOperator<A>::arm(KeyId key, Session& s) {
  s.armed_end = s.window.end;
  if (s.fired) {
    purges_.push({policy_.close_time(completion(s.window).end), s.window.end, key});
  } else {
    fires_.push({policy_.fire_time(completion(s.window).end), s.window.end, key});
  }
}

template <Aggregator A>
requires(A::kCommutative) void SessionOperator<A>::erase(KeyId key, const Session* s) {
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

// Timers pop in (due, end, key) order and a session's pending timer is never later than its true
// one, so re-arming an early timer keeps the firing order of docs/design.md §5 (no two sessions of
// a key share an end, so the start never decides). A stale timer that finds a session armed for its
// end stands at that session's own timer's place in the order, and whichever comes first
// handles it: the other then finds the session changed.
template <Aggregator A>
requires(A::kCommutative) template <class Out>
void SessionOperator<A>::fire(Timestamp clock, Out& em) {
  ++revision_;
  const auto prefetch = [this](const SessionTimer& t) {
    if (t.key < keys_.size()) __builtin_prefetch(&keys_[t.key]);
  };
  // Re-arming a timer that popped early emits nothing, so it needs no order.
  const auto rearm_if_grown = [this](KeyId key, Session& s, const SessionTimer& t) {
    if (s.window.end == t.end) return false;
    arm(key, s);
    return true;
  };
  fires_.pop_due(
      clock, prefetch,
      [&](const SessionTimer& t) {
        Session* s = owner(t.key, t, /*fired=*/false);
        return s != nullptr && !rearm_if_grown(t.key, *s, t);
      },
      [&](const SessionTimer& t) {
        Session* s = owner(t.key, t, /*fired=*/false);  // again: an earlier one may have fired it
        if (s == nullptr || rearm_if_grown(t.key, *s, t)) return;
        em.emit(t.key, s->window, A::lower(s->agg), EmissionKind::kOnTime);
        if (policy_.close_time(completion(s->window).end) <= clock) {
          erase(t.key, s);
        } else {
          s->fired = true;
          arm(t.key, *s);
        }
      });
  // Purges emit nothing either: all of it is settled out of order.
  purges_.pop_due(
      clock, prefetch,
      [&](const SessionTimer& t) {
        Session* s = owner(t.key, t, /*fired=*/true);
        if (s != nullptr && !rearm_if_grown(t.key, *s, t)) erase(t.key, s);
        return false;
      },
      [](const SessionTimer&) {});
}

// The event joins the single session `s` it overlaps or touches, with s.start <= t: `merged` has
// s's start, so s is updated in place and keeps its timer when the timer's kind is unchanged.
template <Aggregator A>
requires(A::kCommutative) template <class Out>
bool SessionOperator<A>::extend(KeyId key, Session& s, Window merged, double v, Timestamp clock,
                                Out& em) {
  const Decision d = decide(completion(merged), clock, policy_);
  if (d == Decision::kReject) return false;
  if (s.window == merged) {  // inside the session: no supersession
    s.agg = A::combine(s.agg, A::lift(v));
    if (d == Decision::kAcceptAndUpdate) {
      em.emit(key, merged, A::lower(s.agg), EmissionKind::kUpdate);
    }
    return true;
  }
  if (s.fired) em.emit(key, s.window, A::lower(s.agg), EmissionKind::kRetract);
  s.agg = A::combine(A::lift(v), s.agg);
  s.window = merged;
  const bool late = d == Decision::kAcceptAndUpdate;
  if (late) em.emit(key, merged, A::lower(s.agg), EmissionKind::kUpdate);
  if (s.fired != late) {  // the pending timer is of the other queue
    s.fired = late;
    arm(key, s);
  }
  return true;
}

template <Aggregator A>
requires(A::kCommutative) template <class Out>
bool SessionOperator<A>::add_slow(KeyId key, Timestamp t, double v, Timestamp clock, Out& em) {
  Session& newest = slot_of(key).newest;
  const Window proto{t, t + gap_};
  if (newest.empty() || t > newest.window.end) {
    // A new newest session: it touches no session (older ones end before the newest starts).
    const Decision d = decide(completion(proto), clock, policy_);
    if (d == Decision::kReject) return false;
    if (!newest.empty()) {
      Sessions& list = older_of(key);
      const size_t capacity = list.capacity();
      list.push_back(newest);
      capacity_ += list.capacity() - capacity;
    }
    const bool late = d == Decision::kAcceptAndUpdate;
    newest = Session{proto, A::lift(v), proto.end, late};
    ++open_;
    if (late) em.emit(key, proto, A::lower(newest.agg), EmissionKind::kUpdate);
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

template <Aggregator A>
requires(A::kCommutative) template <class Out>
bool SessionOperator<A>::add_to_list(Sessions& list, KeyId key, Timestamp t, double v,
                                     Timestamp clock, Out& em) {
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

  typename A::Partial agg = A::lift(v);
  for (auto it = first; it != last; ++it) {
    if (it->fired) em.emit(key, it->window, A::lower(it->agg), EmissionKind::kRetract);
    agg = A::combine(agg, it->agg);
  }
  open_ -= size_t(last - first);
  const auto pos = list.erase(first, last);
  const bool late = d == Decision::kAcceptAndUpdate;
  Session& s = *list.insert(pos, Session{merged, agg, merged.end, late});
  ++open_;
  if (late) em.emit(key, merged, A::lower(agg), EmissionKind::kUpdate);
  arm(key, s);
  return true;
}

}  // namespace tidemark
