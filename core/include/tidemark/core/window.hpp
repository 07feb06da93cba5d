#pragma once
// Windows as values: the half-open interval and the spec that says which windows exist.

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "tidemark/core/time/time.hpp"

namespace tidemark {

// Half-open event-time interval [start, end).
struct Window {
  Timestamp start;
  Timestamp end;
  constexpr bool contains(Timestamp t) const { return start <= t && t < end; }
  friend constexpr auto operator<=>(const Window&, const Window&) = default;
};
static_assert(std::is_trivially_copyable_v<Window>);

// The spec of each window kind, validated when it is made (docs/design.md §2); a WindowSpec is
// one of them, parsed from `tumbling:SIZE[@OFFSET]`, `hopping:SIZE/ADVANCE[@OFFSET]`,
// `sliding:DIFF`, `session:GAP`. Callers visit it once and hand each kind's numbers on.

// Windows of `size` back to back, their starts shifted by `offset` from multiples of size.
class TumblingSpec {
 public:
  // Throws ConfigError unless size > 0 and -size < offset < size.
  explicit TumblingSpec(Duration size, Duration offset = {});
  Duration size() const { return size_; }
  Duration offset() const { return offset_; }
  std::string to_string() const;
  friend bool operator==(const TumblingSpec&, const TumblingSpec&) = default;

 private:
  Duration size_, offset_;
};

// Windows of `size` starting every `advance` (<= size), shifted by `offset`.
class HoppingSpec {
 public:
  // The most hopping windows an event may fall in (SIZE / ADVANCE, rounded up): each is updated
  // or emitted for it, so 8.64M (hopping:100d/1s) meant hours and gigabytes for a small trace.
  static constexpr int64_t kMaxWindowsPerEvent = 1'000'000;

  // Throws ConfigError unless size > 0, 0 < advance <= size, -advance < offset < advance and
  // an event falls in at most kMaxWindowsPerEvent windows.
  HoppingSpec(Duration size, Duration advance, Duration offset = {});
  Duration size() const { return size_; }
  Duration advance() const { return advance_; }
  Duration offset() const { return offset_; }
  std::string to_string() const;
  friend bool operator==(const HoppingSpec&, const HoppingSpec&) = default;

 private:
  Duration size_, advance_, offset_;
};

// Record-driven windows: two events share one iff their times differ by at most `difference`.
class SlidingSpec {
 public:
  // The largest DIFF (2^62 ms, ~146 million years): window bounds t - DIFF and t + DIFF + 1 then
  // stay within int64 wherever they do not saturate at the ends of time.
  static constexpr Duration kMaxDifference{int64_t{1} << 62};

  // Throws ConfigError unless 0 < difference <= kMaxDifference.
  explicit SlidingSpec(Duration difference);
  Duration difference() const { return difference_; }
  std::string to_string() const;
  friend bool operator==(const SlidingSpec&, const SlidingSpec&) = default;

 private:
  Duration difference_;
};

// Per key, windows of events less than or exactly `gap` apart: [first, last + gap).
class SessionSpec {
 public:
  // Throws ConfigError unless gap > 0.
  explicit SessionSpec(Duration gap);
  Duration gap() const { return gap_; }
  std::string to_string() const;
  friend bool operator==(const SessionSpec&, const SessionSpec&) = default;

 private:
  Duration gap_;
};

// Which windows exist: one kind's validated spec. Implicitly made from each, so
// `config.window = SessionSpec(Duration{30'000})` reads as it says.
class WindowSpec {
 public:
  using Kinds = std::variant<TumblingSpec, HoppingSpec, SlidingSpec, SessionSpec>;

  WindowSpec(TumblingSpec s) : kinds_(s) {}
  WindowSpec(HoppingSpec s) : kinds_(s) {}
  WindowSpec(SlidingSpec s) : kinds_(s) {}
  WindowSpec(SessionSpec s) : kinds_(s) {}
  // Throws ConfigError naming the text and what is wrong with it.
  static WindowSpec parse(std::string_view text);

  // Calls f with the kind's spec (an Overloaded of one lambda per kind, or a generic one).
  template <class F>
  decltype(auto) visit(F&& f) const {
    return std::visit(std::forward<F>(f), kinds_);
  }
  const Kinds& kinds() const { return kinds_; }
  // The spelling parse() reads back to an equal spec.
  std::string to_string() const;
  friend bool operator==(const WindowSpec&, const WindowSpec&) = default;

 private:
  Kinds kinds_;
};

// One callable from a lambda per kind, for WindowSpec::visit and std::visit.
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

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
