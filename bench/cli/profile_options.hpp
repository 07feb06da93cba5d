#pragma once
// --profile and the options only a profile has (--emit, --aggregate): whose rules a run follows,
// checked against the run options as the user typed them.

#include <CLI/CLI.hpp>
#include <string>

#include "tidemark/core/runtime/run_config.hpp"
#include "tidemark/windows/profiles/flink.hpp"
#include "tidemark/windows/profiles/kafka_streams.hpp"
#include "tidemark/windows/profiles/profile.hpp"

namespace tidemark::cli {

struct ProfileOptions {
  std::string profile = "generic";
  std::string emit;
  std::string aggregate;
  std::string retention;
  std::string watermark_interval;
  std::string trigger;
};

// `with_emission` false (compare) registers --profile alone.
void add_profile_options(CLI::App& app, ProfileOptions& p, bool with_emission = true);

// The chosen profile; throws ConfigError (one line) for an option the profile has no notion of.
Profile chosen_profile(const CLI::App& app, const ProfileOptions& p);

// The kafka-streams run for `config` (from the run options): throws ConfigError for what Kafka
// Streams has no notion of. `config` is rewritten to what the run does (stream time, grace, the
// end kept), for the summary.
KafkaStreamsConfig kafka_streams_config(const CLI::App& app, const ProfileOptions& p,
                                        RunConfig& config);

}  // namespace tidemark::cli

namespace tidemark::cli {

// What `replay` writes where.
struct ReplayPaths {
  std::string trace, output, late_output, clock_output, summary;
};

// `replay --profile kafka-streams`: the whole trace is read (PartitionGroup order needs every
// partition's records), results as JSON Lines with Kafka's `ts`, then the summary as replay
// prints it. `config` is what kafka_streams_config() left, for the summary.
int replay_kafka_streams(const ReplayPaths& paths, const RunConfig& config,
                         const KafkaStreamsConfig& kafka, std::ostream& out, std::ostream& err);

// The flink run for `config`: throws ConfigError for what Flink's event-time windows have no
// notion of (docs/profiles.md).
FlinkConfig flink_config(const CLI::App& app, const ProfileOptions& p, const RunConfig& config);

// `replay --profile flink`: as replay_kafka_streams, with Flink's rules.
int replay_flink(const ReplayPaths& paths, const RunConfig& config, const FlinkConfig& flink,
                 std::ostream& out, std::ostream& err);

}  // namespace tidemark::cli
