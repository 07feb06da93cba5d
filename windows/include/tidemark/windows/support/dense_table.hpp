#pragma once
// Growth of the tables that window operators index by KeyId (dense ids, seen in any order).

#include <bit>
#include <cstddef>

#include "tidemark/core/event.hpp"

namespace tidemark {

// Makes `table` (a std::vector) hold entries up to `key`. Its capacity goes at once to four times
// the power of two that holds `key`: ids arrive in any order (in order of first appearance, or at
// random), and each regrowth moves every entry into fresh memory the kernel zeroes again (a
// million keys' state). Capacity that no key has touched is address space, not memory: state
// accounting counts size(), not capacity().
template <class Table>
void grow_to_hold(Table& table, KeyId key) {
  const size_t count = size_t(key) + 1;
  if (count <= table.size()) return;
  if (count > table.capacity()) table.reserve(std::bit_ceil(count) * 4);
  table.resize(count);
}

}  // namespace tidemark
