#include "tidemark/generators/arrival_order.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "test_support.hpp"

using namespace tidemark;
using namespace tidemark::gen;

namespace {

// The reference: a stable sort of generation indices by receive time.
void check_against_stable_sort(const std::vector<int64_t>& receive) {
  std::vector<size_t> expected(receive.size());
  std::iota(expected.begin(), expected.end(), size_t(0));
  std::stable_sort(expected.begin(), expected.end(),
                   [&](size_t a, size_t b) { return receive[a] < receive[b]; });
  const ArrivalOrder order(WordBuffer(receive.begin(), receive.end()));
  REQUIRE(order.size() == receive.size());
  for (size_t k = 0; k < receive.size(); ++k) {
    REQUIRE(order.index(k) == expected[k]);
    REQUIRE(order.receive(k) == receive[expected[k]]);
  }
  // The same with the bounds given, as generate_trace does.
  if (receive.empty()) return;
  const auto [lo, hi] = std::minmax_element(receive.begin(), receive.end());
  const ArrivalOrder given(WordBuffer(receive.begin(), receive.end()), *lo, *hi);
  REQUIRE(given.size() == receive.size());
  for (size_t k = 0; k < receive.size(); ++k) {
    REQUIRE(given.index(k) == expected[k]);
    REQUIRE(given.receive(k) == receive[expected[k]]);
  }
}

}  // namespace

TEST_CASE("ArrivalOrder is a stable sort by receive time", "[generators]") {
  tidemark::test::Rng rng(21);
  SECTION("empty, one, all equal") {
    check_against_stable_sort({});
    check_against_stable_sort({42});
    check_against_stable_sort(std::vector<int64_t>(1000, -7));
  }
  SECTION("every length up to 40, some of them in parts that do not divide evenly") {
    for (size_t n = 1; n <= 40; ++n) {
      std::vector<int64_t> r(n);
      for (int64_t& x : r) x = rng.uniform(0, 3000);  // buckets of more than one word
      check_against_stable_sort(r);
    }
    std::vector<int64_t> r(100'003);
    for (size_t i = 0; i < r.size(); ++i) r[i] = int64_t(i) + rng.uniform(0, 300);
    check_against_stable_sort(r);
  }
  SECTION("many ties, negative times") {
    std::vector<int64_t> r(5000);
    for (int64_t& x : r) x = rng.uniform(-20, 20);
    check_against_stable_sort(r);
  }
  SECTION("locally shuffled with a few very late arrivals (a generated trace's shape)") {
    std::vector<int64_t> r(100'000);
    for (size_t i = 0; i < r.size(); ++i) {
      r[i] = 1'767'225'600'000 + int64_t(i) + rng.uniform(0, 200) +
             (rng.chance(1) ? rng.uniform(0, 10'000'000) : 0);
    }
    check_against_stable_sort(r);
  }
  SECTION("key ranges of one, two and three radix passes") {
    for (int64_t range : {int64_t(1) << 10, int64_t(1) << 20, int64_t(1) << 30}) {
      std::vector<int64_t> r(20'000);
      for (int64_t& x : r) x = rng.uniform(0, range);
      check_against_stable_sort(r);
    }
  }
  SECTION("keys too wide to pack with the index: the comparison sort") {
    std::vector<int64_t> r(3000);
    for (int64_t& x : r) x = rng.chance(50) ? int64_t(rng.next()) : 5;  // any word
    r[7] = INT64_MIN;
    r[9] = INT64_MAX;
    check_against_stable_sort(r);
  }
}

TEST_CASE("sort_by_arrival reorders events stably by receive time and numbers the rows",
          "[generators]") {
  tidemark::test::Rng rng(22);
  std::vector<Event> events(10'000);
  for (size_t i = 0; i < events.size(); ++i) {
    events[i].receive_time.ms = rng.uniform(0, 500);  // many ties
    events[i].value = double(i);                      // the generation index, to check ties
    events[i].key = KeyId(i % 7);
  }
  std::vector<Event> expected = events;
  std::stable_sort(expected.begin(), expected.end(),
                   [](const Event& a, const Event& b) { return a.receive_time < b.receive_time; });
  sort_by_arrival(events);
  REQUIRE(events.size() == expected.size());
  for (size_t k = 0; k < events.size(); ++k) {
    REQUIRE(events[k].value == expected[k].value);
    REQUIRE(events[k].receive_time == expected[k].receive_time);
    REQUIRE(events[k].key == expected[k].key);
    REQUIRE(events[k].row == k + 1);
  }
  std::vector<Event> none;
  sort_by_arrival(none);
  CHECK(none.empty());
}

TEST_CASE("ScratchBuffer behaves as a vector once its elements are written", "[generators]") {
  tidemark::test::Rng rng(23);
  // Past 2 MiB, so the huge-page path of the allocator is taken too.
  for (size_t n : {size_t(0), size_t(1), size_t(1000), size_t(300'000)}) {
    ScratchBuffer<int64_t> buffer(n);
    std::vector<int64_t> expected(n);
    for (size_t i = 0; i < n; ++i) buffer[i] = expected[i] = rng.uniform(-1000, 1000);
    buffer.push_back(5);
    expected.push_back(5);
    buffer.resize(n / 2);
    expected.resize(n / 2);
    REQUIRE(std::vector<int64_t>(buffer.begin(), buffer.end()) == expected);
    const ScratchBuffer<int64_t> copy(expected.begin(), expected.end());
    REQUIRE(copy == buffer);
  }
}
