// FallbackChain: a strategy that covers part of the input and the one that takes over from it.
// With two toy strategies (one that holds a few keys, one that holds any), the chain must hand
// over exactly once, at the first event (or restored window) the first cannot hold, with every
// open window and that event; afterwards only the successor sees calls, and the sizes and
// emissions are its.
#include "tidemark/windows/time/fallback_chain.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <memory>

#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/output/emitter.hpp"

using namespace tidemark;

namespace {

// One window per key, [0, 10): what both toy strategies hold is each key's aggregate.
constexpr Window kWindow{Timestamp{0}, Timestamp{10}};

struct AnyKeys {
  std::map<KeyId, Aggregate> windows;
  std::map<KeyId, bool> fired;
  const StateBudget* budget = nullptr;
  int adds = 0;

  void restore(KeyId k, Window w, const Aggregate& a, bool was_fired) {
    REQUIRE(w == kWindow);
    windows[k] = a;
    fired[k] = was_fired;
  }
  bool add(KeyId k, Timestamp t, double v, Timestamp, Emitter&) {
    ++adds;
    if (!kWindow.contains(t)) return false;
    windows[k] = combine(windows[k], lift(v));
    return true;
  }
  void fire(Timestamp clock, Emitter& em) {
    if (clock < kWindow.end) return;
    for (const auto& [k, a] : windows) em.emit(k, kWindow, lower(a), EmissionKind::kOnTime);
    windows.clear();
  }
  void set_state_budget(const StateBudget* b) { budget = b; }
  size_t open_windows() const { return windows.size(); }
  size_t state_bytes() const { return 1000 + windows.size(); }
};

// Holds keys below `limit` (none: it cannot hold the grid at all).
struct FewKeys {
  using Successor = AnyKeys;
  explicit FewKeys(KeyId limit) : limit(limit) {}

  KeyId limit;
  std::map<KeyId, Aggregate> windows;
  int adds = 0, fast_adds = 0, successors = 0, changes = 0;

  bool holds_grid() const { return limit > 0; }
  bool add_fast(KeyId k, Timestamp t, double v, Timestamp) {
    if (k >= limit || !windows.count(k) || !kWindow.contains(t)) return false;
    ++fast_adds;
    windows[k] = combine(windows[k], lift(v));
    return true;
  }
  Added add(KeyId k, Timestamp t, double v, Timestamp, Emitter&) {
    ++adds;
    if (!kWindow.contains(t)) return Added::kLate;
    if (k >= limit) return Added::kHandOver;
    windows[k] = combine(windows[k], lift(v));
    return Added::kAccepted;
  }
  bool restore(KeyId k, Window, const Aggregate& a, bool) {
    if (k >= limit) return false;
    windows[k] = a;
    return true;
  }
  void fire(Timestamp, Emitter&) {}
  std::unique_ptr<AnyKeys> successor() {
    ++successors;
    return std::make_unique<AnyKeys>();
  }
  void hand_over_to(AnyKeys& next) {
    for (const auto& [k, a] : windows) next.restore(k, kWindow, a, false);
    windows.clear();
  }
  void note_change() { ++changes; }
  void set_state_budget(const StateBudget*) {}
  size_t open_windows() const { return windows.size(); }
  size_t state_bytes() const { return windows.size(); }
};

}  // namespace

TEST_CASE("the chain stays with the first strategy while it holds every event") {
  CollectingSink sink;
  Emitter em(sink);
  FallbackChain<FewKeys> chain(KeyId{4});
  CHECK(chain.add(1, Timestamp{1}, 2, Timestamp{1}, em));
  CHECK(chain.add(1, Timestamp{2}, 3, Timestamp{2}, em));         // the first strategy's fast path
  CHECK_FALSE(chain.add(2, Timestamp{20}, 3, Timestamp{2}, em));  // late: no hand-over
  CHECK_FALSE(chain.handed_over());
  CHECK(chain.first().fast_adds == 1);
  CHECK(chain.first().adds == 2);
  CHECK(chain.open_windows() == 1);
}

TEST_CASE("the first event the first strategy cannot hold hands every window over, once") {
  CollectingSink sink;
  Emitter em(sink);
  FallbackChain<FewKeys> chain(KeyId{4});
  chain.add(1, Timestamp{1}, 2, Timestamp{1}, em);
  chain.add(3, Timestamp{1}, 5, Timestamp{1}, em);
  CHECK(chain.add(7, Timestamp{2}, 1, Timestamp{2}, em));  // beyond the first strategy
  REQUIRE(chain.handed_over());
  CHECK(chain.first().successors == 1);
  CHECK(chain.first().windows.empty());
  CHECK(chain.open_windows() == 3);  // the successor's: keys 1, 3 and 7
  CHECK(chain.state_bytes() == 1003);
  const int first_adds = chain.first().adds;
  CHECK(chain.add(1, Timestamp{3}, 4, Timestamp{3}, em));
  CHECK(chain.add(9, Timestamp{3}, 4, Timestamp{3}, em));
  CHECK(chain.first().adds == first_adds);  // the first strategy sees no more events
  CHECK(chain.first().successors == 1);
  CHECK(chain.first().changes >= 2);  // it hears that sizes may have changed
  chain.fire(Timestamp{10}, em);
  REQUIRE(sink.emissions.size() == 4);
  CHECK(sink.emissions[0].key == 1);
  CHECK(sink.emissions[0].stats.count == 2);  // one event before the hand-over, one after
  CHECK(sink.emissions[0].stats.sum == 6);
  CHECK(sink.emissions[1].key == 3);
  CHECK(sink.emissions[1].stats.sum == 5);
  CHECK(sink.emissions[2].key == 7);
  CHECK(sink.emissions[3].key == 9);
}

TEST_CASE("a restored window the first strategy cannot hold hands over too") {
  FallbackChain<FewKeys> chain(KeyId{4});
  chain.restore(2, kWindow, lift(1), false);
  CHECK_FALSE(chain.handed_over());
  chain.restore(5, kWindow, lift(2), true);
  REQUIRE(chain.handed_over());
  CHECK(chain.open_windows() == 2);
  chain.restore(1, kWindow, lift(3), false);  // straight to the successor
  CHECK(chain.first().windows.empty());
  CHECK(chain.open_windows() == 3);
}

TEST_CASE("a first strategy that cannot hold the grid hands over at once") {
  CollectingSink sink;
  Emitter em(sink);
  FallbackChain<FewKeys> chain(KeyId{0});
  CHECK(chain.handed_over());
  CHECK(chain.add(0, Timestamp{1}, 1, Timestamp{1}, em));
  CHECK(chain.first().adds == 0);
  CHECK(chain.open_windows() == 1);
}
