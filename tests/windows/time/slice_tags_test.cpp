// slicing::SliceTags: the 32-bit names of the slices near the stream's front. A tag names one
// slice until the range moves; slices outside the range have none; zero is never a slice's tag.
#include "tidemark/windows/time/slice_tags.hpp"

#include <catch2/catch.hpp>
#include <cstdint>

using tidemark::slicing::SliceTags;

TEST_CASE("slice tags name the slices of their range, and only those") {
  SliceTags tags;
  for (const int64_t j : {int64_t{0}, int64_t{-5}, int64_t{1} << 20, -(int64_t{1} << 31)}) {
    const uint32_t tag = tags.tag_of(j);
    CHECK(tag != SliceTags::kNoTag);
    CHECK(tag != SliceTags::kUntagged);
    CHECK(tags.slice_of(tag) == j);
  }
  CHECK(tags.tag_of(-(int64_t{1} << 31) - 1) == SliceTags::kUntagged);  // below the range
  const int64_t end = -(int64_t{1} << 31) + SliceTags::kRange;
  CHECK(tags.reaches(end - 1));
  CHECK_FALSE(tags.reaches(end));
  CHECK(tags.tag_of(end - 1) != SliceTags::kUntagged);
  CHECK(tags.tag_of(end) == SliceTags::kUntagged);
}

TEST_CASE("moving the range keeps 2^31 slices below the new one and 2^31 - 2 above it") {
  SliceTags tags;
  const int64_t j = int64_t{1} << 40;
  REQUIRE_FALSE(tags.reaches(j));
  tags.move_to(j);
  CHECK(tags.reaches(j));
  CHECK(tags.slice_of(tags.tag_of(j)) == j);
  CHECK(tags.tag_of(j - (int64_t{1} << 31)) != SliceTags::kUntagged);
  CHECK(tags.tag_of(j - (int64_t{1} << 31) - 1) == SliceTags::kUntagged);
  CHECK(tags.reaches(j + (int64_t{1} << 31) - 3));
  CHECK_FALSE(tags.reaches(j + (int64_t{1} << 31) - 2));
}
