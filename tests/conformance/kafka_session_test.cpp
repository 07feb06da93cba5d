// Kafka Streams' KStreamSessionWindowAggregateProcessorTest, SessionWindowsTest and the session
// part of SuppressScenarioTest (docs/profiles.md; transcribed in notes/profiles.md Part 2b), at
// apache/kafka 1eb7644349cb07139d6a3c1ad1986979647cac99. The processor tests use
// GAP_MS = 300000, no grace, count, and a session store with retention GAP_MS * 3.
#include "harness.hpp"

using namespace conformance;
using Rows = std::vector<std::string>;
using Store = std::set<std::string>;

namespace {

const std::string kSE =
    "apache/kafka:streams/src/test/java/org/apache/kafka/streams/kstream/internals/"
    "KStreamSessionWindowAggregateProcessorTest.java#";
const std::vector<std::string> kGap = {"-w", "session:300000ms", "--retention", "900000ms"};

Replay sessions(const std::string& input, std::vector<std::string> args = kGap) {
  Replay r = replay(records(input), args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("K-SE-1 " + kSE + "shouldCreateSingleSessionWhenWithinGap", "[conformance][kafka]") {
  CHECK(session_store(sessions("john@0:1 john@500:2")) == Store{"john [0,500] 2"});
}

TEST_CASE("K-SE-2 " + kSE + "shouldMergeSessions", "[conformance][kafka]") {
  CHECK(session_store(sessions("mel@0 mel@300001")) ==
        Store{"mel [0,0] 1", "mel [300001,300001] 1"});
  CHECK(session_store(sessions("mel@0 mel@300001 mel@150000")) == Store{"mel [0,300001] 3"});
}

TEST_CASE("K-SE-3 " + kSE + "shouldUpdateSessionIfTheSameTime", "[conformance][kafka]") {
  CHECK(session_store(sessions("mel@0 mel@0")) == Store{"mel [0,0] 2"});
}

TEST_CASE("K-SE-4 " + kSE + "shouldHaveMultipleSessionsForSameIdWhenTimestampApartBySessionGap",
          "[conformance][kafka]") {
  const Replay r = sessions("mel@0 mel@300001 mel@300001 mel@600002 mel@600002 mel@600002",
                            with(kGap, {"--emit", "on-close"}));
  CHECK(spelled(r, Agg::kCount, Bounds::kInclusive) ==
        Rows{"mel [0,0] 1 @0", "mel [300001,300001] 2 @300001"});
}

TEST_CASE("K-SE-6 " + kSE + "shouldRemoveMergedSessionsFromStateStore", "[conformance][kafka]") {
  CHECK(session_store(sessions("a@0:1")) == Store{"a [0,0] 1"});
  CHECK(session_store(sessions("a@0:1 a@100:2")) == Store{"a [0,100] 2"});
}

TEST_CASE("K-SE-7 " + kSE + "shouldHandleMultipleSessionsAndMerging (on-close)",
          "[conformance][kafka]") {
  const Replay r = sessions("a@0 b@0 c@0 d@0 d@150000 a@300001 b@300001 a@450001 c@450001",
                            with(kGap, {"--emit", "on-close"}));
  CHECK(spelled(r, Agg::kCount, Bounds::kInclusive) ==
        Rows{"a [0,0] 1 @0", "b [0,0] 1 @0", "c [0,0] 1 @0", "d [0,150000] 2 @150000"});
}

TEST_CASE("K-SE-9 " + kSE + "shouldImmediatelyForwardNewSessionWhenNonCachedStore",
          "[conformance][kafka]") {
  CHECK(spelled(sessions("a@0:1 b@0:1 c@0:1"), Agg::kCount, Bounds::kInclusive) ==
        Rows{"a [0,0] 1 @0", "b [0,0] 1 @0", "c [0,0] 1 @0"});
}

TEST_CASE("K-SE-10 " + kSE + "shouldImmediatelyForwardRemovedSessionsWhenMerging",
          "[conformance][kafka]") {
  CHECK(spelled(sessions("a@0:1 a@5:1"), Agg::kCount, Bounds::kInclusive) ==
        Rows{"a [0,0] 1 @0", "a [0,0] null @0", "a [0,5] 2 @5"});
}

TEST_CASE("K-SE-11 " + kSE + "shouldLogAndMeterWhenSkippingLateRecordWithZeroGrace",
          "[conformance][kafka]") {
  const Replay r = sessions("dummy@0 OnTime1@0 dummy@11 Late1@0", {"-w", "session:10ms"});
  CHECK(late_records(r) == Rows{"Late1@0"});
}

TEST_CASE("K-SE-12 " + kSE + "shouldLogAndMeterWhenSkippingLateRecordWithNonzeroGrace",
          "[conformance][kafka]") {
  const Replay r = sessions("dummy@0 OnTime1@0 dummy@11 OnTime2@0 dummy@12 Late1@0",
                            {"-w", "session:10ms", "--lateness", "grace:1ms"});
  CHECK(late_records(r) == Rows{"Late1@0"});
}

TEST_CASE("K-SE-13 " + kSE + "shouldGetAggregatedValuesFromValueGetter", "[conformance][kafka]") {
  CHECK(session_store(sessions("a@0:1 a@300001:1 a@300001:2")) ==
        Store{"a [0,0] 1", "a [300001,300001] 2"});
}

TEST_CASE(
    "K-SU-4 apache/kafka:streams/src/test/java/org/apache/kafka/streams/kstream/internals/"
    "SuppressScenarioTest.java#shouldSupportFinalResultsForSessionWindows (raw)",
    "[conformance][kafka]") {
  const Replay r = sessions("k1@0 k1@5 k1@1 k2@11 k1@5 k1@30", {"-w", "session:5ms"});
  CHECK(spelled(r, Agg::kCount, Bounds::kInclusive) ==
        Rows{"k1 [0,0] 1 @0", "k1 [0,0] null @0", "k1 [0,5] 2 @5", "k1 [0,5] null @5",
             "k1 [0,5] 3 @5", "k2 [11,11] 1 @11", "k1 [30,30] 1 @30"});
  CHECK(late_records(r) == Rows{"k1@5"});
}

TEST_CASE(
    "K-SS-1 apache/kafka:streams/src/test/java/org/apache/kafka/streams/kstream/"
    "SessionWindowsTest.java#windowSizeMustNotBeZero, gracePeriodShouldEnforceBoundaries",
    "[conformance][kafka]") {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"-w", "session:0ms"},
                                             {"-w", "session:-1ms"},
                                             {"-w", "session:3ms", "--lateness", "grace:-1ms"}}) {
    const Replay r = replay(records("k@1"), args);
    INFO(args[1]);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  // ofInactivityGapWithNoGrace: grace 0 is the default.
  const Replay r = sessions("k@0 k@4 k@0", {"-w", "session:3ms"});
  CHECK(late_records(r) == Rows{"k@0"});
}
