#pragma once
// 32-bit names for the slices near the stream's front: what lets a key's newest-slice record
// (slicing::Newest) and a column's records name their slice in 32 bits, 32 bytes in all.

#include <cstdint>
#include <limits>

namespace tidemark::slicing {

// Slices base + [0, kRange) have tags 1..kRange; others are never cached.
class SliceTags {
 public:
  static constexpr uint32_t kNoTag = 0;
  static constexpr uint32_t kUntagged = std::numeric_limits<uint32_t>::max();  // never stored
  static constexpr int64_t kRange = (int64_t(1) << 32) - 2;

  uint32_t tag_of(int64_t j) const {
    const int64_t d = j - base_;
    return d >= 0 && d < kRange ? uint32_t(d + 1) : kUntagged;
  }
  int64_t slice_of(uint32_t tag) const { return base_ + int64_t(tag) - 1; }
  // Whether slice j, at or above the range's start, is below its end.
  bool reaches(int64_t j) const { return j - base_ < kRange; }
  // Moves the range up to hold slice j, which is above it, with room for 2^31 slices more: every
  // tag stored before means another slice now.
  void move_to(int64_t j) { base_ = j - (int64_t(1) << 31); }

 private:
  int64_t base_ = -(int64_t(1) << 31);
};

}  // namespace tidemark::slicing
