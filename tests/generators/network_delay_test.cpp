// Network delays follow the distribution the spec names.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "support/generated_traces.hpp"

using namespace tidemark;
using namespace tidemark::gen;
using namespace tidemark::test;

namespace {

// receive - send of every event: the network delay when nothing else moves the times.
std::vector<double> delays(const Trace& t) {
  std::vector<double> d;
  for (const Event& e : t.events) d.push_back(double((e.receive_time - e.send_time).ms));
  return d;
}

}  // namespace

TEST_CASE("network delays follow their distributions", "[generators]") {
  // 100k events. Tolerances are about 5 standard errors: for a mean, sd/sqrt(n); for a
  // q-quantile, sqrt(q(1-q)/n)/f(x_q); plus 0.5 ms for rounding delays to whole ms.
  const Overrides base = {{"seed", "3"}, {"events", "100000"}, {"rate", "10000"}};
  auto with = [&](const std::string& delay) {
    Overrides o = base;
    o.emplace_back("delay", delay);
    return delays(make("out-of-order", o));
  };
  SECTION("fixed") {
    const auto d = with("fixed:100ms");
    CHECK(*std::min_element(d.begin(), d.end()) == 100);
    CHECK(*std::max_element(d.begin(), d.end()) == 100);
  }
  SECTION("uniform") {
    const auto d = with("uniform:10ms,30ms");
    CHECK(*std::min_element(d.begin(), d.end()) >= 10);
    CHECK(*std::max_element(d.begin(), d.end()) <= 30);
    CHECK(mean(d) == Approx(20).margin(0.2));  // sd 5.8 / sqrt(1e5) = 0.02
  }
  SECTION("exponential") {
    const auto d = with("exponential:100ms");
    CHECK(mean(d) == Approx(100).margin(2));                             // se 0.32
    CHECK(quantile(d, 0.5) == Approx(100 * std::log(2)).margin(2));      // se 0.32
    CHECK(quantile(d, 0.99) == Approx(100 * std::log(100)).margin(12));  // se 3.2
  }
  SECTION("lognormal") {
    const auto d = with("lognormal:50ms,1");
    CHECK(quantile(d, 0.5) == Approx(50).margin(1.5));         // se 0.2
    CHECK(quantile(d, 0.9) == Approx(180.1).margin(5.5));      // se 1.0
    CHECK(mean(d) == Approx(50 * std::exp(0.5)).margin(2.5));  // sd 108, se 0.34
  }
  SECTION("pareto (heavy tail)") {
    const auto d = with("pareto:10ms,2");
    CHECK(*std::min_element(d.begin(), d.end()) >= 10);
    CHECK(quantile(d, 0.5) == Approx(10 * std::sqrt(2)).margin(1));  // se 0.03
    CHECK(quantile(d, 0.99) == Approx(100).margin(8));               // se 1.6
  }
  SECTION("arrival order is receive order") {
    const Trace t = make("out-of-order", {{"seed", "3"}, {"events", "20000"}});
    for (size_t i = 1; i < t.events.size(); ++i) {
      REQUIRE(t.events[i - 1].receive_time <= t.events[i].receive_time);
      REQUIRE(t.events[i].row == i + 1);
    }
  }
}
