// The base process draws keys with the configured popularity.
#include <catch2/catch.hpp>
#include <cmath>

#include "support/generated_traces.hpp"

using namespace tidemark;
using namespace tidemark::gen;
using namespace tidemark::test;

TEST_CASE("Zipf key popularity gives the expected key shares", "[generators]") {
  const uint32_t keys = 100;
  const double s = 1.1;
  const Trace t = make("out-of-order", {{"seed", "8"},
                                        {"events", "200000"},
                                        {"delay", "none"},
                                        {"keys", "100"},
                                        {"key-dist", "zipf:1.1"}});
  std::vector<double> count(keys, 0);
  for (const Event& e : t.events) {
    const std::string_view name = t.keys.name(e.key);  // dev-NN: device NN has Zipf rank NN
    count[std::stoul(std::string(name.substr(4)))] += 1;
  }
  double h = 0;
  for (uint32_t i = 1; i <= keys; ++i) h += std::pow(double(i), -s);
  const double n = double(t.events.size());
  for (uint32_t i : {0u, 1u, 2u, 9u, 99u}) {
    const double p = std::pow(double(i + 1), -s) / h;
    INFO("device " << i);
    // 5 standard errors of a share: sqrt(p(1-p)/n).
    CHECK(count[i] / n == Approx(p).margin(5 * std::sqrt(p * (1 - p) / n)));
  }
}
