// The batch draws (fill) give exactly the values of one draw at a time, in the same order, and
// leave the streams where single draws would: traces are the same bytes either way.
#include <bit>
#include <catch2/catch.hpp>
#include <vector>

#include "tidemark/generators/base_process.hpp"
#include "tidemark/generators/distribution.hpp"
#include "tidemark/generators/network_delay.hpp"
#include "tidemark/generators/samplers.hpp"
#include "tidemark/generators/workload_spec.hpp"

using namespace tidemark::gen;

namespace {

uint64_t bits(double x) {
  return std::bit_cast<uint64_t>(x);
}

// Span sizes that cover odd lengths, a pending spare normal, and more than one internal chunk.
const std::vector<size_t> kSizes = {0, 1, 2, 3, 7, 64, 127, 128, 129, 255, 256, 257, 1000, 1};

}  // namespace

TEST_CASE("NormalSampler::fill equals one draw at a time", "[generators]") {
  Rng rng_a(5), rng_b(5);
  NormalSampler one, many;
  for (size_t n : kSizes) {
    std::vector<double> got(n);
    many.fill(rng_b, got);
    for (size_t i = 0; i < n; ++i) REQUIRE(bits(got[i]) == bits(one(rng_a)));
  }
  // Both streams and spares are in the same place afterwards.
  CHECK(bits(one(rng_a)) == bits(many(rng_b)));
  CHECK(bits(one(rng_a)) == bits(many(rng_b)));
  CHECK(rng_a.next() == rng_b.next());
}

TEST_CASE("Distribution::fill equals sample for every kind", "[generators]") {
  for (const char* text : {"none", "fixed:2.5", "uniform:-1,3", "exponential:4", "normal:20,5",
                           "lognormal:50,1", "pareto:20,1.5"}) {
    INFO(text);
    const Distribution d = Distribution::parse(text, "values", false);
    Rng rng_a(11), rng_b(11);
    NormalSampler normal_a, normal_b;
    for (size_t n : kSizes) {
      std::vector<double> got(n);
      d.fill(rng_b, normal_b, got);
      for (size_t i = 0; i < n; ++i) REQUIRE(bits(got[i]) == bits(d.sample(rng_a, normal_a)));
    }
    CHECK(rng_a.next() == rng_b.next());
  }
}

TEST_CASE("NetworkDelay::fill equals sample", "[generators]") {
  for (const char* text : {"none", "fixed:5ms", "uniform:0ms,100ms", "exponential:20ms",
                           "lognormal:50ms,1", "pareto:20ms,0.3"}) {
    INFO(text);
    const Distribution d = Distribution::parse(text, "delay", true);
    NetworkDelay one(d, 99), many(d, 99);
    for (size_t n : kSizes) {
      std::vector<int64_t> got(n);
      many.fill(got);
      for (size_t i = 0; i < n; ++i) REQUIRE(got[i] == one.sample());
    }
  }
}

TEST_CASE("BaseProcess::fill equals next", "[generators]") {
  for (const auto& [keys, values] :
       std::vector<std::pair<const char*, const char*>>{{"uniform", "normal:20,5"},
                                                        {"zipf:1.1", "normal:20,5"},
                                                        {"zipf:0.5", "uniform:0,100"},
                                                        {"uniform", "pareto:1,2"},
                                                        {"zipf:2", "lognormal:5,1"}}) {
    INFO(keys << " " << values);
    const WorkloadSpec spec = make_workload_spec(
        "mixed", {{"seed", "3"}, {"key-dist", keys}, {"values", values}, {"keys", "1000"}});
    BaseProcess one(spec), many(spec);
    for (size_t n : kSizes) {
      std::vector<TrueEvent> got(n);
      many.fill(got);
      for (size_t i = 0; i < n; ++i) {
        const TrueEvent e = one.next();
        REQUIRE(got[i].time == e.time);
        REQUIRE(got[i].device == e.device);
        REQUIRE(bits(got[i].value) == bits(e.value));
      }
    }
  }
}
