// Kafka Streams' KStreamWindowAggregateTest and TimeWindowsTest vectors (docs/profiles.md;
// transcribed in notes/profiles.md Part 2b), at apache/kafka
// 1eb7644349cb07139d6a3c1ad1986979647cac99.
#include "harness.hpp"

using namespace conformance;
using Rows = std::vector<std::string>;

namespace {

const std::string kWA =
    "apache/kafka:streams/src/test/java/org/apache/kafka/streams/kstream/internals/"
    "KStreamWindowAggregateTest.java#";
const std::string kTW =
    "apache/kafka:streams/src/test/java/org/apache/kafka/streams/kstream/TimeWindowsTest.java#";

const std::string kAggBasicInput =
    "A@0:1 B@1:2 C@2:3 D@3:4 A@4:1 A@5:1 B@6:2 D@7:4 B@8:2 C@9:3 A@10:1 B@11:2 D@12:4 B@13:2 "
    "C@14:3 B@3:1 B@2:2 B@9:3";

Rows time_rows(const std::string& input, const std::vector<std::string>& args, Agg agg) {
  std::vector<std::string> all = args;
  if (agg != Agg::kCount) {
    all.push_back("--aggregate");
    all.push_back("collect");
  }
  const Replay r = replay(records(input), all);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return spelled(r, agg, Bounds::kHalfOpen);
}

}  // namespace

TEST_CASE("K-WA-1 " + kWA + "testAggBasic (on-update)", "[conformance][kafka]") {
  CHECK(time_rows(kAggBasicInput, {"-w", "hopping:10ms/5ms", "--lateness", "grace:100ms"},
                  Agg::kCollect0) ==
        Rows{"A [0,10) 0+1 @0",           "B [0,10) 0+2 @1",         "C [0,10) 0+3 @2",
             "D [0,10) 0+4 @3",           "A [0,10) 0+1+1 @4",       "A [0,10) 0+1+1+1 @5",
             "A [5,15) 0+1 @5",           "B [0,10) 0+2+2 @6",       "B [5,15) 0+2 @6",
             "D [0,10) 0+4+4 @7",         "D [5,15) 0+4 @7",         "B [0,10) 0+2+2+2 @8",
             "B [5,15) 0+2+2 @8",         "C [0,10) 0+3+3 @9",       "C [5,15) 0+3 @9",
             "A [5,15) 0+1+1 @10",        "A [10,20) 0+1 @10",       "B [5,15) 0+2+2+2 @11",
             "B [10,20) 0+2 @11",         "D [5,15) 0+4+4 @12",      "D [10,20) 0+4 @12",
             "B [5,15) 0+2+2+2+2 @13",    "B [10,20) 0+2+2 @13",     "C [5,15) 0+3+3 @14",
             "C [10,20) 0+3 @14",         "B [0,10) 0+2+2+2+1 @8",   "B [0,10) 0+2+2+2+1+2 @8",
             "B [0,10) 0+2+2+2+1+2+3 @9", "B [5,15) 0+2+2+2+2+3 @13"});
}

TEST_CASE("K-WA-2 " + kWA + "testAggBasic (on-close)", "[conformance][kafka]") {
  // "Nothing processed since grace is 100L and no window closes"
  CHECK(time_rows(kAggBasicInput,
                  {"-w", "hopping:10ms/5ms", "--lateness", "grace:100ms", "--emit", "on-close"},
                  Agg::kCollect0)
            .empty());
}

const std::string kExpiredInput =
    "k@100:100 k@0:0 k@1:1 k@2:2 k@3:3 k@4:4 k@5:5 k@6:6 k@105:105 k@106:106";

TEST_CASE("K-WA-3 " + kWA + "shouldLogAndMeterWhenSkippingExpiredWindow (on-update)",
          "[conformance][kafka]") {
  const std::vector<std::string> args = {"-w",         "hopping:10ms/5ms", "--lateness",
                                         "grace:90ms", "--aggregate",      "collect"};
  const Replay r = replay(records(kExpiredInput), args);
  REQUIRE(r.exit_code == 0);
  CHECK(spelled(r, Agg::kCollect, Bounds::kHalfOpen) ==
        Rows{"k [95,105) +100 @100", "k [100,110) +100 @100", "k [5,15) +5 @5", "k [5,15) +5+6 @6",
             "k [100,110) +100+105 @105", "k [105,115) +105 @105", "k [100,110) +100+105+106 @106",
             "k [105,115) +105+106 @106"});
  // Kafka's metric counts 7 skipped windows; the records added to no window are k@0..k@4.
  CHECK(late_records(r) == Rows{"k@0", "k@1", "k@2", "k@3", "k@4"});
}

TEST_CASE("K-WA-4 " + kWA + "shouldLogAndMeterWhenSkippingExpiredWindow (on-close)",
          "[conformance][kafka]") {
  const Replay r =
      replay(records(kExpiredInput), {"-w", "hopping:10ms/5ms", "--lateness", "grace:90ms",
                                      "--aggregate", "collect", "--emit", "on-close"});
  REQUIRE(r.exit_code == 0);
  CHECK(spelled(r, Agg::kCollect, Bounds::kHalfOpen) == Rows{"k [5,15) +5+6 @6"});
  CHECK(late_records(r) == Rows{"k@0", "k@1", "k@2", "k@3", "k@4"});
}

const std::string kGraceInput = "k@200:100 k@100:0 k@101:1 k@102:2 k@103:3 k@104:4 k@105:5 k@6:6";

TEST_CASE("K-WA-5 " + kWA + "shouldLogAndMeterWhenSkippingExpiredWindowByGrace (on-update)",
          "[conformance][kafka]") {
  const Replay r = replay(records(kGraceInput), {"-w", "tumbling:10ms", "--lateness", "grace:90ms",
                                                 "--aggregate", "collect"});
  REQUIRE(r.exit_code == 0);
  CHECK(spelled(r, Agg::kCollect, Bounds::kHalfOpen) == Rows{"k [200,210) +100 @200"});
  CHECK(late_records(r) == Rows{"k@100", "k@101", "k@102", "k@103", "k@104", "k@105", "k@6"});
}

TEST_CASE("K-WA-6 " + kWA + "shouldLogAndMeterWhenSkippingExpiredWindowByGrace (on-close)",
          "[conformance][kafka]") {
  const Replay r = replay(records(kGraceInput), {"-w", "tumbling:10ms", "--lateness", "grace:90ms",
                                                 "--aggregate", "collect", "--emit", "on-close"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.results.empty());
  CHECK(late_records(r).size() == 7);
}

// K-WA-7..10 and 12 drive the processor on the test's own store (getWindowStore), whose
// retention is one day, not the DSL's size + grace: on-close's fetch finds windows back to the
// store time minus the retention.
const std::vector<std::string> kOneDay = {"--retention", "86400000ms"};

std::vector<std::string> with_one_day(std::vector<std::string> args) {
  args.insert(args.end(), kOneDay.begin(), kOneDay.end());
  return args;
}

const std::string kProgressInput = "A@0:1 B@5:2 C@15:3 D@15:4 E@19:5";

TEST_CASE("K-WA-7 " + kWA + "shouldNotEmitFinalIfNotProgressEnough (on-update)",
          "[conformance][kafka]") {
  CHECK(time_rows(
            kProgressInput, with_one_day({"-w", "hopping:10ms/5ms", "--lateness", "grace:5ms"}),
            Agg::kCollect0) == Rows{"A [0,10) 0+1 @0", "B [0,10) 0+2 @5", "B [5,15) 0+2 @5",
                                    "C [10,20) 0+3 @15", "C [15,25) 0+3 @15", "D [10,20) 0+4 @15",
                                    "D [15,25) 0+4 @15", "E [10,20) 0+5 @19", "E [15,25) 0+5 @19"});
}

TEST_CASE("K-WA-8 " + kWA + "shouldNotEmitFinalIfNotProgressEnough (on-close)",
          "[conformance][kafka]") {
  const Replay r = replay(records(kProgressInput),
                          with_one_day({"-w", "hopping:10ms/5ms", "--lateness", "grace:5ms",
                                        "--aggregate", "collect", "--emit", "on-close"}));
  REQUIRE(r.exit_code == 0);
  CHECK(spelled(r, Agg::kCollect0, Bounds::kHalfOpen) ==
        Rows{"A [0,10) 0+1 @0", "B [0,10) 0+2 @5"});
  // Both come out after C@15 (stream time 15), nothing after D@15 or E@19.
  for (const auto& row : r.results) CHECK(row["clock"] == 15);
}

const std::string kInterval0Input = "A@0:1 A@5:1 B@10:2 C@15:3 D@20:4";

TEST_CASE("K-WA-9 " + kWA + "shouldEmitWithInterval0 (on-update)", "[conformance][kafka]") {
  CHECK(time_rows(
            kInterval0Input, with_one_day({"-w", "hopping:10ms/5ms", "--lateness", "grace:5ms"}),
            Agg::kCollect0) == Rows{"A [0,10) 0+1 @0", "A [0,10) 0+1+1 @5", "A [5,15) 0+1 @5",
                                    "B [5,15) 0+2 @10", "B [10,20) 0+2 @10", "C [10,20) 0+3 @15",
                                    "C [15,25) 0+3 @15", "D [15,25) 0+4 @20", "D [20,30) 0+4 @20"});
}

TEST_CASE("K-WA-10 " + kWA + "shouldEmitWithInterval0 (on-close)", "[conformance][kafka]") {
  CHECK(
      time_rows(
          kInterval0Input,
          with_one_day({"-w", "hopping:10ms/5ms", "--lateness", "grace:5ms", "--emit", "on-close"}),
          Agg::kCollect0) == Rows{"A [0,10) 0+1+1 @5", "A [5,15) 0+1 @5", "B [5,15) 0+2 @10"});
}

// The test restarts the processor on the same store before D@25; one run continuing is the same.
const std::string kLastEmitInput = "A@0:1 B@5:2 C@15:3 D@25:4";

TEST_CASE("K-WA-12 " + kWA + "shouldEmitFromLastEmitTime (on-update)", "[conformance][kafka]") {
  CHECK(time_rows(kLastEmitInput,
                  with_one_day({"-w", "hopping:10ms/5ms", "--lateness", "grace:5ms"}),
                  Agg::kCollect0) == Rows{"A [0,10) 0+1 @0", "B [0,10) 0+2 @5", "B [5,15) 0+2 @5",
                                          "C [10,20) 0+3 @15", "C [15,25) 0+3 @15",
                                          "D [20,30) 0+4 @25", "D [25,35) 0+4 @25"});
}

TEST_CASE("K-WA-12 " + kWA + "shouldEmitFromLastEmitTime (on-close)", "[conformance][kafka]") {
  CHECK(time_rows(kLastEmitInput,
                  with_one_day(
                      {"-w", "hopping:10ms/5ms", "--lateness", "grace:5ms", "--emit", "on-close"}),
                  Agg::kCollect0) ==
        Rows{"A [0,10) 0+1 @0", "B [0,10) 0+2 @5", "B [5,15) 0+2 @5", "C [10,20) 0+3 @15"});
}

// TimeWindows#windowsFor through one record: the windows it updates.
Rows windows_of(const std::string& window, int64_t t) {
  const Replay r = replay(records("k@" + std::to_string(t)), {"-w", window});
  REQUIRE(r.exit_code == 0);
  Rows out;
  for (const auto& row : r.results) {
    out.push_back("[" + std::to_string(row["start"].get<int64_t>()) + "," +
                  std::to_string(row["end"].get<int64_t>()) + ")");
  }
  return out;
}

TEST_CASE("K-TW-1 " + kTW + "shouldComputeWindowsForHoppingWindows", "[conformance][kafka]") {
  CHECK(windows_of("hopping:12ms/5ms", 21) == Rows{"[10,22)", "[15,27)", "[20,32)"});
}

TEST_CASE("K-TW-2 " + kTW + "shouldComputeWindowsForBarelyOverlappingHoppingWindows",
          "[conformance][kafka]") {
  CHECK(windows_of("hopping:6ms/5ms", 7) == Rows{"[5,11)"});
}

TEST_CASE("K-TW-3 " + kTW + "shouldComputeWindowsForTumblingWindows", "[conformance][kafka]") {
  CHECK(windows_of("tumbling:12ms", 21) == Rows{"[12,24)"});
}

TEST_CASE("K-TW-4 " + kTW +
              "windowSizeMustNotBeZero, advanceIntervalMustNotBeZero, "
              "advanceIntervalMustNotBeLargerThanWindowSize, gracePeriodShouldEnforceBoundaries",
          "[conformance][kafka]") {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"-w", "tumbling:0ms"},
                                             {"-w", "hopping:123ms/0ms"},
                                             {"-w", "hopping:123ms/124ms"},
                                             {"-w", "tumbling:10ms", "--lateness", "grace:-1ms"}}) {
    const Replay r = replay(records("k@1"), args);
    INFO(args[1]);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  CHECK(replay(records("k@1"), {"-w", "tumbling:10ms", "--lateness", "grace:0ms"}).exit_code == 0);
}

// The late (dropped) record of SuppressScenarioTest's raw stream, and its forwards.
TEST_CASE(
    "K-SU-1 apache/kafka:streams/src/test/java/org/apache/kafka/streams/kstream/internals/"
    "SuppressScenarioTest.java#shouldSupportFinalResultsForTimeWindows (raw)",
    "[conformance][kafka]") {
  const Replay r = replay(records("k1@0 k1@1 k1@2 k1@1 k1@0 k1@5 k1@0"),
                          {"-w", "tumbling:2ms", "--lateness", "grace:1ms"});
  REQUIRE(r.exit_code == 0);
  CHECK(spelled(r, Agg::kCount, Bounds::kHalfOpen) == Rows{"k1 [0,2) 1 @0", "k1 [0,2) 2 @1",
                                                           "k1 [2,4) 1 @2", "k1 [0,2) 3 @1",
                                                           "k1 [0,2) 4 @1", "k1 [4,6) 1 @5"});
  CHECK(late_records(r) == Rows{"k1@0"});
}

TEST_CASE(
    "K-SU-2 apache/kafka:streams/src/test/java/org/apache/kafka/streams/kstream/internals/"
    "SuppressScenarioTest.java#shouldSupportFinalResultsForTimeWindowsWithLargeJump (raw)",
    "[conformance][kafka]") {
  const Replay r = replay(records("k1@0 k1@1 k1@2 k1@0 k1@3 k1@0 k1@4 k1@0 k1@30"),
                          {"-w", "tumbling:2ms", "--lateness", "grace:2ms"});
  REQUIRE(r.exit_code == 0);
  CHECK(spelled(r, Agg::kCount, Bounds::kHalfOpen) ==
        Rows{"k1 [0,2) 1 @0", "k1 [0,2) 2 @1", "k1 [2,4) 1 @2", "k1 [0,2) 3 @1", "k1 [2,4) 2 @3",
             "k1 [0,2) 4 @1", "k1 [4,6) 1 @4", "k1 [30,32) 1 @30"});
  CHECK(late_records(r) == Rows{"k1@0"});
}
