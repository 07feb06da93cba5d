#include "tidemark/core/output/emission_counts.hpp"

#include <catch2/catch.hpp>

using namespace tidemark;

TEST_CASE("emission counts: each kind is counted in its own figure", "[emission_counts]") {
  EmissionCounts counts;
  CHECK(counts.fired == 0);
  CHECK(counts.updates == 0);
  CHECK(counts.retractions == 0);

  for (int i = 0; i < 3; ++i) counts.count(EmissionKind::kOnTime);
  for (int i = 0; i < 2; ++i) counts.count(EmissionKind::kUpdate);
  counts.count(EmissionKind::kRetract);
  CHECK(counts.fired == 3);
  CHECK(counts.updates == 2);
  CHECK(counts.retractions == 1);
}

TEST_CASE("emission counts: added to metrics as windows_fired, updates and retractions",
          "[emission_counts]") {
  EmissionCounts counts;
  counts.count(EmissionKind::kUpdate);
  counts.count(EmissionKind::kRetract);
  counts.count(EmissionKind::kRetract);

  Metrics m;
  m.events = 7;  // the other figures are not the counts' to touch
  m.windows_fired = 99;
  counts.add_to(m);
  CHECK(m.windows_fired == 0);  // set, not added: no on-time emission was counted
  CHECK(m.updates == 1);
  CHECK(m.retractions == 2);
  CHECK(m.events == 7);
}
