// Flink's WindowOperatorTest vectors (docs/profiles.md; transcribed in notes/profiles.md Part 2a)
// at apache/flink 6da38a6aa24b44272e977aba91258693d437875b. The test harness feeds watermarks to
// the operator directly, so each `W(n)` is a `kind=W` row under --watermark punctuated on one
// partition, and no end-of-input watermark is sent (--end keep). The tests compare the records
// between two watermarks sorted (assertOutputEqualsSorted), so rows are compared as the sorted
// list of "clock | row", the clock being the watermark at which the row was emitted.
// The PurgingTrigger variants (F-WO-5, -9, -11, -13) run with --trigger purging. Not transcribed:
// F-WO-6 (timestamps near Long.MAX_VALUE, a unit test in
// tests/windows/profiles/flink_profile_test.cpp).
#include "harness.hpp"

using namespace conformance;
using Rows = std::vector<std::string>;

namespace {

const std::string kWO =
    "apache/flink:flink-streaming-java/src/test/java/org/apache/flink/streaming/runtime/"
    "operators/windowing/WindowOperatorTest.java#";
const std::string kAt = " @6da38a6aa24b44272e977aba91258693d437875b";

// How the tests spell a result: SumReducer's "key [start,end) sum @recordTs", or the session
// functions' "key [start,end) key-sum @recordTs".
enum class Spelling { kSum, kSessionSum };

Rows sorted_rows(const Replay& r, Spelling s) {
  Rows out;
  for (const auto& row : r.results) {
    const std::string key = row["key"].get<std::string>();
    const std::string sum = number(row["sum"]);
    out.push_back(std::to_string(row["clock"].get<int64_t>()) + " | " + key + " [" +
                  std::to_string(row["start"].get<int64_t>()) + "," +
                  std::to_string(row["end"].get<int64_t>()) + ") " +
                  (s == Spelling::kSum ? sum : key + "-" + sum) + " @" +
                  std::to_string(row["ts"].get<int64_t>()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Rows sorted(Rows rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

Replay flink(const std::string& input, const std::vector<std::string>& window,
             const std::string& lateness = "drop", const std::string& trigger = "event-time") {
  std::vector<std::string> args = {"--watermark", "punctuated", "--end",     "keep",
                                   "--lateness",  lateness,     "--trigger", trigger};
  args.insert(args.end(), window.begin(), window.end());
  Replay r = replay(records(input), args, "flink");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

Replay generic(const std::string& input, const std::vector<std::string>& window,
               const std::string& lateness = "drop") {
  std::vector<std::string> args = {"--watermark", "punctuated", "--end",
                                   "keep",        "--lateness", lateness};
  args.insert(args.end(), window.begin(), window.end());
  Replay r = replay(records(input), args, "generic");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

const std::string kEight =
    "key2@3999:1 key2@3000:1 key1@20:1 key1@0:1 key1@999:1 key2@1998:1 key2@1999:1 key2@1000:1 ";

const std::string kSessionInput =
    "key2@0:1 key2@1000:2 key2@2500:3 key1@10:1 key1@1000:2 key1@2500:3 key2@5501:4 key2@6000:5 "
    "key2@6000:5 key2@6050:6 W(12000) key2@15000:10 key2@15000:20 W(17999)";

const std::string kLateSessionInput =
    "key2@1000:1 W(1999) key2@2000:1 W(4998) key2@4500:1 key2@8500:1 W(7400) key2@7000:1 W(11501) "
    "key2@11600:1 W(14600) key2@10000:1 key2@14500:1 W(20000) W(100000)";

}  // namespace

TEST_CASE("F-WO-1 " + kWO + "testSlidingEventTimeWindowsReduce" + kAt, "[conformance][flink]") {
  // Also #testSlidingEventTimeWindowsApply. Windows start below 0; each fires at W >= end - 1.
  const Replay r = flink(kEight + "W(999) W(1999) W(2999) W(3999) W(4999) W(5999) W(6999) W(7999)",
                         {"-w", "hopping:3s/1s"});
  CHECK(sorted_rows(r, Spelling::kSum) == sorted({
                                              "999 | key1 [-2000,1000) 3 @999",
                                              "1999 | key1 [-1000,2000) 3 @1999",
                                              "1999 | key2 [-1000,2000) 3 @1999",
                                              "2999 | key1 [0,3000) 3 @2999",
                                              "2999 | key2 [0,3000) 3 @2999",
                                              "3999 | key2 [1000,4000) 5 @3999",
                                              "4999 | key2 [2000,5000) 2 @4999",
                                              "5999 | key2 [3000,6000) 2 @5999",
                                          }));
  // Flink's W = e - 1 fires [s,e); tidemark generic's punctuated clock needs C >= e, so the
  // same rows fire one watermark later there.
  const Replay g =
      generic(kEight + "W(999) W(1999) W(2999) W(3999) W(4999) W(5999) W(6999) W(7999)",
              {"-w", "hopping:3s/1s"});
  REQUIRE(!g.results.empty());
  CHECK(g.results.front()["clock"] == 1999);
}

TEST_CASE("F-WO-2 " + kWO + "testTumblingEventTimeWindowsReduce" + kAt, "[conformance][flink]") {
  // Also #testTumblingEventTimeWindowsApply.
  const Replay r = flink(kEight + "W(999) W(1999) W(2999) W(3999) W(4999) W(5999) W(6999) W(7999)",
                         {"-w", "tumbling:3s"});
  CHECK(sorted_rows(r, Spelling::kSum) == sorted({
                                              "2999 | key1 [0,3000) 3 @2999",
                                              "2999 | key2 [0,3000) 3 @2999",
                                              "5999 | key2 [3000,6000) 2 @5999",
                                          }));
}

TEST_CASE("F-WO-3 " + kWO + "testSessionWindows" + kAt, "[conformance][flink]") {
  // Also #testSessionWindowsWithProcessFunction, and F-WO-4 #testReduceSessionWindows (the same
  // input with the snapshot elsewhere, the same output). key2@5501 does not touch [0,5500).
  const Replay r = flink(kSessionInput, {"-w", "session:3s"});
  CHECK(sorted_rows(r, Spelling::kSessionSum) == sorted({
                                                     "12000 | key1 [10,5500) key1-6 @5499",
                                                     "12000 | key2 [0,5500) key2-6 @5499",
                                                     "12000 | key2 [5501,9050) key2-20 @9049",
                                                     "17999 | key2 [15000,18000) key2-30 @17999",
                                                 }));
  // A session fires at W >= end - 1 under Flink; generic waits for C >= end + 1.
  const Replay g = generic(kSessionInput, {"-w", "session:3s"});
  CHECK(g.results.size() == 3);
}

TEST_CASE("F-WO-7 " + kWO + "testSideOutputDueToLatenessTumbling" + kAt, "[conformance][flink]") {
  const Replay r = flink(
      "key2@1000:1 W(1985) key2@1980:1 W(1999) key2@1998:1 key2@2001:1 W(2999) "
      "W(3999)",
      {"-w", "tumbling:2s"});
  CHECK(sorted_rows(r, Spelling::kSum) == sorted({
                                              "1999 | key2 [0,2000) 2 @1999",
                                              "3999 | key2 [2000,4000) 1 @3999",
                                          }));
  CHECK(late_records(r) == Rows{"key2@1998"});
}

TEST_CASE("F-WO-8 " + kWO + "testSideOutputDueToLatenessSliding" + kAt, "[conformance][flink]") {
  // key2@2400 (x2) at W = 3000: [0,3000) is late and skips them silently; the other two windows
  // take them, so they are not late. Only the last key1@3001, late for all three, is.
  const Replay r = flink(
      "key2@1000:1 W(1999) key2@2000:1 W(3000) key1@3001:1 key2@2400:1 "
      "key2@2400:1 key1@3001:1 key2@3900:1 W(6000) key1@3001:1 W(25000)",
      {"-w", "hopping:3s/1s"});
  CHECK(sorted_rows(r, Spelling::kSum) == sorted({
                                              "1999 | key2 [-1000,2000) 1 @1999",
                                              "3000 | key2 [0,3000) 2 @2999",
                                              "6000 | key2 [1000,4000) 5 @3999",
                                              "6000 | key1 [1000,4000) 2 @3999",
                                              "6000 | key2 [2000,5000) 4 @4999",
                                              "6000 | key1 [2000,5000) 2 @4999",
                                              "6000 | key2 [3000,6000) 1 @5999",
                                              "6000 | key1 [3000,6000) 2 @5999",
                                          }));
  CHECK(late_records(r) == Rows{"key1@3001"});
}

TEST_CASE("F-WO-10 " + kWO + "testSideOutputDueToLatenessSessionZeroLateness" + kAt,
          "[conformance][flink]") {
  // key2@7000 bridges [1000,7500) and [8500,11500); key2@14500 at W = 14600 does not join
  // [11600,14600), which was cleared when it fired.
  const Replay r = flink(kLateSessionInput, {"-w", "session:3s"});
  CHECK(sorted_rows(r, Spelling::kSessionSum) == sorted({
                                                     "11501 | key2 [1000,11500) key2-5 @11499",
                                                     "14600 | key2 [11600,14600) key2-1 @14599",
                                                     "20000 | key2 [14500,17500) key2-1 @17499",
                                                 }));
  CHECK(late_records(r) == Rows{"key2@10000"});
}

TEST_CASE("F-WO-12 " + kWO + "testNotSideOutputDueToLatenessSessionWithLateness" + kAt,
          "[conformance][flink]") {
  // Allowed lateness 10 ms: key2@10000 merges with the fired [11600,14600) into [10000,14600),
  // late but allowed, which fires at once with both elements; key2@14500 grows it to
  // [10000,17500). No retraction of the earlier firing, and nothing late.
  const Replay r = flink(kLateSessionInput, {"-w", "session:3s"}, "grace:10ms");
  CHECK(sorted_rows(r, Spelling::kSessionSum) == sorted({
                                                     "11501 | key2 [1000,11500) key2-5 @11499",
                                                     "14600 | key2 [11600,14600) key2-1 @14599",
                                                     "14600 | key2 [10000,14600) key2-2 @14599",
                                                     "20000 | key2 [10000,17500) key2-3 @17499",
                                                 }));
  CHECK(r.late.empty());
  for (const auto& row : r.results) CHECK(row["kind"] != "retract");
}

TEST_CASE("F-WO-14 " + kWO + "testNotSideOutputDueToLatenessSessionWithHugeLateness" + kAt,
          "[conformance][flink]") {
  // Allowed lateness 10 s keeps both fired sessions; key2@10000 bridges them into [1000,14600).
  const Replay r = flink(kLateSessionInput, {"-w", "session:3s"}, "grace:10000ms");
  CHECK(sorted_rows(r, Spelling::kSessionSum) == sorted({
                                                     "11501 | key2 [1000,11500) key2-5 @11499",
                                                     "14600 | key2 [11600,14600) key2-1 @14599",
                                                     "14600 | key2 [1000,14600) key2-7 @14599",
                                                     "20000 | key2 [1000,17500) key2-8 @17499",
                                                 }));
  CHECK(r.late.empty());
  // The immediate re-fire is an update; the timer firings are on_time.
  CHECK(r.results[2]["kind"] == "update");
  for (const auto& row : r.results) CHECK(row["kind"] != "retract");
  // Generic retracts [1000,11500), emitted before key2@10000 merged it away.
  const Replay g = generic(kLateSessionInput, {"-w", "session:3s"}, "grace:10000ms");
  CHECK(std::any_of(g.results.begin(), g.results.end(),
                    [](const auto& row) { return row["kind"] == "retract"; }));
}

TEST_CASE("F-WO-16 " + kWO + "testCleanupTimerWithEmptyReduceStateForTumblingWindows" + kAt,
          "[conformance][flink]") {
  // Also F-WO-15 (#...EmptyListState...: PassThroughFunction emits the one element). Allowed
  // lateness 1 ms: the cleanup timer at W = 2000 clears the window without an emission.
  const Replay r =
      flink("key2@1000:1 W(1599) W(1999) W(2000) W(5000)", {"-w", "tumbling:2s"}, "grace:1ms");
  CHECK(sorted_rows(r, Spelling::kSum) == Rows{"1999 | key2 [0,2000) 1 @1999"});
}

TEST_CASE("F-WO-18 " + kWO + "testCleanupTimerWithEmptyReduceStateForSessionWindows" + kAt,
          "[conformance][flink]") {
  // Also F-WO-17 (#...EmptyListStateForSessionWindows).
  const Replay r = flink("key2@1000:1 W(4998) W(14600)", {"-w", "session:3s"}, "grace:10ms");
  CHECK(sorted_rows(r, Spelling::kSessionSum) == Rows{"4998 | key2 [1000,4000) key2-1 @3999"});
}

TEST_CASE("F-WO-5 " + kWO + "testLateness" + kAt, "[conformance][flink]") {
  // PurgingTrigger, allowed lateness 500 ms: [0,2000) fires at W = 2300 with 2 and is purged;
  // key2@1997 (cleanup 2499 > 2300) fires it at once with itself alone ("this is 1 and not 3
  // because the trigger fires and purges"); key2@1998 at W = 6000 finds it cleaned up: late.
  const Replay r = flink(
      "key2@500:1 W(1500) key2@1300:1 W(2300) key2@1997:1 W(6000) key2@1998:1 "
      "W(7000)",
      {"-w", "tumbling:2s"}, "grace:500ms", "purging");
  CHECK(sorted_rows(r, Spelling::kSum) == sorted({
                                              "2300 | key2 [0,2000) 2 @1999",
                                              "2300 | key2 [0,2000) 1 @1999",
                                          }));
  CHECK(late_records(r) == Rows{"key2@1998"});
  // Without purging the late element re-fires the full contents, 3.
  const Replay accumulating =
      flink("key2@500:1 W(1500) key2@1300:1 W(2300) key2@1997:1 W(6000) key2@1998:1 W(7000)",
            {"-w", "tumbling:2s"}, "grace:500ms");
  CHECK(sorted_rows(accumulating, Spelling::kSum) == sorted({
                                                         "2300 | key2 [0,2000) 2 @1999",
                                                         "2300 | key2 [0,2000) 3 @1999",
                                                     }));
}

TEST_CASE("F-WO-9 " + kWO + "testSideOutputDueToLatenessSessionZeroLatenessPurgingTrigger" + kAt,
          "[conformance][flink]") {
  // Without allowed lateness a session is cleared when it fires, purging or not; key2@10000 and
  // key2@10100 are both late ("not accidentally merged": a late session is retired at once).
  const Replay r = flink(
      "key2@1000:1 W(1999) key2@2000:1 W(4998) key2@4500:1 key2@8500:1 W(7400) key2@7000:1 "
      "W(11501) key2@11600:1 W(14600) key2@10000:1 key2@10100:1 key2@14500:1 W(20000) W(100000)",
      {"-w", "session:3s"}, "drop", "purging");
  CHECK(sorted_rows(r, Spelling::kSessionSum) == sorted({
                                                     "11501 | key2 [1000,11500) key2-5 @11499",
                                                     "14600 | key2 [11600,14600) key2-1 @14599",
                                                     "20000 | key2 [14500,17500) key2-1 @17499",
                                                 }));
  CHECK(late_records(r) == Rows{"key2@10000", "key2@10100"});
}

TEST_CASE("F-WO-11 " + kWO + "testDropDueToLatenessSessionWithLatenessPurgingTrigger" + kAt,
          "[conformance][flink]") {
  // Allowed lateness 10 ms: [11600,14600) fired and was purged, and lives until 14609.
  // key2@10000 merges with it into [10000,14600), which fires at once with only the new element;
  // key2@14500 grows it to [10000,17500), whose contents are key2@14500 alone.
  const Replay r = flink(kLateSessionInput, {"-w", "session:3s"}, "grace:10ms", "purging");
  CHECK(sorted_rows(r, Spelling::kSessionSum) == sorted({
                                                     "11501 | key2 [1000,11500) key2-5 @11499",
                                                     "14600 | key2 [11600,14600) key2-1 @14599",
                                                     "14600 | key2 [10000,14600) key2-1 @14599",
                                                     "20000 | key2 [10000,17500) key2-1 @17499",
                                                 }));
  // Flink's test does not check the side output; by its rules an element a window took is not
  // late, and key2@10000 was taken.
  CHECK(r.late.empty());
}

TEST_CASE("F-WO-13 " + kWO + "testNotSideOutputDueToLatenessSessionWithHugeLatenessPurgingTrigger" +
              kAt,
          "[conformance][flink]") {
  // Allowed lateness 10 s keeps both fired, purged sessions: key2@10000 bridges them into
  // [1000,14600), which fires at once with only itself.
  const Replay r = flink(kLateSessionInput, {"-w", "session:3s"}, "grace:10000ms", "purging");
  CHECK(sorted_rows(r, Spelling::kSessionSum) == sorted({
                                                     "11501 | key2 [1000,11500) key2-5 @11499",
                                                     "14600 | key2 [11600,14600) key2-1 @14599",
                                                     "14600 | key2 [1000,14600) key2-1 @14599",
                                                     "20000 | key2 [1000,17500) key2-1 @17499",
                                                 }));
  CHECK(r.late.empty());
}
