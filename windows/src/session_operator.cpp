#include "tidemark/windows/session_operator.hpp"

#include <algorithm>

namespace tidemark {

SessionOperator::Session* SessionOperator::find(KeyId key, const Timer& t, bool fired) {
  const auto it = sessions_->find(key);
  if (it == sessions_->end()) return nullptr;
  for (Session& s : it->second) {
    if (s.window.start == t.start && s.window.end == t.end && s.fired == fired) return &s;
  }
  return nullptr;
}

void SessionOperator::erase(KeyId key, const Session* s) {
  Sessions& list = (*sessions_)[key];
  list.erase(list.begin() + (s - list.data()));
  --open_;
}

void SessionOperator::fire(Timestamp clock, Emitter& em) {
  while (fires_.due(clock)) {
    const Timer t = fires_.pop();
    Session* s = find(t.key, t, /*fired=*/false);
    if (s == nullptr) continue;  // merged away since the timer was set
    em.emit(t.key, s->window, lower(s->agg), EmissionKind::kOnTime);
    const Timestamp close = policy_.close_time(t.end);
    if (close <= clock) {
      erase(t.key, s);
    } else {
      s->fired = true;
      purges_.push({close, t.end, t.key, t.start});
    }
  }
  while (purges_.due(clock)) {
    const Timer t = purges_.pop();
    if (Session* s = find(t.key, t, /*fired=*/true)) erase(t.key, s);
  }
}

bool SessionOperator::add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
  Sessions& list = (*sessions_)[key];
  const Window proto{t, t + gap_};
  // Sessions that overlap or touch the proto-window form one contiguous run of the sorted list.
  auto first = std::find_if(list.begin(), list.end(),
                            [&](const Session& s) { return s.window.end >= proto.start; });
  auto last = std::find_if(first, list.end(),
                           [&](const Session& s) { return s.window.start > proto.end; });
  Window merged = proto;
  for (auto it = first; it != last; ++it) {
    merged.start = std::min(merged.start, it->window.start);
    merged.end = std::max(merged.end, it->window.end);
  }
  const Decision d = decide(merged, clock, policy_);
  if (d == Decision::kReject) return false;

  // The event falls inside one existing session without moving its bounds: no supersession.
  if (last - first == 1 && first->window == merged) {
    first->agg = combine(first->agg, lift(v));
    if (d == Decision::kAcceptAndUpdate) {
      em.emit(key, merged, lower(first->agg), EmissionKind::kUpdate);
    }
    return true;
  }

  Aggregate agg = lift(v);
  for (auto it = first; it != last; ++it) {
    if (it->fired) em.emit(key, it->window, lower(it->agg), EmissionKind::kRetract);
    agg = combine(agg, it->agg);
  }
  open_ -= size_t(last - first);
  const auto pos = list.erase(first, last);
  const bool late = d == Decision::kAcceptAndUpdate;
  list.insert(pos, Session{merged, agg, late});
  ++open_;
  if (late) {
    em.emit(key, merged, lower(agg), EmissionKind::kUpdate);
    purges_.push({policy_.close_time(merged.end), merged.end, key, merged.start});
  } else {
    fires_.push({policy_.fire_time(merged.end), merged.end, key, merged.start});
  }
  return true;
}

size_t SessionOperator::state_bytes() const {
  return sessions_->size() * kNodeBytes<KeyId, Sessions> + open_ * sizeof(Session) +
         (fires_.size() + purges_.size()) * sizeof(Timer);
}

}  // namespace tidemark
