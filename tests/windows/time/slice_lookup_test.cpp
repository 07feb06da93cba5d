// SliceLookup: the cached slice of the last event looked up; holds() is the half-open range check
// every per-event path makes before any lookup.
#include "tidemark/windows/time/slice_lookup.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>

using tidemark::slicing::SliceLookup;
using tidemark::slicing::SliceTags;

namespace {
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
}  // namespace

TEST_CASE("a slice lookup holds no time before the first lookup", "[slice_lookup]") {
  const SliceLookup none;
  for (const int64_t t : {kMin, int64_t(-1), int64_t(0), int64_t(1), kMax}) {
    CHECK_FALSE(none.holds(t));
  }
  CHECK(none.tag == SliceTags::kUntagged);
}

TEST_CASE("a slice lookup holds its slice's start and not its end", "[slice_lookup]") {
  SliceLookup s;
  s.lo = -10;
  s.hi = 20;
  CHECK_FALSE(s.holds(-11));
  CHECK(s.holds(-10));
  CHECK(s.holds(0));
  CHECK(s.holds(19));
  CHECK_FALSE(s.holds(20));
}

TEST_CASE("a slice lookup at the int64 limits holds what its range holds", "[slice_lookup]") {
  SliceLookup s;
  s.lo = kMin;
  s.hi = kMin + 1;
  CHECK(s.holds(kMin));
  CHECK_FALSE(s.holds(kMin + 1));
  s.lo = kMax - 1;
  s.hi = kMax;
  CHECK(s.holds(kMax - 1));
  CHECK_FALSE(s.holds(kMax));  // the end is open: int64 max is no slice's time
  s.lo = kMin;
  CHECK(s.holds(kMin));
  CHECK(s.holds(0));
}
