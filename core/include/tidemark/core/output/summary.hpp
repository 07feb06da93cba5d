#pragma once
// The run summary: a human table and a JSON document (docs/design.md §7).

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tidemark/core/runtime/metrics.hpp"
#include "tidemark/core/runtime/run_config.hpp"

namespace tidemark {

// Wall-clock figures measured by the caller (library code does not read the wall clock).
struct Timing {
  double wall_seconds = 0;
};

// Whose rules a run followed, when not generic's: the profile's name and its own options, as
// they appear in the summary's config.
struct ProfileSummary {
  std::string name;
  std::vector<std::pair<std::string, std::string>> options;
};

std::string summary_table(const Metrics& m, const Timing& t);
// JSON with the run's configuration, every metric, and (unless null) the timing. Under an engine
// profile the config also names it and its options.
std::string summary_json(const RunConfig& config, const std::string& trace, const Metrics& m,
                         const std::optional<Timing>& t,
                         const std::optional<ProfileSummary>& profile = std::nullopt);

}  // namespace tidemark
