#pragma once
// A window strategy that covers part of the input, followed by the one that takes over when it
// meets what it cannot hold. The hand-over is the only seam between them: once, the first
// strategy gives every open window to its successor (restore()), and the chain delegates to the
// successor for the rest of the run.

#include <concepts>
#include <cstdint>
#include <memory>

#include "tidemark/core/output/emitter.hpp"
#include "tidemark/core/runtime/state_budget.hpp"
#include "tidemark/core/time/time.hpp"
#include "tidemark/windows/aggregate/aggregate.hpp"

namespace tidemark {

// What a strategy did with an event: kHandOver means nothing, as it cannot hold the event (or
// the state it would lead to): its successor must take over and take the event.
enum class Added : uint8_t { kLate, kAccepted, kHandOver };

// A strategy that can take open windows over from another one.
template <class S>
concept Restorable = requires(S s, KeyId k, Window w, const Aggregate& a, bool fired) {
  {s.restore(k, w, a, fired)};
};

// A strategy with a successor: it builds it (after checking the budget for what the hand-over
// will hold) and hands it its state, which leaves it empty.
template <class S>
concept HandsOver = Restorable<typename S::Successor> &&
    requires(S s, const S cs, typename S::Successor& next, KeyId k, Timestamp t, double v,
             Emitter& em) {
  { cs.holds_grid() } -> std::same_as<bool>;
  { s.successor() } -> std::same_as<std::unique_ptr<typename S::Successor>>;
  {s.hand_over_to(next)};
  { s.add(k, t, v, t, em) } -> std::same_as<Added>;
  {s.fire(t, em)};
};

template <HandsOver First>
class FallbackChain {
  using Next = typename First::Successor;

 public:
  template <class... Args>
  explicit FallbackChain(Args&&... args) : first_(std::forward<Args>(args)...) {
    if (!first_.holds_grid()) hand_over();
  }

  // Never inlined: it runs once per clock change, and inlined into the Driver's per-event loop
  // it would use up the growth g++ allows that loop, which then calls add() instead of inlining.
  [[gnu::noinline]] void fire(Timestamp clock, Emitter& em) {
    if (next_) [[unlikely]] {
      note_change();
      return next_->fire(clock, em);
    }
    first_.fire(clock, em);
  }

  // Forced inline (with the first strategy's fast path): the Driver's per-event loop must hold
  // it, where g++ would otherwise count the chain as one call level too many and call it.
  [[gnu::always_inline]] bool add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
    if constexpr (requires { first_.add_fast(key, t, v, clock); }) {
      // After the hand-over the first strategy is empty, and its fast path never takes an event.
      if (first_.add_fast(key, t, v, clock)) [[likely]] {
        return true;
      }
    }
    return add_slow(key, t, v, clock, em);
  }

  void restore(KeyId key, Window w, const Aggregate& agg, bool fired) requires Restorable<First> {
    if (next_) return next_->restore(key, w, agg, fired);
    if (!first_.restore(key, w, agg, fired)) hand_over().restore(key, w, agg, fired);
  }

  void set_state_budget(const StateBudget* budget) {
    budget_ = budget;
    first_.set_state_budget(budget);
    if (next_) next_->set_state_budget(budget);
  }
  size_t open_windows() const { return next_ ? next_->open_windows() : first_.open_windows(); }
  size_t state_bytes() const { return next_ ? next_->state_bytes() : first_.state_bytes(); }
  uint64_t revision() const requires requires(const First& f) { f.revision(); }
  { return first_.revision(); }
  void prefetch(KeyId key) const requires requires(const First& f) { f.prefetch(key); }
  { first_.prefetch(key); }
  // Whether the first strategy has handed over: for tests.
  bool handed_over() const { return next_ != nullptr; }
  const First& first() const { return first_; }

 private:
  [[gnu::noinline]] bool add_slow(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
    if (next_) {
      note_change();
      return next_->add(key, t, v, clock, em);
    }
    switch (first_.add(key, t, v, clock, em)) {
      case Added::kLate:
        return false;
      case Added::kAccepted:
        return true;
      case Added::kHandOver:
        break;
    }
    return hand_over().add(key, t, v, clock, em);
  }

  [[gnu::noinline, gnu::cold]] Next& hand_over() {
    next_ = first_.successor();
    next_->set_state_budget(budget_);
    first_.hand_over_to(*next_);
    return *next_;
  }

  // Sizes may change on every delegated call: a first strategy that tracks changes hears of it.
  void note_change() {
    if constexpr (requires { first_.note_change(); }) first_.note_change();
  }

  First first_;
  std::unique_ptr<Next> next_;
  const StateBudget* budget_ = nullptr;
};

}  // namespace tidemark
