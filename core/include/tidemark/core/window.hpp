#pragma once
// Windows as values: the half-open interval and the spec that says which windows exist.

#include <string>
#include <string_view>
#include <type_traits>

#include "tidemark/core/time.hpp"

namespace tidemark {

// Half-open event-time interval [start, end).
struct Window {
  Timestamp start;
  Timestamp end;
  constexpr bool contains(Timestamp t) const { return start <= t && t < end; }
  friend constexpr auto operator<=>(const Window&, const Window&) = default;
};
static_assert(std::is_trivially_copyable_v<Window>);

enum class WindowKind { kTumbling, kHopping, kSliding, kSession };

// An immutable, validated window spec (docs/design.md §2), built by the named factories or parsed
// from `tumbling:SIZE[@OFFSET]`, `hopping:SIZE/ADVANCE[@OFFSET]`, `sliding:DIFF`, `session:GAP`.
class WindowSpec {
 public:
  static WindowSpec tumbling(Duration size, Duration offset = {});
  static WindowSpec hopping(Duration size, Duration advance, Duration offset = {});
  static WindowSpec sliding(Duration difference);
  static WindowSpec session(Duration gap);
  static WindowSpec parse(std::string_view text);
  // The most hopping windows an event may fall in (SIZE / ADVANCE, rounded up): each is updated
  // or emitted for it, so 8.64M (hopping:100d/1s) meant hours and gigabytes for a small trace.
  static constexpr int64_t kMaxHoppingWindowsPerEvent = 1'000'000;
  // The largest sliding DIFF (2^62 ms, ~146 million years): window bounds t - DIFF and
  // t + DIFF + 1 then stay within int64 wherever they do not saturate at the ends of time.
  static constexpr Duration kMaxSlidingDifference{int64_t{1} << 62};

  WindowKind kind() const { return kind_; }
  Duration size() const { return size_; }        // tumbling, hopping
  Duration advance() const { return advance_; }  // hopping (= size for tumbling)
  Duration offset() const { return offset_; }    // tumbling, hopping
  Duration difference() const { return size_; }  // sliding
  Duration gap() const { return size_; }         // session
  std::string to_string() const;

 private:
  WindowSpec(WindowKind k, Duration size, Duration advance, Duration offset)
      : kind_(k), size_(size), advance_(advance), offset_(offset) {}
  WindowKind kind_;
  Duration size_, advance_, offset_;
};

// (t - offset) mod size for a t - offset beyond int64: the two remainders taken apart. Out of
// line: it is never taken for the times traces hold.
[[gnu::noinline]] constexpr int64_t align_remainder_wide(Timestamp t, Duration size,
                                                         Duration offset) {
  const int64_t a = t.ms % size.ms, b = offset.ms % size.ms;
  const int64_t r = (a < 0 ? a + size.ms : a) - (b < 0 ? b + size.ms : b);
  return r < 0 ? r + size.ms : r;
}

// How far t lies into the window of `size` (shifted by `offset`) that contains it: (t - offset)
// mod size, in [0, size); correct for t < 0 and, without forming t - offset, near int64's ends.
constexpr int64_t align_remainder(Timestamp t, Duration size, Duration offset = {}) {
  int64_t shifted = 0;
  if (__builtin_sub_overflow(t.ms, offset.ms, &shifted)) [[unlikely]] {
    return align_remainder_wide(t, size, offset);
  }
  const int64_t r = shifted % size.ms;
  return r < 0 ? r + size.ms : r;
}

// Start of the window of `size` (shifted by `offset`) that contains t. A start below int64's
// range saturates to Timestamp::min() (-inf), as time.hpp's arithmetic does; the window's end is
// then t + (size - align_remainder), which stays exact.
constexpr Timestamp align_down(Timestamp t, Duration size, Duration offset = {}) {
  return Timestamp{saturating_sub(t.ms, align_remainder(t, size, offset))};
}

}  // namespace tidemark
