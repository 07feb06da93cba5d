// Workload specs: the spec text round-trips, and bad parameters are one-line errors.
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include "commands.hpp"
#include "support/generated_traces.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/generators/base_process.hpp"
#include "tidemark/generators/workload.hpp"

using namespace tidemark;
using namespace tidemark::gen;
using namespace tidemark::test;

TEST_CASE("the spec text parses back to the same spec", "[generators]") {
  const WorkloadSpec s = make_workload_spec("mixed", {{"seed", "5"},
                                                      {"events", "10"},
                                                      {"delay", "pareto:20ms,1.5"},
                                                      {"start", "2026-03-01T09:00:00+09:00"},
                                                      {"outage-partitions", "3,1"}});
  CHECK(s.start == Timestamp{1'772'323'200'000});
  const std::string text = s.to_string();
  CHECK(text.find("outage-partitions=1,3") != std::string::npos);
  CHECK(parse_workload_spec(text).to_string() == text);
  const Trace t = generate_trace(s);
  CHECK(t.header_comment == text);
  CHECK(bytes(generate_trace(parse_workload_spec(t.header_comment))) == bytes(t));
}

TEST_CASE("bad workload parameters are one-line errors naming the value", "[generators]") {
  CHECK_THROWS_WITH(make_workload_spec("nope", {}),
                    Catch::Contains("--workload nope") && Catch::Contains("mixed"));
  CHECK_THROWS_WITH(make_workload_spec("mixed", {{"rate", "-5"}}), Catch::Contains("--rate -5"));
  CHECK_THROWS_WITH(make_workload_spec("mixed", {{"offline-fraction", "1.5"}}),
                    Catch::Contains("--offline-fraction 1.5"));
  CHECK_THROWS_WITH(make_workload_spec("mixed", {{"delay", "gamma:1s"}}),
                    Catch::Contains("--delay gamma:1s"));
  CHECK_THROWS_AS(make_workload_spec("mixed", {{"delay", "uniform:5s,1s"}}), ConfigError);
  CHECK_THROWS_AS(make_workload_spec("mixed", {{"keys", "0"}}), ConfigError);
  CHECK_THROWS_AS(make_workload_spec("mixed", {{"outage-partitions", "7"}}), ConfigError);
  CHECK_THROWS_AS(make_workload_spec("mixed", {{"colour", "red"}}), ConfigError);

  // Values are rounded to 0.01, exact only well inside 2^53 / 100: parameters beyond 1e13 are
  // refused, and a draw beyond it (a heavy tail) is an error, never an inf in the trace.
  for (const char* v :
       {"fixed:1e307", "fixed:-1e14", "normal:0,1e308", "uniform:-1e308,1e308", "uniform:0,2e13",
        "exponential:1e308", "lognormal:1e14,1", "pareto:1e300,2"}) {
    INFO(v);
    CHECK_THROWS_WITH(
        make_workload_spec("out-of-order", {{"values", v}}),
        Catch::StartsWith(std::string("--values ") + v + ": ") && Catch::Contains("1e+13"));
  }
  CHECK_NOTHROW(make_workload_spec("out-of-order", {{"values", "uniform:-1e13,1e13"}}));
  for (const char* v : {"lognormal:1,100", "pareto:1,0.01", "normal:0,1e13"}) {
    INFO(v);
    const WorkloadSpec spec =
        make_workload_spec("out-of-order", {{"values", v}, {"events", "1000"}});
    CHECK_THROWS_WITH(generate_trace(spec), Catch::StartsWith("--values ") &&
                                                Catch::Contains("drew a value beyond +-1e+13"));
    BaseProcess base(spec);
    CHECK_THROWS_AS(
        [&] {
          for (int i = 0; i < 1000; ++i) base.next();
        }(),
        ConfigError);
  }

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"generate", "--workload", "mixed", "--events", "10", "--seed", "1",
                                 "-o", "-", "--rate", "-5"},
        {"generate", "--workload", "out-of-order", "--events", "3", "--seed", "1", "-o", "-",
         "--values", "fixed:1e307"},
        {"generate", "--workload", "out-of-order", "--events", "1000", "--seed", "1", "-o", "-",
         "--values", "lognormal:1,100"},
        {"generate", "--workload", "bogus", "--events", "10", "--seed", "1", "-o", "-"},
        {"generate", "--workload", "mixed", "--events", "10", "--seed", "1", "-o", "-",
         "--offline-fraction", "2"},
        {"generate", "--workload", "mixed", "--events", "10", "--seed", "1", "-o", "-",
         "--time-format", "iso:Nowhere/City"}}) {
    std::ostringstream out, err;
    CHECK(cli::main(args, out, err) == 2);
    const std::string e = err.str();
    CHECK(e.rfind("tidemark generate: ", 0) == 0);
    CHECK(std::count(e.begin(), e.end(), '\n') == 1);
    CHECK(out.str().empty());
  }
}
