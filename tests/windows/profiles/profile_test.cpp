// Profile: the --profile names (parse_profile / to_string) and the partitions a profile's run has
// (profile_partitions), with the one-line errors both give.
#include "tidemark/windows/profiles/profile.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "test_support.hpp"
#include "tidemark/core/error.hpp"

using namespace tidemark;

TEST_CASE("every profile's name parses back to it", "[profile]") {
  for (const Profile p : {Profile::kGeneric, Profile::kFlink, Profile::kKafkaStreams}) {
    CHECK(parse_profile(to_string(p)) == p);
  }
  CHECK(to_string(Profile::kGeneric) == "generic");
  CHECK(to_string(Profile::kFlink) == "flink");
  CHECK(to_string(Profile::kKafkaStreams) == "kafka-streams");
}

TEST_CASE("an unknown profile is a config error naming --profile and the choices", "[profile]") {
  CHECK_THROWS_AS(parse_profile("spark"), ConfigError);
  CHECK_THROWS_WITH(parse_profile("spark"),
                    "--profile spark: expected generic, flink or kafka-streams");
  // Names are exact: no case folding, no prefixes, no underscores for dashes.
  for (const std::string bad : {"Flink", "kafka", "kafka_streams", "generic ", ""}) {
    CHECK_THROWS_WITH(parse_profile(bad),
                      "--profile " + bad + ": expected generic, flink or kafka-streams");
  }
}

TEST_CASE("a profile's partitions default to one past the largest partition id, at least 1",
          "[profile]") {
  CHECK(profile_partitions(test::csv("partition,event_time\n0,1\n4,2\n2,3\n"),
                           TimestampSource::kEvent, std::nullopt) == 5);
  CHECK(profile_partitions(test::csv("event_time\n1\n2\n"), TimestampSource::kEvent,
                           std::nullopt) == 1);
  CHECK(profile_partitions(test::csv("partition,event_time\n"), TimestampSource::kEvent,
                           std::nullopt) == 1);
}

TEST_CASE("profile partitions: --partitions is taken when every record's partition is below it",
          "[profile]") {
  const Trace t = test::csv("partition,event_time\n0,1\n1,2\n");
  CHECK(profile_partitions(t, TimestampSource::kEvent, 2) == 2);
  CHECK(profile_partitions(t, TimestampSource::kEvent, 7) == 7);
  CHECK(profile_partitions(t, TimestampSource::kEvent, kMaxPartitions) == kMaxPartitions);
}

TEST_CASE(
    "profile partitions: --partitions out of range or below a record's partition is a config error",
    "[profile]") {
  const Trace t = test::csv("partition,event_time\n0,1\n1,2\n5,3\n");
  const std::string range = "--partitions must be in [1, " + std::to_string(kMaxPartitions) + "]";
  CHECK_THROWS_WITH(profile_partitions(t, TimestampSource::kEvent, 0), range + ", got 0");
  CHECK_THROWS_WITH(profile_partitions(t, TimestampSource::kEvent, kMaxPartitions + 1),
                    range + ", got " + std::to_string(kMaxPartitions + 1));
  // The first record beyond it, by its line in the file (the header is line 1).
  CHECK_THROWS_AS(profile_partitions(t, TimestampSource::kEvent, 2), ConfigError);
  CHECK_THROWS_WITH(profile_partitions(t, TimestampSource::kEvent, 2),
                    "--partitions 2: test.csv line 4 has partition 5");
  CHECK(profile_partitions(t, TimestampSource::kEvent, 6) == 6);
}

TEST_CASE("a profile's run needs the column its --timestamp reads", "[profile]") {
  const Trace t = test::csv("partition,event_time\n0,1\n");
  CHECK_THROWS_AS(profile_partitions(t, TimestampSource::kReceive, std::nullopt), ConfigError);
  CHECK_THROWS_WITH(profile_partitions(t, TimestampSource::kReceive, std::nullopt),
                    "--timestamp receive needs column \"receive_time\", which test.csv does "
                    "not have");
  // Checked before --partitions: the column is the first thing wrong.
  CHECK_THROWS_WITH(profile_partitions(t, TimestampSource::kCorrected, 0),
                    "--timestamp corrected needs column \"send_time\", which test.csv does not "
                    "have");
  const Trace with = test::csv("partition,event_time,receive_time\n0,1,2\n");
  CHECK(profile_partitions(with, TimestampSource::kReceive, std::nullopt) == 1);
}
