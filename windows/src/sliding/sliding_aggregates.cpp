#include "tidemark/windows/sliding/sliding_aggregates.hpp"

namespace tidemark {

SlidingEagerAggregates::SlidingEagerAggregates(std::span<const SlidingKeyState> keys, Duration diff)
    : aggs_(keys.size()) {
  for (size_t key = 0; key < keys.size(); ++key) {
    const SlidingKeyState& k = keys[key];
    std::vector<Aggregate>& aggs = aggs_[key];
    aggs.assign(k.starts.size(), identity());
    capacity_ += aggs.capacity();
    for (size_t i = k.head; i < k.starts.size(); ++i) {
      aggs[i] = aggregate_of(k, {k.starts[i], k.starts[i] + Duration{diff.ms + 1}});
    }
  }
}

}  // namespace tidemark
