#pragma once
// Merging session windows per key (DESIGN §2, §5): windows that overlap or touch merge; a merge
// that supersedes an emitted session retracts it.

#include <vector>

#include "tidemark/core/emitter.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/lateness.hpp"
#include "tidemark/windows/aggregate.hpp"
#include "tidemark/windows/keyed_state.hpp"
#include "tidemark/windows/timer_queue.hpp"

namespace tidemark {

class SessionOperator {
 public:
  SessionOperator(Duration gap, LatenessPolicy policy) : gap_(gap), policy_(policy) {}

  void fire(Timestamp clock, Emitter& em);
  bool add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em);
  size_t open_windows() const { return open_; }
  size_t state_bytes() const;

 private:
  struct Session {
    Window window;
    Aggregate agg;
    bool fired = false;
  };
  using Sessions = std::vector<Session>;  // per key, sorted by start, disjoint and not touching

  // The session of `key` with exactly these bounds and firing state, or nullptr (stale timer).
  Session* find(KeyId key, const Timer& t, bool fired);
  void erase(KeyId key, const Session* s);

  Duration gap_;
  LatenessPolicy policy_;
  PooledMap<KeyId, Sessions> sessions_;
  TimerQueue fires_, purges_;  // may hold stale entries for merged-away sessions
  size_t open_ = 0;
};

}  // namespace tidemark
