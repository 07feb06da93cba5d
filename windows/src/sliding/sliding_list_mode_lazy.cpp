#include "sliding_list_mode_impl.hpp"

namespace tidemark {

template class SlidingListMode<SlidingLazyAggregates>;

}  // namespace tidemark
