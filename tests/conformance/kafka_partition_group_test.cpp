// Kafka Streams' PartitionGroupTest ordering vectors (docs/profiles.md; transcribed in
// notes/profiles.md Part 2b), at apache/kafka 1eb7644349cb07139d6a3c1ad1986979647cac99. Each
// record has a key of its own ("p<partition>-<ts>"), so the order of the forwarded updates is
// the order PartitionGroup.nextRecord took the records in, and their clock the stream time.
#include "harness.hpp"

using namespace conformance;
using Rows = std::vector<std::string>;

namespace {

const std::string kPG =
    "apache/kafka:streams/src/test/java/org/apache/kafka/streams/processor/internals/"
    "PartitionGroupTest.java#";

// "p1-3 st3": the record polled and the stream time after it.
Rows polled(const std::string& input) {
  const Replay r = replay(records(input), {"-w", "tumbling:1000ms"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  Rows out;
  for (const auto& row : r.results) {
    out.push_back(row["key"].get<std::string>() + " st" +
                  std::to_string(row["clock"].get<int64_t>()));
  }
  return out;
}

}  // namespace

TEST_CASE("K-PG-1 " + kPG + "testTimeTracking", "[conformance][kafka]") {
  // p1 buffers [1, 3, 5], p2 [2, 4, 6]; p1 gets [2, 4] appended after two polls, before they
  // reach its head: in a trace, p1's rows in offset order.
  CHECK(polled("p1-1@1#1 p1-3@3#1 p1-5@5#1 p1-2@2#1 p1-4@4#1 p2-2@2#2 p2-4@4#2 p2-6@6#2") ==
        Rows{"p1-1 st1", "p2-2 st2", "p1-3 st3", "p2-4 st4", "p1-5 st5", "p1-2 st5", "p1-4 st5",
             "p2-6 st6"});
}

TEST_CASE("K-PG-2 " + kPG + "shouldChooseNextRecordBasedOnHeadTimestamp", "[conformance][kafka]") {
  // p1 buffers [1, 5, 3]; two polls; then p2 gets [2, 4, 6]. As a trace: p1's 1 and 5 are
  // received at 0, its 3 and all of p2 at 1 (after the two polls; processing takes no time).
  const Rows got = polled("p1-1@1#1~0 p1-5@5#1~0 p1-3@3#1~1 p2-2@2#2~1 p2-4@4#2~1 p2-6@6#2~1");
  REQUIRE(got.size() == 6);
  // "even though it has seen a larger max timestamp = 5", p1's head 3 goes before p2's 4.
  CHECK(Rows(got.begin(), got.begin() + 4) == Rows{"p1-1 st1", "p1-5 st5", "p2-2 st5", "p1-3 st5"});
}
