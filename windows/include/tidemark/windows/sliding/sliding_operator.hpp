#pragma once
// Record-driven sliding windows with the semantics of Kafka Streams' SlidingWindows: two events
// share a window iff their times differ by at most DIFF; each distinct set of events is one
// window. Candidate starts are t - DIFF (left windows) and t + 1 (right windows) of the events.
// An open window holds exactly the key's retained events inside it (the clock never decreases,
// so every such event was accepted by it).
//
// A run starts in SlidingInOrderMode with lazy aggregates. It hands over, for good, to
// SlidingListMode at its first event out of time order, and to eager aggregates at its first
// value whose sums may not be exact (sliding_aggregates.hpp).

#include <type_traits>
#include <variant>

#include "tidemark/core/output/emitter.hpp"
#include "tidemark/windows/sliding/sliding_aggregates.hpp"
#include "tidemark/windows/sliding/sliding_in_order_mode.hpp"
#include "tidemark/windows/sliding/sliding_list_mode.hpp"

namespace tidemark {

class SlidingOperator {
  using InOrderLazy = SlidingInOrderMode<SlidingLazyAggregates>;
  using InOrderEager = SlidingInOrderMode<SlidingEagerAggregates>;
  using ListLazy = SlidingListMode<SlidingLazyAggregates>;
  using ListEager = SlidingListMode<SlidingEagerAggregates>;
  enum Index : size_t { kInOrderLazy, kInOrderEager, kListLazy, kListEager };

  // f(the current mode). A switch with std::get_if: std::visit checks for a valueless variant
  // on every call.
  template <class F>
  decltype(auto) with_mode(F&& f) const {
    switch (mode_.index()) {
      case kInOrderLazy:
        return f(*std::get_if<kInOrderLazy>(&mode_));
      case kInOrderEager:
        return f(*std::get_if<kInOrderEager>(&mode_));
      case kListLazy:
        return f(*std::get_if<kListLazy>(&mode_));
      default:
        return f(*std::get_if<kListEager>(&mode_));
    }
  }
  // What every mode keeps: the same address whatever the mode, so the switch folds away (no
  // mode is ever valueless: see hand_over_and_add()).
  const SlidingState& state() const {
    switch (mode_.index()) {
      case kInOrderLazy:
        return *std::get_if<kInOrderLazy>(&mode_);
      case kInOrderEager:
        return *std::get_if<kInOrderEager>(&mode_);
      case kListLazy:
        return *std::get_if<kListLazy>(&mode_);
      case kListEager:
        return *std::get_if<kListEager>(&mode_);
    }
    __builtin_unreachable();
  }
  template <class F>
  decltype(auto) with_mode(F&& f) {
    switch (mode_.index()) {
      case kInOrderLazy:
        return f(*std::get_if<kInOrderLazy>(&mode_));
      case kInOrderEager:
        return f(*std::get_if<kInOrderEager>(&mode_));
      case kListLazy:
        return f(*std::get_if<kListLazy>(&mode_));
      default:
        return f(*std::get_if<kListEager>(&mode_));
    }
  }

 public:
  SlidingOperator(Duration difference, LatenessPolicy policy)
      : mode_(std::in_place_type<InOrderLazy>, difference, policy) {}

  void fire(Timestamp clock, Emitter& em) {
    with_mode([&](auto& mode) { mode.fire(clock, em); });
  }
  // Always inlined into the Driver's loop, where it is a test or two and one call: the lazy
  // modes, which hold all of a run while its values are exact, go straight to their code.
  [[gnu::always_inline]] bool add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
    if (mode_.index() == kInOrderLazy) [[likely]]
      return add_in_order_lazy(*std::get_if<kInOrderLazy>(&mode_), key, t, v, clock, em);
    if (mode_.index() == kListLazy) [[likely]]
      return add_to_list(*std::get_if<kListLazy>(&mode_), key, t, v, clock, em);
    return add_eager(key, t, v, clock, em);
  }
  size_t open_windows() const { return state().open_windows(); }
  void prefetch(KeyId key) const { state().prefetch(key); }
  [[gnu::always_inline]] void prefetch_deep(KeyId key) const { state().prefetch_deep(key); }
  // The lazy modes without a switch: the Driver asks after every event.
  size_t state_bytes() const {
    if (const InOrderLazy* mode = std::get_if<kInOrderLazy>(&mode_)) [[likely]]
      return mode->state_bytes();
    if (const ListLazy* mode = std::get_if<kListLazy>(&mode_)) [[likely]]
      return mode->state_bytes();
    return eager_state_bytes();
  }
  // The memory behind it: see the modes.
  size_t allocated_bytes() const {
    return with_mode([](const auto& mode) { return mode.allocated_bytes(); });
  }
  // Whether aggregates are still computed lazily (all values so far were exact integers).
  bool lazy_aggregates() const {
    return mode_.index() == kInOrderLazy || mode_.index() == kListLazy;
  }
  // Whether the pending windows are still found from the in-order log.
  bool windows_from_log() const {
    return mode_.index() == kInOrderLazy || mode_.index() == kInOrderEager;
  }

 private:
  // The paths of every event are out of line and end in tail calls (no registers to save):
  // hand-overs, once a run, are calls of their own.
  [[gnu::noinline]] bool add_in_order_lazy(InOrderLazy& mode, KeyId key, Timestamp t, double v,
                                           Timestamp clock, Emitter& em) {
    if (!mode.takes(t, clock)) [[unlikely]]
      return hand_over_and_add<InOrderLazy, ListLazy>(key, t, v, clock, em);
    if (mode.admits(v)) [[likely]]
      return mode.add(key, t, v, clock);
    return hand_over_and_add<InOrderLazy, InOrderEager>(key, t, v, clock, em);
  }
  [[gnu::noinline]] bool add_to_list(ListLazy& mode, KeyId key, Timestamp t, double v,
                                     Timestamp clock, Emitter& em) {
    if (mode.admits(v)) [[likely]]
      return mode.add(key, t, v, clock, em);
    return hand_over_and_add<ListLazy, ListEager>(key, t, v, clock, em);
  }
  [[gnu::noinline]] bool add_eager(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
    if (InOrderEager* mode = std::get_if<kInOrderEager>(&mode_)) {
      if (mode->takes(t, clock)) [[likely]]
        return mode->add(key, t, v, clock);
      return hand_over_and_add<InOrderEager, ListEager>(key, t, v, clock, em);
    }
    return std::get_if<kListEager>(&mode_)->add(key, t, v, clock, em);
  }
  [[gnu::noinline]] size_t eager_state_bytes() const {
    if (const InOrderEager* mode = std::get_if<kInOrderEager>(&mode_)) return mode->state_bytes();
    return std::get_if<kListEager>(&mode_)->state_bytes();
  }
  // Hands mode `From` over to `To`, for the rest of the run, and adds the event there.
  template <class From, class To>
  [[gnu::noinline]] bool hand_over_and_add(KeyId key, Timestamp t, double v, Timestamp clock,
                                           Emitter& em) {
    // The old mode is gone once emplace() starts: only a move that cannot throw leaves a mode.
    static_assert(std::is_nothrow_move_constructible_v<To>);
    To next(std::move(*std::get_if<From>(&mode_)));
    To& mode = mode_.template emplace<To>(std::move(next));
    if constexpr (std::is_same_v<To, ListLazy>) {
      return add_to_list(mode, key, t, v, clock, em);  // v is not admitted yet
    } else if constexpr (std::is_same_v<To, InOrderEager>) {
      return mode.add(key, t, v, clock);  // the lazy mode took the event
    } else {
      return mode.add(key, t, v, clock, em);
    }
  }
  std::variant<InOrderLazy, InOrderEager, ListLazy, ListEager> mode_;
};

}  // namespace tidemark
