#pragma once
// Merging session windows per key (docs/design.md §2, §5): windows that overlap or touch merge; a
// merge that supersedes an emitted session retracts it. Generic over a commutative aggregator:
// merged sessions combine their partials in window order, not arrival order. The members defined
// out of line are in session_operator_impl.hpp.

#include <algorithm>
#include <type_traits>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/output/emitter.hpp"
#include "tidemark/core/runtime/lateness.hpp"
#include "tidemark/windows/aggregate/aggregators.hpp"
#include "tidemark/windows/session/session_timer_wheel.hpp"
#include "tidemark/windows/support/dense_table.hpp"

namespace tidemark {

template <Aggregator A = StatsAggregator>
requires(A::kCommutative) class SessionOperator {
 public:
  SessionOperator(Duration gap, LatenessPolicy policy) : gap_(gap), policy_(policy) {}

  // `Out` (Emitter, or anything with emit(key, window, A::Result, kind)) receives the results.
  template <class Out>
  [[gnu::noinline]] void fire(Timestamp clock, Out& em);
  // The common case, an event that falls in or extends its key's newest session while that
  // session's timer is still ahead of the clock, is inline (always: g++ 12 made it a call from
  // the Driver's loop); everything else goes to add_slow.
  template <class Out>
  [[gnu::always_inline]] bool add(KeyId key, Timestamp t, double v, Timestamp clock, Out& em) {
    if (key < key_count_) {
      Session& s = keys_[key].newest;
      // The merged session ends at or after armed_end > clock, and fires later still: the
      // policy accepts the event without being asked.
      if (clock < s.armed_end && !s.fired && s.window.start <= t && t <= s.window.end) {
        const Timestamp end = std::max(s.window.end, t + gap_);
        // Same operand order as extend(), so min/max of signed zeros come out the same.
        s.agg = end == s.window.end ? A::combine(s.agg, A::lift(v)) : A::combine(A::lift(v), s.agg);
        s.window.end = end;
        return true;
      }
    }
    ++revision_;
    return add_slow(key, t, v, clock, em);
  }
  size_t open_windows() const { return open_; }
  // Changes whenever the sizes may have: the inline path above changes neither.
  uint64_t revision() const { return revision_; }
  void prefetch(KeyId key) const {
    // A prefetch never faults, so a key past the table (not seen yet) needs no check; the
    // address is an integer, as it may lie outside the array.
    __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(keys_.data()) +
                                                     uintptr_t(key) * sizeof(Slot)));
  }
  size_t state_bytes() const {
    return key_count_ * sizeof(Slot) + older_.capacity() * sizeof(Sessions) +
           capacity_ * sizeof(Session) + fires_.bytes() + purges_.bytes();
  }

 private:
  // One session of a key. It has exactly one live timer: a fire timer while it has not fired, a
  // purge timer after; `armed_end` is the end that timer was set for, in (start, end], and names
  // the session to its timer. A session that grows to the right keeps its timer, which re-arms
  // itself when it pops early (armed_end < window.end).
  struct Session {
    Window window;
    typename A::Partial agg = A::identity();
    Timestamp armed_end = Timestamp::min();  // min: no timer, no session (an empty Slot)
    bool fired = false;
    // A session's end is at least its first event's time + gap, above Timestamp::min().
    bool empty() const { return armed_end == Timestamp::min(); }
  };
  using Sessions = std::vector<Session>;  // sorted by start, disjoint and not touching

  // A key's sessions: the newest (largest start) inline, so that the common event touches one
  // cache line; the older ones, rare, in older_[key]. No newest implies no older sessions.
  struct alignas(64) Slot {
    Session newest;
  };
  static_assert(!std::is_same_v<A, StatsAggregator> || sizeof(Slot) == 64);

  Slot& slot_of(KeyId key) {
    if (key >= key_count_) {
      grow_to_hold(keys_, key);
      key_count_ = keys_.size();
    }
    return keys_[key];
  }
  Sessions& older_of(KeyId key) {
    if (key >= older_.size()) older_.resize(size_t(key) + 1);
    return older_[key];
  }
  bool has_older(KeyId key) const { return key < older_.size() && !older_[key].empty(); }
  template <class Out>
  [[gnu::noinline]] bool add_slow(KeyId key, Timestamp t, double v, Timestamp clock, Out& em);
  // Applies the event to the key's sessions held as one sorted list (the newest included).
  template <class Out>
  bool add_to_list(Sessions& list, KeyId key, Timestamp t, double v, Timestamp clock, Out& em);
  // The session of `key` whose live timer is `t` (of the fire or purge queue), or nullptr.
  Session* owner(KeyId key, const SessionTimer& t, bool fired) {
    if (key >= key_count_) return nullptr;
    Session& s = keys_[key].newest;
    if (s.empty()) return nullptr;
    if (s.armed_end != t.end) return older_owner(key, t, fired);
    return s.fired == fired ? &s : nullptr;  // else its live timer is in the other queue
  }
  Session* older_owner(KeyId key, const SessionTimer& t, bool fired);
  void arm(KeyId key, Session& s);  // sets a fresh timer for s's current bounds and state
  template <class Out>
  bool extend(KeyId key, Session& s, Window merged, double v, Timestamp clock, Out& em);
  void erase(KeyId key, const Session* s);

  Duration gap_;
  LatenessPolicy policy_;

  // A session [s, e) can still grow by an event at e (touching sessions merge, docs/design.md §2),
  // so it is complete only once the clock passes e: the policy applies to [s, e + 1). Otherwise an
  // in-order event exactly GAP after the last one would find its session already fired.
  static Window completion(Window w) { return {w.start, w.end + Duration{1}}; }
  std::vector<Slot> keys_;            // indexed by KeyId (dense), grown on first use
  size_t key_count_ = 0;              // keys_.size(), kept apart so the inline path reads one word
  std::vector<Sessions> older_;       // indexed by KeyId, grown when a key first needs it
  SessionTimerWheel fires_, purges_;  // may hold stale entries for merged-away sessions
  size_t open_ = 0;
  size_t capacity_ = 0;  // sessions the older_ vectors have room for
  uint64_t revision_ = 0;
};

}  // namespace tidemark

#include "tidemark/windows/session/session_operator_impl.hpp"  // IWYU pragma: export
