// ProfileWindowValue, put_result and ResultForwarder: a window's value as kafka-streams stores it
// (aggregate in aggregation order, record timestamp the largest input timestamp) and the
// forwarding of results with the run's sequence numbers, clocks and counts (docs/profiles.md).
#include "tidemark/windows/profiles/profile_window_state.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <vector>

using namespace tidemark;

namespace {

using StatsValue = ProfileWindowValue<StatsAggregator>;
using CollectValue = ProfileWindowValue<StatsAndValuesAggregator>;

}  // namespace

TEST_CASE("a kafka window value starts empty and takes the largest input timestamp",
          "[kafka][window_state]") {
  StatsValue v;
  CHECK(v.empty);
  CHECK(v.agg.count == 0);
  // The first record sets ts whatever it is (below the default 0 too), later ones only raise it.
  v.add(2.0, -5);
  CHECK_FALSE(v.empty);
  CHECK(v.ts == -5);
  v.add(4.0, 7);
  v.add(1.0, 3);
  CHECK(v.ts == 7);
  const WindowStats s = lower(v.agg);
  CHECK(s.count == 3);
  CHECK(s.sum == 7.0);
  CHECK(s.min == 1.0);
  CHECK(s.max == 4.0);
}

TEST_CASE("a kafka window value keeps its values in aggregation order", "[kafka][window_state]") {
  CollectValue v;
  v.add(3.0, 10);
  v.add(1.0, 20);
  v.add(2.0, 15);
  CHECK(v.agg.second == std::vector<double>{3.0, 1.0, 2.0});
  CHECK(v.ts == 20);
}

TEST_CASE("merging kafka session values puts this one's values first and keeps the largest ts",
          "[kafka][window_state]") {
  CollectValue left, right;
  left.add(1.0, 100);
  left.add(2.0, 40);
  right.add(5.0, 60);
  CollectValue merged = left;
  merged.merge(right);
  CHECK_FALSE(merged.empty);
  CHECK(merged.ts == 100);
  CHECK(merged.agg.second == std::vector<double>{1.0, 2.0, 5.0});
  CHECK(merged.agg.first.count == 3);

  CollectValue other_way = right;
  other_way.merge(left);
  CHECK(other_way.ts == 100);
  CHECK(other_way.agg.second == std::vector<double>{5.0, 1.0, 2.0});
}

TEST_CASE("merging into an empty kafka value takes the other's timestamp and emptiness",
          "[kafka][window_state]") {
  StatsValue full;
  full.add(1.0, 30);
  StatsValue into_empty;
  into_empty.merge(full);
  CHECK_FALSE(into_empty.empty);
  CHECK(into_empty.ts == 30);
  CHECK(into_empty.agg.count == 1);

  StatsValue both_empty;
  both_empty.merge(StatsValue{});
  CHECK(both_empty.empty);
  CHECK(both_empty.agg.count == 0);
}

TEST_CASE("merging an empty value changes nothing, a negative timestamp included",
          "[kafka][window_state]") {
  StatsValue v;
  v.add(3.0, -40);
  v.merge(StatsValue{});
  CHECK(v.ts == -40);  // an empty value's default ts 0 is not an input timestamp
  CHECK(v.agg.count == 1);
  CHECK(v.agg.sum == 3.0);
}

TEST_CASE("put_result carries values only for the collecting aggregator", "[kafka][window_state]") {
  ProfileResult stats_only;
  const WindowStats s{2, 3.0, 1.0, 2.0, 1.5};
  put_result(stats_only, s);
  CHECK(stats_only.stats == s);
  CHECK_FALSE(stats_only.collect);
  CHECK(stats_only.values.empty());

  ProfileResult collected;
  put_result(collected, StatsAndValuesAggregator::Result{s, {1.0, 2.0}});
  CHECK(collected.stats == s);
  CHECK(collected.collect);
  CHECK(collected.values == std::vector<double>{1.0, 2.0});
}

TEST_CASE("the kafka forwarder numbers results from 1 and stamps the clocks set before each",
          "[kafka][window_state]") {
  CollectingProfileSink sink;
  ResultForwarder out(sink);
  StatsValue v;
  v.add(4.0, 12);

  // Before set_time: Kafka's stream time before the first record (-1), no processing time.
  out.forward(KeyId(3), 0, 10, v, EmissionKind::kUpdate, 12);
  out.set_time(12, Timestamp{500});
  out.forward(KeyId(4), 10, 20, v, EmissionKind::kOnTime, 19);
  out.set_time(std::numeric_limits<int64_t>::max(), Timestamp::max());
  // The ts is the caller's: a tombstone carries the removed session's end, not the value's ts.
  out.forward(KeyId(3), 0, 10, v, EmissionKind::kRetract, 10);

  REQUIRE(sink.results.size() == 3);
  const ProfileResult& first = sink.results[0];
  CHECK(first.seq == 1);
  CHECK(first.key == 3);
  CHECK(first.start == 0);
  CHECK(first.end == 10);
  CHECK(first.kind == EmissionKind::kUpdate);
  CHECK(first.ts == 12);
  CHECK(first.stream_time == -1);
  CHECK(first.proc_time == Timestamp::min());
  CHECK(first.stats.count == 1);
  CHECK(first.stats.sum == 4.0);
  CHECK_FALSE(first.collect);

  CHECK(sink.results[1].seq == 2);
  CHECK(sink.results[1].key == 4);
  CHECK(sink.results[1].ts == 19);
  CHECK(sink.results[1].stream_time == 12);
  CHECK(sink.results[1].proc_time == Timestamp{500});

  CHECK(sink.results[2].seq == 3);
  CHECK(sink.results[2].kind == EmissionKind::kRetract);
  CHECK(sink.results[2].ts == 10);
  CHECK(sink.results[2].stream_time == std::numeric_limits<int64_t>::max());
  CHECK(sink.results[2].proc_time == Timestamp::max());
}

TEST_CASE("the kafka forwarder counts its results by kind into the run's metrics",
          "[kafka][window_state]") {
  CollectingProfileSink sink;
  ResultForwarder out(sink);
  Metrics none;
  out.add_counts_to(none);
  CHECK(none.windows_fired == 0);
  CHECK(none.updates == 0);
  CHECK(none.retractions == 0);

  CollectValue v;
  v.add(1.0, 1);
  for (int i = 0; i < 3; ++i) out.forward(KeyId(0), 0, 5, v, EmissionKind::kUpdate, 1);
  for (int i = 0; i < 2; ++i) out.forward(KeyId(0), 0, 5, v, EmissionKind::kRetract, 5);
  out.forward(KeyId(0), 0, 5, v, EmissionKind::kOnTime, 1);
  Metrics m;
  out.add_counts_to(m);
  CHECK(m.windows_fired == 1);
  CHECK(m.updates == 3);
  CHECK(m.retractions == 2);
  REQUIRE(sink.results.size() == 6);
  CHECK(sink.results.back().seq == 6);
  CHECK(sink.results.back().collect);
  CHECK(sink.results.back().values == std::vector<double>{1.0});
}
