#pragma once
// Merging session windows per key (DESIGN §2, §5): windows that overlap or touch merge; a merge
// that supersedes an emitted session retracts it.

#include <vector>

#include "tidemark/core/emitter.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/lateness.hpp"
#include "tidemark/windows/aggregate.hpp"
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
  // One session of a key. It has exactly one live timer: a fire timer while it has not fired, a
  // purge timer after; `armed_end` is the end that timer was set for. A session that grows to the
  // right keeps its timer, which re-arms itself when it pops early (armed_end < window.end).
  struct Session {
    Window window;
    Aggregate agg;
    Timestamp armed_end;
    bool fired = false;
  };
  using Sessions = std::vector<Session>;  // per key, sorted by start, disjoint and not touching

  Sessions& sessions_of(KeyId key) {
    if (key >= keys_.size()) keys_.resize(size_t(key) + 1);
    return keys_[key];
  }
  // The session of `key` whose live timer is `t` (of the fire or purge queue), or nullptr.
  Session* owner(KeyId key, const Timer& t, bool fired);
  void arm(KeyId key, Session& s);  // sets a fresh timer for s's current bounds and state
  bool extend(KeyId key, Session& s, Window merged, double v, Timestamp clock, Emitter& em);
  void erase(KeyId key, const Session* s);

  Duration gap_;
  LatenessPolicy policy_;

  // A session [s, e) can still grow by an event at e (touching sessions merge, DESIGN §2), so
  // it is complete only once the clock passes e: the policy applies to [s, e + 1). Otherwise an
  // in-order event exactly GAP after the last one would find its session already fired.
  static Window completion(Window w) { return {w.start, w.end + Duration{1}}; }
  std::vector<Sessions> keys_;  // indexed by KeyId (dense), grown on first use
  TimerQueue fires_, purges_;   // may hold stale entries for merged-away sessions
  size_t open_ = 0;
  size_t capacity_ = 0;  // sessions the per-key vectors have room for
};

}  // namespace tidemark
