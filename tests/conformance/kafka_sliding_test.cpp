// Kafka Streams' KStreamSlidingWindowAggregateTest and the sliding part of SuppressScenarioTest
// (docs/profiles.md; transcribed in notes/profiles.md Part 2b), at apache/kafka
// 1eb7644349cb07139d6a3c1ad1986979647cac99. The tests gather, per window start, the set of
// "value@timestamp" forwarded (gatherOutput); windows are [start, start + d], both ends inclusive.
#include <algorithm>

#include "harness.hpp"

using namespace conformance;
using Rows = std::vector<std::string>;
using Gathered = std::map<int64_t, std::set<std::string>>;

namespace {

const std::string kSL =
    "apache/kafka:streams/src/test/java/org/apache/kafka/streams/kstream/internals/"
    "KStreamSlidingWindowAggregateTest.java#";

Replay sliding(const std::string& input, const std::string& window, const std::string& grace,
               const std::string& emit) {
  Replay r = replay(records(input),
                    {"-w", window, "--lateness", grace, "--emit", emit, "--aggregate", "collect"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

// The large-input tests sort all outputs by key, then window start (a stable sort).
Rows sorted_by_key_and_start(const Replay& r) {
  std::vector<nlohmann::json> rows = r.results;
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a["key"] != b["key"])
      return a["key"].template get<std::string>() < b["key"].template get<std::string>();
    return a["start"].template get<int64_t>() < b["start"].template get<int64_t>();
  });
  Rows out;
  for (const auto& row : rows) out.push_back(spell(row, Agg::kCollect0, Bounds::kInclusive));
  return out;
}

const std::string kSmall = "A@10:1 A@10:2 A@14:3 A@15:4 A@20:5 A@22:6 A@30:7";
const std::string kReduceSmall = "A@10:1 A@14:2 A@15:3 A@22:4 A@26:5 A@30:6";
const std::string kEarly = "A@0:1 A@5:2 A@6:3 A@3:4 A@13:5 A@10:6 A@70:7";
const std::string kRepeated = "A@0:1 A@2:2 A@4:3 A@0:4 A@2:5 A@2:6 A@0:7 A@7:8";
const std::string kEarlyNoGrace = "A@0:1 A@5:2 A@6:3 A@3:4 A@13:5 A@10:6 A@70:6";
const std::string kNoGrace = "A@100:1 A@105:2 A@106:3 A@103:4 A@113:5 A@110:6";
const std::string kExpired =
    "k@200:100 k@100:0 k@101:1 k@102:2 k@103:3 k@104:4 k@105:5 k@15:6 k@300:101 k@400:102";
const std::string kLarge =
    "A@10:1 A@20:2 A@22:3 A@15:4 B@12:1 B@13:2 B@18:3 B@19:4 B@25:5 B@14:6 C@11:1 C@15:2 "
    "C@16:3 C@21:4 C@23:5 D@11:4 D@12:2 D@29:3 D@16:5";
const std::string kNoGraceLarge =
    "E@100:1 E@105:3 E@106:4 E@103:2 E@113:6 E@110:5 E@104:7 E@102:8 E@115:9";

}  // namespace

TEST_CASE("K-SL-1 " + kSL + "testAggregateSmallInput (on-update)", "[conformance][kafka]") {
  CHECK(gathered(sliding(kSmall, "sliding:10ms", "grace:5ms", "on-update"), Agg::kCollect0) ==
        Gathered{{0, {"0+1@10", "0+1+2@10"}},
                 {4, {"0+1+2+3@14"}},
                 {5, {"0+1+2+3+4@15"}},
                 {10, {"0+1+2+3+4+5@20"}},
                 {11, {"0+3@14", "0+3+4@15", "0+3+4+5@20"}},
                 {12, {"0+3+4+5+6@22"}},
                 {15, {"0+4@15", "0+4+5@20", "0+4+5+6@22"}},
                 {16, {"0+5@20", "0+5+6@22"}},
                 {20, {"0+5+6+7@30"}},
                 {21, {"0+6@22", "0+6+7@30"}},
                 {23, {"0+7@30"}}});
}

TEST_CASE("K-SL-2 " + kSL + "testAggregateSmallInput (on-close)", "[conformance][kafka]") {
  CHECK(gathered(sliding(kSmall, "sliding:10ms", "grace:5ms", "on-close"), Agg::kCollect0) ==
        Gathered{{0, {"0+1+2@10"}},
                 {4, {"0+1+2+3@14"}},
                 {5, {"0+1+2+3+4@15"}},
                 {10, {"0+1+2+3+4+5@20"}},
                 {11, {"0+3+4+5@20"}},
                 {12, {"0+3+4+5+6@22"}}});
}

TEST_CASE("K-SL-3 " + kSL + "testReduceSmallInput (on-update)", "[conformance][kafka]") {
  CHECK(gathered(sliding(kReduceSmall, "sliding:10ms", "grace:5ms", "on-update"), Agg::kReduce) ==
        Gathered{{0, {"1@10"}},
                 {4, {"1+2@14"}},
                 {5, {"1+2+3@15"}},
                 {11, {"2@14", "2+3@15"}},
                 {12, {"2+3+4@22"}},
                 {15, {"3@15", "3+4@22"}},
                 {16, {"4@22", "4+5@26"}},
                 {20, {"4+5+6@30"}},
                 {23, {"5@26", "5+6@30"}},
                 {27, {"6@30"}}});
}

TEST_CASE("K-SL-4 " + kSL + "testReduceSmallInput (on-close)", "[conformance][kafka]") {
  CHECK(
      gathered(sliding(kReduceSmall, "sliding:10ms", "grace:5ms", "on-close"), Agg::kReduce) ==
      Gathered{
          {0, {"1@10"}}, {4, {"1+2@14"}}, {5, {"1+2+3@15"}}, {11, {"2+3@15"}}, {12, {"2+3+4@22"}}});
}

const Gathered kEarlyOnUpdate{
    {0, {"0+1@0", "0+1+2@5", "0+1+2+3@6", "0+1+2+3+4@6", "0+1+2+3+4+5@13", "0+1+2+3+4+5+6@13"}},
    {1, {"0+2@5", "0+2+3@6", "0+2+3+4@6", "0+2+3+4+5@13", "0+2+3+4+5+6@13"}},
    {4, {"0+2+3@6", "0+2+3+5@13", "0+2+3+5+6@13"}},
    {6, {"0+3@6", "0+3+5@13", "0+3+5+6@13"}},
    {7, {"0+5@13", "0+5+6@13"}},
    {11, {"0+5@13"}}};
const Gathered kEarlyOnClose{{0, {"0+1+2+3+4+5+6@13"}}, {1, {"0+2+3+4+5+6@13"}},
                             {4, {"0+2+3+5+6@13"}},     {6, {"0+3+5+6@13"}},
                             {7, {"0+5+6@13"}},         {11, {"0+5@13"}}};

TEST_CASE("K-SL-5 " + kSL + "testEarlyRecordsSmallInput (on-update)", "[conformance][kafka]") {
  Gathered expected = kEarlyOnUpdate;
  expected[20] = {"0+7@70"};
  CHECK(gathered(sliding(kEarly, "sliding:50ms", "grace:0ms", "on-update"), Agg::kCollect0) ==
        expected);
}

TEST_CASE("K-SL-6 " + kSL + "testEarlyRecordsSmallInput (on-close)", "[conformance][kafka]") {
  CHECK(gathered(sliding(kEarly, "sliding:50ms", "grace:0ms", "on-close"), Agg::kCollect0) ==
        kEarlyOnClose);
}

TEST_CASE("K-SL-7 " + kSL + "testEarlyRecordsRepeatedInput (on-update)", "[conformance][kafka]") {
  CHECK(gathered(sliding(kRepeated, "sliding:5ms", "grace:0ms", "on-update"), Agg::kCollect0) ==
        Gathered{{0,
                  {"0+1@0", "0+1+2@2", "0+1+2+3@4", "0+1+2+3+4@4", "0+1+2+3+4+5@4",
                   "0+1+2+3+4+5+6@4", "0+1+2+3+4+5+6+7@4"}},
                 {1, {"0+2@2", "0+2+3@4", "0+2+3+5@4", "0+2+3+5+6@4"}},
                 {2, {"0+2+3+5+6+8@7"}},
                 {3, {"0+3@4", "0+3+8@7"}},
                 {5, {"0+8@7"}}});
}

TEST_CASE("K-SL-8 " + kSL + "testEarlyRecordsRepeatedInput (on-close)", "[conformance][kafka]") {
  CHECK(gathered(sliding(kRepeated, "sliding:5ms", "grace:0ms", "on-close"), Agg::kCollect0) ==
        Gathered{{0, {"0+1+2+3+4+5+6+7@4"}}, {1, {"0+2+3+5+6@4"}}});
}

TEST_CASE("K-SL-9 " + kSL + "testEarlyNoGracePeriodSmallInput (on-update)",
          "[conformance][kafka]") {
  Gathered expected = kEarlyOnUpdate;
  expected[20] = {"0+6@70"};
  CHECK(gathered(sliding(kEarlyNoGrace, "sliding:50ms", "drop", "on-update"), Agg::kCollect0) ==
        expected);
}

TEST_CASE("K-SL-10 " + kSL + "testEarlyNoGracePeriodSmallInput (on-close)",
          "[conformance][kafka]") {
  CHECK(gathered(sliding(kEarlyNoGrace, "sliding:50ms", "drop", "on-close"), Agg::kCollect0) ==
        kEarlyOnClose);
}

TEST_CASE("K-SL-11 " + kSL + "testNoGracePeriodSmallInput (on-update)", "[conformance][kafka]") {
  CHECK(gathered(sliding(kNoGrace, "sliding:50ms", "drop", "on-update"), Agg::kCollect0) ==
        Gathered{{50, {"0+1@100"}},
                 {55, {"0+1+2@105"}},
                 {56, {"0+1+2+3@106", "0+1+2+3+4@106"}},
                 {63, {"0+1+2+3+4+5@113", "0+1+2+3+4+5+6@113"}},
                 {101, {"0+2@105", "0+2+3@106", "0+2+3+4@106", "0+2+3+4+5@113", "0+2+3+4+5+6@113"}},
                 {104, {"0+2+3@106", "0+2+3+5@113", "0+2+3+5+6@113"}},
                 {106, {"0+3@106", "0+3+5@113", "0+3+5+6@113"}},
                 {107, {"0+5@113", "0+5+6@113"}},
                 {111, {"0+5@113"}}});
}

TEST_CASE("K-SL-12 " + kSL + "testNoGracePeriodSmallInput (on-close)", "[conformance][kafka]") {
  CHECK(gathered(sliding(kNoGrace, "sliding:50ms", "drop", "on-close"), Agg::kCollect0) ==
        Gathered{{50, {"0+1@100"}}, {55, {"0+1+2@105"}}, {56, {"0+1+2+3+4@106"}}});
}

TEST_CASE("K-SL-13 " + kSL + "shouldLogAndMeterWhenSkippingExpiredWindowByGrace (on-update)",
          "[conformance][kafka]") {
  const Replay r = sliding(kExpired, "sliding:10ms", "grace:90ms", "on-update");
  CHECK(spelled(r, Agg::kCollect0, Bounds::kInclusive) ==
        Rows{"k [190,200] 0+100 @200", "k [290,300] 0+101 @300", "k [390,400] 0+102 @400"});
  CHECK(late_records(r) == Rows{"k@100", "k@101", "k@102", "k@103", "k@104", "k@105", "k@15"});
}

TEST_CASE("K-SL-14 " + kSL + "shouldLogAndMeterWhenSkippingExpiredWindowByGrace (on-close)",
          "[conformance][kafka]") {
  const Replay r = sliding(kExpired, "sliding:10ms", "grace:90ms", "on-close");
  CHECK(spelled(r, Agg::kCollect0, Bounds::kInclusive) ==
        Rows{"k [190,200] 0+100 @200", "k [290,300] 0+101 @300"});
}

TEST_CASE("K-SL-15 " + kSL + "testAggregateLargeInput (on-update)", "[conformance][kafka]") {
  CHECK(sorted_by_key_and_start(sliding(kLarge, "sliding:10ms", "grace:50ms", "on-update")) ==
        Rows{"A [0,10] 0+1 @10",       "A [5,15] 0+1+4 @15",       "A [10,20] 0+1+2 @20",
             "A [10,20] 0+1+2+4 @20",  "A [11,21] 0+2 @20",        "A [11,21] 0+2+4 @20",
             "A [12,22] 0+2+3 @22",    "A [12,22] 0+2+3+4 @22",    "A [16,26] 0+2+3 @22",
             "A [21,31] 0+3 @22",      "B [2,12] 0+1 @12",         "B [3,13] 0+1+2 @13",
             "B [4,14] 0+1+2+6 @14",   "B [8,18] 0+1+2+3 @18",     "B [8,18] 0+1+2+3+6 @18",
             "B [9,19] 0+1+2+3+4 @19", "B [9,19] 0+1+2+3+4+6 @19", "B [13,23] 0+2 @13",
             "B [13,23] 0+2+3 @18",    "B [13,23] 0+2+3+4 @19",    "B [13,23] 0+2+3+4+6 @19",
             "B [14,24] 0+3 @18",      "B [14,24] 0+3+4 @19",      "B [14,24] 0+3+4+6 @19",
             "B [15,25] 0+3+4+5 @25",  "B [19,29] 0+4 @19",        "B [19,29] 0+4+5 @25",
             "B [20,30] 0+5 @25",      "C [1,11] 0+1 @11",         "C [5,15] 0+1+2 @15",
             "C [6,16] 0+1+2+3 @16",   "C [11,21] 0+1+2+3+4 @21",  "C [12,22] 0+2 @15",
             "C [12,22] 0+2+3 @16",    "C [12,22] 0+2+3+4 @21",    "C [13,23] 0+2+3+4+5 @23",
             "C [16,26] 0+3 @16",      "C [16,26] 0+3+4 @21",      "C [16,26] 0+3+4+5 @23",
             "C [17,27] 0+4 @21",      "C [17,27] 0+4+5 @23",      "C [22,32] 0+5 @23",
             "D [1,11] 0+4 @11",       "D [2,12] 0+4+2 @12",       "D [6,16] 0+4+2+5 @16",
             "D [12,22] 0+2 @12",      "D [12,22] 0+2+5 @16",      "D [13,23] 0+5 @16",
             "D [19,29] 0+3 @29"});
}

TEST_CASE("K-SL-16 " + kSL + "testAggregateLargeInput (on-close)", "[conformance][kafka]") {
  CHECK(sorted_by_key_and_start(sliding(kLarge, "sliding:10ms", "grace:10ms", "on-close")) ==
        Rows{"A [0,10] 0+1 @10", "A [5,15] 0+1+4 @15", "B [2,12] 0+1 @12", "B [3,13] 0+1+2 @13",
             "B [8,18] 0+1+2+3+6 @18", "C [5,15] 0+2 @15", "C [6,16] 0+2+3 @16"});
}

TEST_CASE("K-SL-17 " + kSL + "testNoGracePeriodLargeInput (on-update)", "[conformance][kafka]") {
  CHECK(sorted_by_key_and_start(sliding(kNoGraceLarge, "sliding:10ms", "drop", "on-update")) ==
        Rows{"E [90,100] 0+1 @100",          "E [95,105] 0+1+3 @105",
             "E [96,106] 0+1+3+4 @106",      "E [96,106] 0+1+3+4+2 @106",
             "E [101,111] 0+3 @105",         "E [101,111] 0+3+4 @106",
             "E [101,111] 0+3+4+2 @106",     "E [103,113] 0+3+4+2+6 @113",
             "E [103,113] 0+3+4+2+6+5 @113", "E [103,113] 0+3+4+2+6+5+7 @113",
             "E [104,114] 0+3+4 @106",       "E [104,114] 0+3+4+6 @113",
             "E [104,114] 0+3+4+6+5 @113",   "E [104,114] 0+3+4+6+5+7 @113",
             "E [105,115] 0+3+4+6+5 @113",   "E [105,115] 0+3+4+6+5+9 @115",
             "E [106,116] 0+4 @106",         "E [106,116] 0+4+6 @113",
             "E [106,116] 0+4+6+5 @113",     "E [106,116] 0+4+6+5+9 @115",
             "E [107,117] 0+6 @113",         "E [107,117] 0+6+5 @113",
             "E [107,117] 0+6+5+9 @115",     "E [111,121] 0+6 @113",
             "E [111,121] 0+6+9 @115",       "E [114,124] 0+9 @115"});
}

TEST_CASE("K-SL-18 " + kSL + "testNoGracePeriodLargeInput (on-close)", "[conformance][kafka]") {
  CHECK(sorted_by_key_and_start(sliding(kNoGraceLarge, "sliding:10ms", "drop", "on-close")) ==
        Rows{"E [90,100] 0+1 @100", "E [95,105] 0+1+3 @105", "E [96,106] 0+1+3+4+2 @106",
             "E [101,111] 0+3+4+2 @106", "E [103,113] 0+3+4+2+6+5+7 @113",
             "E [104,114] 0+3+4+6+5+7 @113"});
}

TEST_CASE(
    "K-SU-3 apache/kafka:streams/src/test/java/org/apache/kafka/streams/kstream/internals/"
    "SuppressScenarioTest.java#shouldSupportFinalResultsForSlidingWindows (raw)",
    "[conformance][kafka]") {
  const Replay r = replay(records("k1@10 k1@11 k1@10 k1@13 k1@10 k1@24 k1@5 k1@7 k1@90"),
                          {"-w", "sliding:5ms", "--lateness", "grace:15ms"});
  REQUIRE(r.exit_code == 0);
  // The test sorts by key string, then timestamp: the order is not asserted.
  Rows got = spelled(r, Agg::kCount, Bounds::kInclusive);
  std::sort(got.begin(), got.end());
  Rows expected{"k1 [11,16] 1 @11", "k1 [11,16] 2 @13", "k1 [12,17] 1 @13", "k1 [19,24] 1 @24",
                "k1 [5,10] 1 @10",  "k1 [5,10] 2 @10",  "k1 [5,10] 3 @10",  "k1 [5,10] 4 @10",
                "k1 [5,10] 5 @10",  "k1 [6,11] 2 @11",  "k1 [6,11] 3 @11",  "k1 [6,11] 4 @11",
                "k1 [6,11] 5 @11",  "k1 [8,13] 4 @13",  "k1 [8,13] 5 @13",  "k1 [85,90] 1 @90"};
  std::sort(expected.begin(), expected.end());
  CHECK(got == expected);
}
