#pragma once
// The interface the runtime needs from window state (implemented in windows/).

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "tidemark/core/event.hpp"
#include "tidemark/core/output/emitter.hpp"
#include "tidemark/core/time/time.hpp"

namespace tidemark {

// A window operator owns the windows of one kind for all keys and applies the lateness policy.
//  fire(C, em):            emit (on_time) and purge every window whose fire/close time is <= C,
//                          in order of fire time, end, key, start.
//  add(key, t, v, C, em):  assign the event to its windows and apply the policy to each;
//                          returns whether any window accepted it.
//  open_windows(), state_bytes(): current size, for metrics.
//  revision() (optional):  a counter that changes whenever open_windows() or state_bytes() may
//                          have; lets the runtime skip re-reading them after fast-path events.
//  prefetch(key) (optional): a hint that an event of `key` comes soon; the runtime gives it a
//                          few events ahead so the key's state is in cache when it arrives.
//  prefetch_deep(key) (optional): the same hint, given half as far ahead, for state the key's
//                          record points to (the record was fetched by prefetch(key) by then).
//  allocated_bytes() (optional): the memory the state holds, where state_bytes() (the reported
//                          estimate) counts less than is allocated; --max-state checks this one.
//  set_state_budget(b) (optional): the run's StateBudget, for operators with steps that allocate
//                          much at once: they check b->allows() before such a step and call
//                          b->exceeded() rather than take it (b outlives every call but the
//                          destructor).
template <class Op>
concept WindowOperator = requires(Op op, const Op cop, Emitter& em, KeyId k, Timestamp t,
                                  double v) {
  {op.fire(t, em)};
  { op.add(k, t, v, t, em) } -> std::same_as<bool>;
  { cop.open_windows() } -> std::convertible_to<size_t>;
  { cop.state_bytes() } -> std::convertible_to<size_t>;
};

template <class Op>
concept AllocationReportingOperator = requires(const Op cop) {
  { cop.allocated_bytes() } -> std::convertible_to<size_t>;
};

class StateBudget;
template <class Op>
concept BudgetedOperator = requires(Op op, const StateBudget* b) {
  {op.set_state_budget(b)};
};

template <class Op>
concept RevisionedOperator = requires(const Op cop) {
  { cop.revision() } -> std::convertible_to<uint64_t>;
};

template <class Op>
concept PrefetchingOperator = requires(const Op cop, KeyId k) {
  {cop.prefetch(k)};
};

template <class Op>
concept DeepPrefetchingOperator = requires(const Op cop, KeyId k) {
  {cop.prefetch_deep(k)};
};

}  // namespace tidemark
