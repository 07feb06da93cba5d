#pragma once
// Record-driven sliding windows with the semantics of Kafka Streams' SlidingWindows: two events
// share a window iff their times differ by at most DIFF; each distinct set of events is one
// window. Candidate starts are t - DIFF (left windows) and t + 1 (right windows) of the events.
// An open window holds exactly the key's retained events inside it (the clock never decreases,
// so every such event was accepted by it).
//
// A run starts in SlidingInOrderMode and hands over to SlidingListMode, for good, at its first
// event out of time order; aggregates are kept as SlidingState says.

#include <variant>

#include "tidemark/core/emitter.hpp"
#include "tidemark/windows/sliding_in_order_mode.hpp"
#include "tidemark/windows/sliding_list_mode.hpp"

namespace tidemark {

class SlidingOperator {
 public:
  SlidingOperator(Duration difference, LatenessPolicy policy)
      : mode_(std::in_place_type<SlidingInOrderMode>, difference, policy) {}

  void fire(Timestamp clock, Emitter& em) {
    if (SlidingInOrderMode* in_order = std::get_if<SlidingInOrderMode>(&mode_)) {
      in_order->fire(clock, em);
    } else {
      list_mode().fire(clock, em);
    }
  }
  bool add(KeyId key, Timestamp t, double v, Timestamp clock, Emitter& em) {
    if (SlidingInOrderMode* in_order = std::get_if<SlidingInOrderMode>(&mode_)) {
      if (in_order->takes(t, clock)) [[likely]]
        return in_order->add(key, t, v, clock);
      hand_over();
    }
    return list_mode().add(key, t, v, clock, em);
  }
  size_t open_windows() const { return state().open_windows(); }
  void prefetch(KeyId key) const { state().prefetch(key); }
  [[gnu::always_inline]] void prefetch_deep(KeyId key) const { state().prefetch_deep(key); }
  // Inline: the Driver asks after every event.
  size_t state_bytes() const {
    if (const SlidingInOrderMode* in_order = std::get_if<SlidingInOrderMode>(&mode_)) {
      return in_order->state_bytes();
    }
    return list_mode().state_bytes();
  }
  // The memory behind it: see the modes.
  size_t allocated_bytes() const {
    if (const SlidingInOrderMode* in_order = std::get_if<SlidingInOrderMode>(&mode_)) {
      return in_order->allocated_bytes();
    }
    return list_mode().allocated_bytes();
  }
  // Whether aggregates are still computed lazily (all values so far were exact integers).
  bool lazy_aggregates() const { return state().lazy_aggregates(); }
  // Whether the pending windows are still found from the in-order log.
  bool windows_from_log() const { return std::holds_alternative<SlidingInOrderMode>(mode_); }

 private:
  const SlidingState& state() const {
    if (const SlidingInOrderMode* in_order = std::get_if<SlidingInOrderMode>(&mode_)) {
      return *in_order;
    }
    return *std::get_if<SlidingListMode>(&mode_);
  }
  // The mode after hand_over(); std::get_if, as std::get and std::visit check for a valueless
  // variant on every call.
  SlidingListMode& list_mode() { return *std::get_if<SlidingListMode>(&mode_); }
  const SlidingListMode& list_mode() const { return *std::get_if<SlidingListMode>(&mode_); }
  void hand_over() {
    SlidingInOrderMode in_order = std::move(std::get<SlidingInOrderMode>(mode_));
    mode_.emplace<SlidingListMode>(std::move(in_order));
  }

  std::variant<SlidingInOrderMode, SlidingListMode> mode_;
};

}  // namespace tidemark
