// SessionTimerWheel against a plain ordered multiset: the same timers reach settle() once each
// per due time, and the kept ones reach f() in (due, end, key) order, whatever the wheel's
// layout (chunk overflow, several ends in one slot, timers beyond the wheel, saturated dues).
#include "tidemark/windows/session/session_timer_wheel.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "test_support.hpp"

using namespace tidemark;

namespace {

// What the callbacks do with a timer depends on the timer alone, so that the wheel and the
// reference, fed the same timers, push the same ones.
bool kept(const SessionTimer& t) {
  return (t.key + uint64_t(t.end.ms)) % 3 != 0;
}
// A later timer pushed from a callback, or nothing; sometimes due at the same time (it joins the
// batch being popped).
std::optional<SessionTimer> follow_up(const SessionTimer& t, bool from_settle) {
  const uint64_t h = t.key * 31 + uint64_t(t.end.ms) * 7 + (from_settle ? 1 : 0);
  if (t.key >= 1000 || h % 4 != 0) return std::nullopt;  // follow-ups have keys >= 1000: no chains
  const int64_t later = h % 8 == 0 ? 0 : int64_t(h % 5000);
  return SessionTimer{t.due + Duration{later}, t.end + Duration{1 + later}, t.key + 1000};
}

struct Log {
  std::vector<std::pair<int64_t, std::multiset<SessionTimer>>> settled;  // per due time
  std::vector<SessionTimer> fired;                                       // in f's order
};

// The reference: one ordered multiset, popped a due time at a time.
class ReferenceWheel {
 public:
  void push(const SessionTimer& t) { pending_.insert(t); }
  void pop_due(Timestamp clock, Log& log) {
    while (!pending_.empty() && pending_.begin()->due <= clock) {
      const Timestamp due = pending_.begin()->due;
      std::multiset<SessionTimer> settled, ordered;
      // Settle every timer of this due time, including those pushed meanwhile for it.
      while (!pending_.empty() && pending_.begin()->due == due) {
        const SessionTimer t = *pending_.begin();
        pending_.erase(pending_.begin());
        settled.insert(t);
        if (auto n = follow_up(t, true)) push(*n);
        if (kept(t)) ordered.insert(t);
      }
      log.settled.emplace_back(due.ms, settled);
      while (!ordered.empty()) {
        const SessionTimer t = *ordered.begin();
        ordered.erase(ordered.begin());
        log.fired.push_back(t);
        if (auto n = follow_up(t, false)) {
          if (n->due == due) {
            ordered.insert(*n);  // joins the ordered batch: f, not settle
          } else {
            push(*n);
          }
        }
      }
    }
  }

 private:
  std::multiset<SessionTimer> pending_;
};

void pop_wheel(SessionTimerWheel& wheel, Timestamp clock, Log& log) {
  std::multiset<SessionTimer> settled;
  Timestamp settling = Timestamp::min();
  wheel.pop_due(
      clock, [](const SessionTimer&) {},
      [&](const SessionTimer& t) {
        if (t.due != settling) {
          if (!settled.empty()) log.settled.emplace_back(settling.ms, settled);
          settled.clear();
          settling = t.due;
        }
        settled.insert(t);
        if (auto n = follow_up(t, true)) wheel.push(*n);
        return kept(t);
      },
      [&](const SessionTimer& t) {
        log.fired.push_back(t);
        if (auto n = follow_up(t, false)) wheel.push(*n);
      });
  if (!settled.empty()) log.settled.emplace_back(settling.ms, settled);
}

}  // namespace

TEST_CASE("session timer wheel pops like an ordered multiset", "[windows][session]") {
  test::Rng rng(11);
  for (int round = 0; round < 40; ++round) {
    SessionTimerWheel wheel;
    ReferenceWheel reference;
    Log got, want;
    int64_t clock = rng.uniform(-10'000, 10'000);
    const int64_t spread = round % 2 == 0 ? 300 : 20'000;  // within the wheel, or often beyond
    for (int step = 0; step < 200; ++step) {
      const int pushes = int(rng.uniform(0, 40));
      for (int i = 0; i < pushes; ++i) {
        const int64_t due = clock + 1 + rng.uniform(0, spread);
        // A few distinct ends per due time, and many timers on one due (chunks overflow).
        const SessionTimer t{Timestamp{due}, Timestamp{due - 1 - rng.uniform(0, 2)},
                             KeyId(rng.uniform(0, 50))};
        wheel.push(t);
        reference.push(t);
      }
      clock += rng.uniform(0, round % 3 == 0 ? 5'000 : 40);
      pop_wheel(wheel, Timestamp{clock}, got);
      reference.pop_due(Timestamp{clock}, want);
    }
    // Saturated dues: timers of several ends all due at +inf, popped by the final flush.
    for (int i = 0; i < 30; ++i) {
      const SessionTimer t{Timestamp::max(), Timestamp{clock + rng.uniform(1, 3)},
                           KeyId(rng.uniform(0, 5))};
      wheel.push(t);
      reference.push(t);
    }
    pop_wheel(wheel, Timestamp::max(), got);
    reference.pop_due(Timestamp::max(), want);
    INFO("round " << round);
    CHECK(wheel.size() == 0);
    REQUIRE(got.fired.size() == want.fired.size());
    CHECK(got.fired == want.fired);
    CHECK(got.settled == want.settled);
  }
}
