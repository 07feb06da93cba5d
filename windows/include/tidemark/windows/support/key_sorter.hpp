#pragma once
// Sorts the keys of a batch of windows that fire together (they leave in key order,
// docs/design.md §5): through a bitmap of the keys' range when they are dense in it, else by
// radix or std::sort.
// Reuses its buffers, so the steady state allocates nothing.

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <vector>

#include "tidemark/core/event.hpp"

namespace tidemark {

class KeySorter {
 public:
  // The bitmap is used when the keys take at most a few words each (a key of a batch appears
  // there once; a repeated one is detected and the keys go the other way), the byte-wise LSD
  // radix sort (only the bytes the largest key uses) when they are many.
  void sort(std::vector<KeyId>& keys) {
    if (keys.size() < 16) {
      std::sort(keys.begin(), keys.end());
      return;
    }
    KeyId lo = keys[0], hi = keys[0];
    for (const KeyId k : keys) {  // not std::minmax_element: this loop vectorizes
      lo = std::min(lo, k);
      hi = std::max(hi, k);
    }
    const size_t base = lo / 64, words = hi / 64 - base + 1;
    if (words <= 4 * keys.size() && mark(keys, base, words)) {
      // A word holds ~1 key or fewer: a loop over its bits would mispredict its exit about once
      // a word. Its first two keys are written unconditionally instead (garbage when it has
      // fewer, which the next word overwrites; two spare slots take the last), the rest in a loop.
      const size_t size = keys.size();
      keys.resize(size + 2);
      size_t n = 0;
      for (size_t w = 0; w < words; ++w) {
        const uint64_t x = bits_[w];
        bits_[w] = 0;
        const KeyId from = KeyId((base + w) * 64);
        const uint64_t x1 = x & (x - 1), x2 = x1 & (x1 - 1);
        // The top bit set: no zero input, for which g++ (bsf, without -mbmi) would branch.
        constexpr uint64_t kTop = uint64_t{1} << 63;
        keys[n] = from + KeyId(std::countr_zero(x | kTop));
        keys[n + 1] = from + KeyId(std::countr_zero(x1 | kTop));
        n += size_t(x != 0) + size_t(x1 != 0);  // not popcount: a library call without -mpopcnt
        if (x2 != 0) [[unlikely]] {
          for (uint64_t rest = x2; rest != 0; rest &= rest - 1) {
            keys[n++] = from + KeyId(std::countr_zero(rest));
          }
        }
      }
      keys.resize(size);
      return;
    }
    if (keys.size() < 64) {
      std::sort(keys.begin(), keys.end());
      return;
    }
    const KeyId top = hi;
    scratch_.resize(keys.size());
    for (unsigned shift = 0; shift < 32 && (top >> shift) != 0; shift += 8) {
      std::array<uint32_t, 257> at{};
      for (const KeyId k : keys) ++at[((k >> shift) & 0xFF) + 1];
      for (size_t d = 1; d < at.size(); ++d) at[d] += at[d - 1];
      for (const KeyId k : keys) scratch_[at[(k >> shift) & 0xFF]++] = k;
      keys.swap(scratch_);
    }
  }

 private:
  // Sets the bits of `keys` in bits_[0, words) (all clear before), word 0 holding keys from
  // 64 * base; false, with the bits cleared again, if a key repeats.
  bool mark(const std::vector<KeyId>& keys, size_t base, size_t words) {
    if (bits_.size() < words) bits_.resize(words);
    uint64_t repeated = 0;
    for (const KeyId k : keys) {
      uint64_t& w = bits_[k / 64 - base];
      const uint64_t bit = uint64_t{1} << (k % 64);
      repeated |= w & bit;
      w |= bit;
    }
    if (repeated == 0) return true;
    for (const KeyId k : keys) bits_[k / 64 - base] = 0;
    return false;
  }

  std::vector<KeyId> scratch_;  // radix sort buffer
  std::vector<uint64_t> bits_;  // bitmap sort buffer, all clear between sorts
};

}  // namespace tidemark
