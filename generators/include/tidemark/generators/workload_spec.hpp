#pragma once
// A workload: a base process of true events, distortions (network delay, offline devices, clock
// skew, a producer outage) and arrival in receive order. Named presets fill every parameter;
// `--param value` pairs override them. The spec prints as one line that goes into the trace
// header, `workload=mixed seed=42 events=1000 rate=1000 ...`, and parses back to the same spec.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tidemark/core/event.hpp"
#include "tidemark/core/time/time.hpp"
#include "tidemark/generators/distribution.hpp"

namespace tidemark::gen {

enum class Partitioning { kHash, kDevice };

// The largest magnitude of a generated value. Values are rounded to 0.01, which is exact only
// while |value| * 100 stays well inside the integers a double holds exactly (2^53 ~ 9e15); past
// that, rounding misbehaves and overflows to inf, which no trace may hold.
inline constexpr double kMaxValueMagnitude = 1e13;

// Every parameter of a workload, with the units the generator works in.
struct WorkloadSpec {
  std::string workload = "out-of-order";
  uint64_t seed = 1;
  uint64_t events = 1000;
  // Base process: a Poisson process of `rate` events/s from `start`; keys are devices.
  double rate = 1000;
  Timestamp start{1'767'225'600'000};  // 2026-01-01T00:00:00Z
  uint32_t keys = 100;
  double zipf = 0;  // 0: uniform key popularity; s > 0: Zipf(s), device 0 the most popular
  uint32_t partitions = 4;
  Partitioning partitioning = Partitioning::kHash;
  Distribution values = Distribution::parse("normal:20,5", "values", false);
  // Network delay from send to receive (true time).
  Distribution delay = Distribution::parse("none", "delay", true);
  // Offline devices: this share of devices alternates online/offline (exponential durations).
  double offline_fraction = 0;
  Duration offline_online{3'600'000};   // mean online period
  Duration offline_offline{1'800'000};  // mean offline period
  // Clock skew: per-device constant offset, normal (SD) or uniform (± width), plus drift.
  enum class Skew { kNone, kNormal, kUniform } skew = Skew::kNone;
  Duration skew_width{0};
  double drift_ppm = 0;  // per-device drift drawn uniformly in [-drift, +drift] ppm
  // Producer outage: these partitions deliver nothing in [start + outage_start, + duration).
  std::vector<PartitionId> outage_partitions;
  Duration outage_start{60'000};
  Duration outage_duration{0};

  // The canonical one-line text: every parameter, in table order.
  std::string to_string() const;
};

// One `--NAME VALUE` parameter: its help (with an example) and how to read and print it.
struct WorkloadParam {
  std::string_view name;
  std::string_view help;
  void (*set)(WorkloadSpec& spec, std::string_view value);  // throws ConfigError
  std::string (*get)(const WorkloadSpec& spec);
};
std::span<const WorkloadParam> workload_params();

// A named preset: what it simulates, and its parameters.
struct WorkloadPreset {
  std::string_view name;
  std::string_view simulates;
  WorkloadSpec (*make)();
};
std::span<const WorkloadPreset> workload_presets();

// The preset `name` with `overrides` (parameter name without dashes, value) applied in order,
// then checked as a whole. Throws ConfigError naming the parameter and value (unknown workload
// or parameter, negative rate, fraction > 1, ...).
WorkloadSpec make_workload_spec(std::string_view name,
                                const std::vector<std::pair<std::string, std::string>>& overrides);
// Parses the header text written by WorkloadSpec::to_string.
WorkloadSpec parse_workload_spec(std::string_view text);

}  // namespace tidemark::gen
