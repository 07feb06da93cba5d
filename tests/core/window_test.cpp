#include "tidemark/core/window.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <string>
#include <variant>

#include "tidemark/core/error.hpp"
#include "tidemark/windows/spec/assigners.hpp"

using namespace tidemark;

namespace {
// The spec `text` parses to, which must be of kind Kind.
template <class Kind>
Kind parsed(const char* text) {
  return std::get<Kind>(WindowSpec::parse(text).kinds());
}
std::vector<Window> hop(const char* spec, int64_t t) {
  const auto w = parsed<HoppingSpec>(spec);
  std::vector<Window> out;
  HoppingAssigner(w.size(), w.advance(), w.offset()).assign(Timestamp{t}, out);
  return out;
}
Window tumble(const char* spec, int64_t t) {
  const auto w = parsed<TumblingSpec>(spec);
  return TumblingAssigner(w.size(), w.offset()).window_of(Timestamp{t});
}
// The kind's name, found by visiting: what callers do to pick an operator.
std::string kind_of(const WindowSpec& w) {
  return w.visit(Overloaded{
      [](const TumblingSpec&) { return "tumbling"; },
      [](const HoppingSpec&) { return "hopping"; },
      [](const SlidingSpec&) { return "sliding"; },
      [](const SessionSpec&) { return "session"; },
  });
}
Window W(int64_t s, int64_t e) {
  return {Timestamp{s}, Timestamp{e}};
}
}  // namespace

TEST_CASE("window specs parse and print", "[windows]") {
  CHECK(WindowSpec::parse("tumbling:1m").to_string() == "tumbling:1m");
  CHECK(parsed<TumblingSpec>("tumbling:10s@2s").offset() == Duration{2000});
  CHECK(WindowSpec::parse("hopping:1m/10s@-5s").to_string() == "hopping:1m/10s@-5s");
  CHECK(parsed<SlidingSpec>("sliding:5s").difference() == Duration{5000});
  CHECK(parsed<SessionSpec>("session:30s").gap() == Duration{30000});
}

TEST_CASE("each kind parses to its own spec with its own numbers", "[windows]") {
  const auto t = parsed<TumblingSpec>("tumbling:10s@-2s");
  CHECK(t.size() == Duration{10'000});
  CHECK(t.offset() == Duration{-2'000});
  CHECK(parsed<TumblingSpec>("tumbling:10s").offset() == Duration{});
  const auto h = parsed<HoppingSpec>("hopping:1m/10s@3s");
  CHECK(h.size() == Duration{60'000});
  CHECK(h.advance() == Duration{10'000});
  CHECK(h.offset() == Duration{3'000});
  CHECK(parsed<SlidingSpec>("sliding:1h").difference() == Duration{3'600'000});
  CHECK(parsed<SessionSpec>("session:1ms").gap() == Duration{1});
  CHECK(kind_of(WindowSpec::parse("tumbling:1s")) == "tumbling");
  CHECK(kind_of(WindowSpec::parse("hopping:2s/1s")) == "hopping");
  CHECK(kind_of(WindowSpec::parse("sliding:1s")) == "sliding");
  CHECK(kind_of(WindowSpec::parse("session:1s")) == "session");
  // A spec made from numbers is the one its spelling parses to.
  CHECK(WindowSpec::parse("hopping:1m/10s@3s") ==
        WindowSpec(HoppingSpec(Duration{60'000}, Duration{10'000}, Duration{3'000})));
  CHECK(WindowSpec::parse("tumbling:10s") == WindowSpec(TumblingSpec(Duration{10'000})));
  // The same numbers under another kind are another spec.
  CHECK(WindowSpec(SlidingSpec(Duration{5})) != WindowSpec(SessionSpec(Duration{5})));
  CHECK(WindowSpec(TumblingSpec(Duration{5})) != WindowSpec(HoppingSpec(Duration{5}, Duration{5})));
}

TEST_CASE("window specs print what parses back to the same spec", "[windows]") {
  const WindowSpec made[] = {
      TumblingSpec(Duration{1}),
      TumblingSpec(Duration{90'000}, Duration{-89'999}),
      TumblingSpec(Duration{86'400'000}, Duration{3'600'000}),
      HoppingSpec(Duration{10}, Duration{3}, Duration{-2}),
      HoppingSpec(Duration{60'000}, Duration{60'000}),
      HoppingSpec(Duration{1'000'000}, Duration{1}),
      SlidingSpec(Duration{1}),
      SlidingSpec(SlidingSpec::kMaxDifference),
      SessionSpec(Duration{1'500}),
      SessionSpec(Duration{std::numeric_limits<int64_t>::max()}),
  };
  for (const WindowSpec& w : made) {
    INFO(w.to_string());
    CHECK(WindowSpec::parse(w.to_string()) == w);
    CHECK(WindowSpec::parse(w.to_string()).to_string() == w.to_string());
  }
  CHECK(WindowSpec(TumblingSpec(Duration{90'000}, Duration{-89'999})).to_string() ==
        "tumbling:90s@-89999ms");
  CHECK(WindowSpec(HoppingSpec(Duration{60'000}, Duration{60'000})).to_string() == "hopping:1m/1m");
  CHECK(WindowSpec(SessionSpec(Duration{1'500})).to_string() == "session:1500ms");
}

TEST_CASE("each kind's spec is checked when it is made, with the message parse gives",
          "[windows]") {
  auto message = [](auto make) -> std::string {
    try {
      make();
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK(message([] { (void)TumblingSpec(Duration{0}); }) ==
        "window: tumbling size must be > 0, got 0");
  CHECK(message([] { (void)TumblingSpec(Duration{10}, Duration{-10}); }) ==
        "window: tumbling offset must be in (-10ms, 10ms), got -10ms");
  CHECK(message([] { (void)HoppingSpec(Duration{-1}, Duration{1}); }) ==
        "window: hopping size must be > 0, got -1ms");
  CHECK(message([] { (void)HoppingSpec(Duration{10}, Duration{11}); }) ==
        "window: hopping advance must be in (0, 10ms], got 11ms");
  CHECK(message([] { (void)HoppingSpec(Duration{10}, Duration{5}, Duration{5}); }) ==
        "window: hopping offset must be in (-5ms, 5ms), got 5ms");
  CHECK(message([] { (void)HoppingSpec(Duration{1'000'001}, Duration{1}); }) ==
        "window: hopping 1000001ms/1ms puts every event in 1000001 windows; at most 1000000 (a "
        "longer advance, or sliding:DIFF)");
  CHECK(message([] { (void)SlidingSpec(Duration{0}); }) ==
        "window: sliding difference must be > 0, got 0");
  CHECK(message([] { (void)SlidingSpec(Duration{SlidingSpec::kMaxDifference.ms + 1}); }) ==
        "window: sliding difference must be at most 4611686018427387904ms (2^62 ms, ~146 "
        "million years), got 4611686018427387905ms");
  CHECK(message([] { (void)SessionSpec(Duration{-1'000}); }) ==
        "window: session gap must be > 0, got -1s");
  // The text form reports the same as the spec made from its numbers.
  CHECK(message([] { WindowSpec::parse("tumbling:10ms@-10ms"); }) ==
        message([] { (void)TumblingSpec(Duration{10}, Duration{-10}); }));
  CHECK(message([] { WindowSpec::parse("sliding:0"); }) ==
        message([] { (void)SlidingSpec(Duration{0}); }));
  CHECK(message([] { WindowSpec::parse("hopping:10ms/5ms@5ms"); }) ==
        message([] { (void)HoppingSpec(Duration{10}, Duration{5}, Duration{5}); }));
  CHECK(message([] { WindowSpec::parse("session:-1s"); }) ==
        message([] { (void)SessionSpec(Duration{-1'000}); }));
  // At the bounds, each is a spec.
  CHECK(message([] { (void)TumblingSpec(Duration{10}, Duration{9}); }) == "no error");
  CHECK(message([] { (void)HoppingSpec(Duration{10}, Duration{10}, Duration{-9}); }) == "no error");
  CHECK(message([] { (void)SlidingSpec(SlidingSpec::kMaxDifference); }) == "no error");
}

TEST_CASE("invalid window specs are errors naming the value", "[windows]") {
  CHECK_THROWS_WITH(WindowSpec::parse("tumbling:0"), Catch::Contains("size must be > 0, got 0"));
  CHECK_THROWS_WITH(WindowSpec::parse("hopping:10s/12s"),
                    Catch::Contains("advance must be in (0, 10s], got 12s"));
  CHECK_THROWS_WITH(WindowSpec::parse("hopping:10s/0"), Catch::Contains("got 0"));
  // At most a million windows per event: hopping:100d/1s asked for 8.64M of them.
  CHECK(parsed<HoppingSpec>("hopping:1000s/1ms").size() == Duration{1'000'000});
  CHECK_THROWS_WITH(WindowSpec::parse("hopping:1000001ms/1ms"),
                    Catch::Contains("1000001 windows") && Catch::Contains("at most 1000000"));
  CHECK_THROWS_WITH(WindowSpec::parse("hopping:100d/1s"), Catch::Contains("8640000 windows"));
  CHECK_THROWS_WITH(WindowSpec::parse("hopping:9223372036854775807ms/1d"),
                    Catch::Contains("106751991168 windows"));
  CHECK_THROWS_WITH(WindowSpec::parse("tumbling:10s@10s"), Catch::Contains("offset"));
  CHECK_THROWS_WITH(WindowSpec::parse("hopping:10s/2s@2s"), Catch::Contains("offset"));
  CHECK_THROWS_WITH(WindowSpec::parse("sliding:0"), Catch::Contains("difference"));
  // Beyond 2^62 ms, DIFF + 2 would overflow: every event came out late, or windows empty.
  CHECK(parsed<SlidingSpec>("sliding:4611686018427387904ms").difference() ==
        SlidingSpec::kMaxDifference);
  CHECK_THROWS_WITH(WindowSpec::parse("sliding:4611686018427387905ms"),
                    Catch::Contains("at most") && Catch::Contains("4611686018427387905ms"));
  CHECK_THROWS_WITH(WindowSpec::parse("sliding:9223372036854775807ms"), Catch::Contains("at most"));
  CHECK_THROWS_WITH(WindowSpec::parse("session:-1s"), Catch::Contains("gap"));
  CHECK_THROWS_WITH(WindowSpec::parse("rolling:1m"), Catch::Contains("unknown kind"));
  CHECK_THROWS_AS(WindowSpec::parse("tumbling"), ConfigError);
  CHECK_THROWS_AS(WindowSpec::parse("hopping:10s"), ConfigError);
  CHECK_THROWS_AS(WindowSpec::parse("tumbling:10q"), ConfigError);
}

TEST_CASE("tumbling assignment table", "[windows]") {
  CHECK(tumble("tumbling:10ms", 0) == W(0, 10));
  CHECK(tumble("tumbling:10ms", 9) == W(0, 10));
  CHECK(tumble("tumbling:10ms", 10) == W(10, 20));  // t == end belongs to the next window
  CHECK(tumble("tumbling:10ms", -1) == W(-10, 0));  // floor modulo for negative times
  CHECK(tumble("tumbling:10ms", -10) == W(-10, 0));
  CHECK(tumble("tumbling:10ms", -11) == W(-20, -10));
  CHECK(tumble("tumbling:10ms@3ms", 2) == W(-7, 3));
  CHECK(tumble("tumbling:10ms@3ms", 3) == W(3, 13));
  CHECK(tumble("tumbling:10ms@-3ms", 8) == W(7, 17));
  CHECK(tumble("tumbling:1d", 1'763'719'200'123) == W(1'763'683'200'000, 1'763'769'600'000));
}

TEST_CASE("hopping assignment table", "[windows]") {
  // size 10, advance 5: each time is in two windows, oldest first.
  CHECK(hop("hopping:10ms/5ms", 7) == std::vector{W(0, 10), W(5, 15)});
  CHECK(hop("hopping:10ms/5ms", 5) == std::vector{W(0, 10), W(5, 15)});
  CHECK(hop("hopping:10ms/5ms", 10) == std::vector{W(5, 15), W(10, 20)});  // t == end of [0,10)
  CHECK(hop("hopping:10ms/5ms", -1) == std::vector{W(-10, 0), W(-5, 5)});
  // size not a multiple of advance: 10/3 gives 3 or 4 windows.
  CHECK(hop("hopping:10ms/3ms", 9) == std::vector{W(0, 10), W(3, 13), W(6, 16), W(9, 19)});
  CHECK(hop("hopping:10ms/3ms", 10) == std::vector{W(3, 13), W(6, 16), W(9, 19)});
  // offset shifts every start.
  CHECK(hop("hopping:10ms/5ms@2ms", 2) == std::vector{W(-3, 7), W(2, 12)});
  CHECK(hop("hopping:10ms/5ms@2ms", 1) == std::vector{W(-8, 2), W(-3, 7)});
  // advance == size is tumbling.
  CHECK(hop("hopping:10ms/10ms", 13) == std::vector{W(10, 20)});
  CHECK(hop("hopping:1m/1s", 59'999).size() == 60);
}

TEST_CASE("assignment at the ends of int64 saturates the bounds beyond it, exact within it",
          "[windows]") {
  constexpr int64_t lo = std::numeric_limits<int64_t>::min();
  constexpr int64_t hi = std::numeric_limits<int64_t>::max();
  // lo + 3 = 5 (mod 10): the window's start lo - 2 is beyond int64 and saturates to -inf; its
  // end lo + 8 is exact.
  CHECK(tumble("tumbling:10ms", lo + 3) == W(lo, lo + 8));
  // Offsets shift the remainder without forming t - offset (which overflows here).
  CHECK(tumble("tumbling:10ms@4ms", lo + 3) == W(lo + 2, lo + 12));
  CHECK(tumble("tumbling:10ms@-4ms", hi - 3) == W(hi - 11, hi - 1));
  CHECK(tumble("tumbling:10ms", hi) == W(hi - 7, hi));
  CHECK(align_down(Timestamp{lo}, Duration{10}) == Timestamp::min());
  CHECK(align_down(Timestamp{lo + 3}, Duration{10}, Duration{4}) == Timestamp{lo + 2});
  CHECK(align_remainder(Timestamp{hi - 3}, Duration{10}, Duration{-4}) == 8);
  // Hopping windows are placed one by one, so the loop ends where saturated bounds repeat.
  CHECK(hop("hopping:10ms/5ms", lo + 3) == std::vector{W(lo, lo + 8), W(lo + 3, lo + 13)});
  CHECK(hop("hopping:10ms/5ms", hi) == std::vector{W(hi - 7, hi), W(hi - 2, hi)});
  CHECK(hop("hopping:10ms/5ms@-4ms", hi - 3) == std::vector{W(hi - 11, hi - 1), W(hi - 6, hi)});
  CHECK(hop("hopping:1m/1s", lo).size() == 60);
  CHECK(hop("hopping:1m/1s", hi).size() == 60);
}

TEST_CASE("a window holds its start and not its end", "[windows]") {
  constexpr Window w{Timestamp{-10}, Timestamp{0}};
  STATIC_REQUIRE(w.contains(Timestamp{-10}));
  STATIC_REQUIRE(w.contains(Timestamp{-1}));
  STATIC_REQUIRE_FALSE(w.contains(Timestamp{0}));
  STATIC_REQUIRE_FALSE(w.contains(Timestamp{-11}));
  STATIC_REQUIRE_FALSE(Window{Timestamp{5}, Timestamp{5}}.contains(Timestamp{5}));  // empty
  // Unbounded windows hold every finite time.
  constexpr Window all{Timestamp::min(), Timestamp::max()};
  STATIC_REQUIRE(all.contains(Timestamp{std::numeric_limits<int64_t>::max() - 1}));
  STATIC_REQUIRE(all.contains(Timestamp::min()));
}

TEST_CASE("windows order by start, then by end", "[windows]") {
  CHECK(W(0, 10) < W(5, 10));
  CHECK(W(0, 10) < W(0, 20));
  CHECK(W(0, 20) < W(5, 10));  // the start decides first
  CHECK(W(3, 7) == W(3, 7));
  CHECK_FALSE(W(3, 7) != W(3, 7));
}

TEST_CASE(
    "alignment is floor modulo: 0 <= remainder < size before and after 0, shifted by the offset",
    "[windows]") {
  for (int64_t t = -25; t <= 25; ++t) {
    for (const int64_t offset : {int64_t(0), int64_t(3), int64_t(-3), int64_t(9)}) {
      INFO("t " << t << ", offset " << offset);
      const int64_t r = align_remainder(Timestamp{t}, Duration{10}, Duration{offset});
      CHECK(r >= 0);
      CHECK(r < 10);
      CHECK((t - offset - r) % 10 == 0);  // the start is offset + a multiple of the size
      const Timestamp start = align_down(Timestamp{t}, Duration{10}, Duration{offset});
      CHECK(start.ms == t - r);
      CHECK(W(start.ms, start.ms + 10).contains(Timestamp{t}));
    }
  }
  STATIC_REQUIRE(align_down(Timestamp{-1}, Duration{10}) == Timestamp{-10});
  STATIC_REQUIRE(align_remainder(Timestamp{13}, Duration{10}, Duration{-3}) == 6);
}
