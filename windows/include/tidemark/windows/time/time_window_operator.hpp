#pragma once
// Fixed-size time windows (tumbling, hopping): a FallbackChain of three strategies, each taking
// over from the one before, once, when it meets what that one cannot hold:
//   SlicedWindows       one aggregate per key and slice (slice-major columns, then per-key rings)
//   WindowRings         one aggregate per key and window, in a ring per key (fractional values)
//   GenericTimeWindowOperator  one hash-map entry per key and window (beyond every bound)
// All give the same emissions in the same order. The first two hold count/sum/min/max columns
// and combine slices out of arrival order: TimeWindowsFor<Assigner, A> takes them only for an
// aggregator whose properties allow it, and the hash strategy alone for any other.

#include <concepts>
#include <type_traits>

#include "tidemark/windows/aggregate/aggregators.hpp"
#include "tidemark/windows/time/fallback_chain.hpp"
#include "tidemark/windows/time/sliced_windows.hpp"
#include "tidemark/windows/time/window_ring_operator.hpp"

namespace tidemark {

template <class Assigner>
class TimeWindowOperator : public FallbackChain<SlicedWindows<Assigner>> {
 public:
  TimeWindowOperator(Assigner assigner, LatenessPolicy policy,
                     slicing::Layout layout = slicing::Layout::kColumnsWhileInOrder)
      : FallbackChain<SlicedWindows<Assigner>>(assigner, policy, layout) {}

  // Whether the slices are still in columns (slicing::Layout): for tests and diagnostics.
  bool in_columns() const { return this->first().in_columns(); }
};

// Whether the sliced strategies may hold A's windows: partials laid out as their columns, a
// commutative combine, and sums regrouped only while the ExactSums guard admits the values.
template <class A>
concept Sliceable =
    Aggregator<A> && A::kCommutative && std::same_as<typename A::Partial, Aggregate> &&
    std::same_as<typename A::OrderFreeGuard, ExactSums>;

template <class Assigner, Aggregator A>
using TimeWindowsFor = std::conditional_t<Sliceable<A>, TimeWindowOperator<Assigner>,
                                          GenericTimeWindowOperator<Assigner, A>>;

}  // namespace tidemark
