#include "tidemark/generators/workload_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "tidemark/core/count.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/time/iso_time.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"

namespace tidemark::gen {

namespace {

[[noreturn]] void bad(std::string_view name, std::string_view value, std::string_view why) {
  throw ConfigError(fmt::format("--{} {}: {}", name, value, why));
}

// A count: 1000, 1e3 or 2.5e3 (parse_count).
template <class T>
T integer(std::string_view name, std::string_view v, T lo, T hi) {
  const Count c = parse_count(v);
  switch (c.error) {
    case CountError::kNone:
      break;
    case CountError::kNegative:
      bad(name, v, fmt::format("must be >= {}", lo));
    case CountError::kTooLarge:
      bad(name, v, fmt::format("must be in [{}, {}]", lo, hi));
    case CountError::kNotInteger:
      bad(name, v, "not an integer");
  }
  if (c.value < uint64_t(lo) || c.value > uint64_t(hi)) {
    bad(name, v, fmt::format("must be in [{}, {}]", lo, hi));
  }
  return T(c.value);
}

double real(std::string_view name, std::string_view v, double lo, double hi) {
  double out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || p != v.data() + v.size() || !std::isfinite(out)) {
    bad(name, v, "not a number");
  }
  if (!(out >= lo && out <= hi)) bad(name, v, fmt::format("must be in [{}, {}]", lo, hi));
  return out;
}

Duration duration(std::string_view name, std::string_view v, bool positive) {
  const Duration d = parse_duration(v, fmt::format("--{}", name));
  if (positive ? d.ms <= 0 : d.ms < 0) bad(name, v, positive ? "must be > 0" : "must be >= 0");
  return d;
}

std::string num(double v) {
  return fmt::format("{}", v);
}

constexpr WorkloadParam kParams[] = {
    {"rate", "Base events per second of true time (a Poisson process). Example: --rate 5000",
     [](WorkloadSpec& s, std::string_view v) { s.rate = real("rate", v, 1e-3, 1e9); },
     [](const WorkloadSpec& s) { return num(s.rate); }},
    {"start",
     "True time of the first event: ISO-8601 or epoch ms. Example: --start "
     "2026-03-01T09:00:00+09:00",
     [](WorkloadSpec& s, std::string_view v) {
       const auto t = parse_time_field(v);
       // Keep every derived time (skew, delay, drift) far inside the years 0000..9999.
       if (!t || *t < Timestamp{-30'610'224'000'000} || *t > Timestamp{221'845'392'000'000}) {
         bad("start", v, "not a time between years 1000 and 9000 (ISO-8601 or epoch ms)");
       }
       s.start = *t;
     },
     [](const WorkloadSpec& s) { return format_iso8601(s.start); }},
    {"keys", "Number of devices (= keys), named dev-0..; Example: --keys 1000",
     [](WorkloadSpec& s, std::string_view v) {
       s.keys = integer<uint32_t>("keys", v, 1, 10'000'000);
     },
     [](const WorkloadSpec& s) { return fmt::format("{}", s.keys); }},
    {"key-dist",
     "Key popularity: uniform, or zipf:S (device 0 the most popular). Example: "
     "--key-dist zipf:1.1",
     [](WorkloadSpec& s, std::string_view v) {
       if (v == "uniform") {
         s.zipf = 0;
       } else if (v.starts_with("zipf:")) {
         s.zipf = real("key-dist", v.substr(5), 1e-9, 100);
       } else {
         bad("key-dist", v, "write uniform or zipf:S with S > 0");
       }
     },
     [](const WorkloadSpec& s) {
       return s.zipf == 0 ? std::string("uniform") : "zipf:" + num(s.zipf);
     }},
    {"partitions", "Number of partitions (producers). Example: --partitions 8",
     [](WorkloadSpec& s, std::string_view v) {
       s.partitions = integer<uint32_t>("partitions", v, 1, kMaxPartitions);
     },
     [](const WorkloadSpec& s) { return fmt::format("{}", s.partitions); }},
    {"partitioning",
     "hash (partition = hash(key) mod partitions) or device (one partition per "
     "device; partitions = keys). Example: --partitioning device",
     [](WorkloadSpec& s, std::string_view v) {
       if (v == "hash")
         s.partitioning = Partitioning::kHash;
       else if (v == "device")
         s.partitioning = Partitioning::kDevice;
       else
         bad("partitioning", v, "write hash or device");
     },
     [](const WorkloadSpec& s) {
       return std::string(s.partitioning == Partitioning::kHash ? "hash" : "device");
     }},
    {"values",
     "Value distribution (plain numbers), rounded to 0.01. Example: --values "
     "uniform:0,100",
     [](WorkloadSpec& s, std::string_view v) {
       s.values = Distribution::parse(v, "values", false);
       // A, B, MEAN, SD, MEDIAN and SCALE are values; SIGMA and SHAPE are not.
       const bool b_is_value = s.values.kind == Distribution::Kind::kUniform ||
                               s.values.kind == Distribution::Kind::kNormal;
       if (!(std::fabs(s.values.a) <= kMaxValueMagnitude) ||
           (b_is_value && !(std::fabs(s.values.b) <= kMaxValueMagnitude))) {
         bad("values", v,
             fmt::format("parameters must be within +-{:g} (values are rounded to 0.01)",
                         kMaxValueMagnitude));
       }
     },
     [](const WorkloadSpec& s) { return s.values.to_string(); }},
    {"delay",
     "Network delay send -> receive: none, fixed:D, uniform:A,B, exponential:MEAN, "
     "lognormal:MEDIAN,SIGMA, pareto:SCALE,SHAPE (heavy tail); capped at 30 days. "
     "Example: --delay pareto:20ms,1.5",
     [](WorkloadSpec& s, std::string_view v) {
       s.delay = Distribution::parse(v, "delay", true);
       if (s.delay.kind == Distribution::Kind::kNormal) bad("delay", v, "delays cannot be normal");
     },
     [](const WorkloadSpec& s) { return s.delay.to_string(); }},
    {"offline-fraction",
     "Share of devices that go offline now and then, in [0, 1]; they buffer "
     "and send everything on reconnect. Example: --offline-fraction 0.1",
     [](WorkloadSpec& s, std::string_view v) {
       s.offline_fraction = real("offline-fraction", v, 0, 1);
     },
     [](const WorkloadSpec& s) { return num(s.offline_fraction); }},
    {"offline-online",
     "Mean online period of those devices (exponential). Example: "
     "--offline-online 2h",
     [](WorkloadSpec& s, std::string_view v) {
       s.offline_online = duration("offline-online", v, true);
     },
     [](const WorkloadSpec& s) { return format_duration(s.offline_online); }},
    {"offline-offline",
     "Mean offline period (exponential); events then arrive up to this late. "
     "Example: --offline-offline 30m",
     [](WorkloadSpec& s, std::string_view v) {
       s.offline_offline = duration("offline-offline", v, true);
     },
     [](const WorkloadSpec& s) { return format_duration(s.offline_offline); }},
    {"skew",
     "Per-device clock offset: none, normal:SD or uniform:W (in [-W, W]). Example: "
     "--skew normal:2s",
     [](WorkloadSpec& s, std::string_view v) {
       if (v == "none") {
         s.skew = WorkloadSpec::Skew::kNone;
         s.skew_width = {};
       } else if (v.starts_with("normal:")) {
         s.skew = WorkloadSpec::Skew::kNormal;
         s.skew_width = duration("skew", v.substr(7), false);
       } else if (v.starts_with("uniform:")) {
         s.skew = WorkloadSpec::Skew::kUniform;
         s.skew_width = duration("skew", v.substr(8), false);
       } else {
         bad("skew", v, "write none, normal:SD or uniform:W");
       }
     },
     [](const WorkloadSpec& s) {
       switch (s.skew) {
         case WorkloadSpec::Skew::kNone:
           return std::string("none");
         case WorkloadSpec::Skew::kNormal:
           return "normal:" + format_duration(s.skew_width);
         case WorkloadSpec::Skew::kUniform:
           return "uniform:" + format_duration(s.skew_width);
       }
       return std::string("none");
     }},
    {"drift-ppm",
     "Per-device clock drift, uniform in [-X, X] parts per million. Example: "
     "--drift-ppm 50",
     [](WorkloadSpec& s, std::string_view v) { s.drift_ppm = real("drift-ppm", v, 0, 1e5); },
     [](const WorkloadSpec& s) { return num(s.drift_ppm); }},
    {"outage-partitions",
     "Partitions whose producer is cut off: none or a list. Example: "
     "--outage-partitions 1,3",
     [](WorkloadSpec& s, std::string_view v) {
       s.outage_partitions.clear();
       if (v == "none") return;
       std::string_view rest = v;
       while (true) {
         const size_t comma = rest.find(',');
         s.outage_partitions.push_back(
             integer<uint32_t>("outage-partitions", rest.substr(0, comma), 0, kMaxPartitions - 1));
         if (comma == std::string_view::npos) break;
         rest.remove_prefix(comma + 1);
       }
       std::sort(s.outage_partitions.begin(), s.outage_partitions.end());
       s.outage_partitions.erase(
           std::unique(s.outage_partitions.begin(), s.outage_partitions.end()),
           s.outage_partitions.end());
     },
     [](const WorkloadSpec& s) {
       return s.outage_partitions.empty() ? std::string("none")
                                          : fmt::format("{}", fmt::join(s.outage_partitions, ","));
     }},
    {"outage-start",
     "Start of the outage in processing time, after --start. Example: "
     "--outage-start 10m",
     [](WorkloadSpec& s, std::string_view v) {
       s.outage_start = duration("outage-start", v, false);
     },
     [](const WorkloadSpec& s) { return format_duration(s.outage_start); }},
    {"outage-duration",
     "Length of the outage; the backlog arrives when it ends. Example: "
     "--outage-duration 5m",
     [](WorkloadSpec& s, std::string_view v) {
       s.outage_duration = duration("outage-duration", v, false);
     },
     [](const WorkloadSpec& s) { return format_duration(s.outage_duration); }},
};

WorkloadSpec base(std::string_view name) {
  WorkloadSpec s;
  s.workload = std::string(name);
  s.delay = Distribution::parse("exponential:20ms", "delay", true);
  return s;
}

constexpr WorkloadPreset kPresets[] = {
    {"out-of-order",
     "network delay only: lognormal, median 50 ms, sigma 1 (p99 ~0.5 s); events reordered by "
     "receive time",
     [] {
       WorkloadSpec s = base("out-of-order");
       s.delay = Distribution::parse("lognormal:50ms,1", "delay", true);
       return s;
     }},
    {"offline-device",
     "20% of devices go offline (mean 30 m, online mean 1 h), buffer and send on reconnect: "
     "bursts of events up to hours late",
     [] {
       WorkloadSpec s = base("offline-device");
       s.offline_fraction = 0.2;
       return s;
     }},
    {"clock-skew",
     "device clocks off by normal(0, 2 s) plus up to +-50 ppm drift: event and send times are "
     "device readings, receive the server clock, true_time the truth",
     [] {
       WorkloadSpec s = base("clock-skew");
       s.skew = WorkloadSpec::Skew::kNormal;
       s.skew_width = Duration{2000};
       s.drift_ppm = 50;
       return s;
     }},
    {"producer-outage",
     "partition 1 of 4 delivers nothing from 1 m to 3 m of processing time, then its whole "
     "backlog at once, while the others keep going",
     [] {
       WorkloadSpec s = base("producer-outage");
       s.outage_partitions = {1};
       s.outage_duration = Duration{120'000};
       return s;
     }},
    {"mixed",
     "all together: 1000 devices with Zipf(1.1) popularity, lognormal delay, 5% offline "
     "devices, normal(0, 1 s) skew with 20 ppm drift, an outage of partition 1 from 1 m to 3 m",
     [] {
       WorkloadSpec s = base("mixed");
       s.keys = 1000;
       s.zipf = 1.1;
       s.delay = Distribution::parse("lognormal:50ms,1", "delay", true);
       s.offline_fraction = 0.05;
       s.skew = WorkloadSpec::Skew::kNormal;
       s.skew_width = Duration{1000};
       s.drift_ppm = 20;
       s.outage_partitions = {1};
       s.outage_duration = Duration{120'000};
       return s;
     }},
};

const WorkloadParam* find_param(std::string_view name) {
  for (const WorkloadParam& p : kParams) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

std::span<const WorkloadParam> workload_params() {
  return kParams;
}
std::span<const WorkloadPreset> workload_presets() {
  return kPresets;
}

std::string WorkloadSpec::to_string() const {
  std::string out = fmt::format("workload={} seed={} events={}", workload, seed, events);
  for (const WorkloadParam& p : kParams)
    fmt::format_to(std::back_inserter(out), " {}={}", p.name, p.get(*this));
  return out;
}

WorkloadSpec make_workload_spec(std::string_view name,
                                const std::vector<std::pair<std::string, std::string>>& overrides) {
  const WorkloadPreset* preset = nullptr;
  for (const WorkloadPreset& p : kPresets) {
    if (p.name == name) preset = &p;
  }
  if (!preset) {
    std::string names;
    for (const WorkloadPreset& p : kPresets)
      names += (names.empty() ? "" : ", ") + std::string(p.name);
    throw ConfigError(fmt::format("--workload {}: unknown workload (known: {})", name, names));
  }
  WorkloadSpec s = preset->make();
  bool partitions_given = false;
  for (const auto& [key, value] : overrides) {
    if (key == "seed") {
      s.seed = integer<uint64_t>("seed", value, 0, UINT64_MAX);
    } else if (key == "events") {
      s.events = integer<uint64_t>("events", value, 0, 1'000'000'000);
    } else if (const WorkloadParam* p = find_param(key)) {
      p->set(s, value);
      partitions_given |= key == "partitions";
    } else {
      throw ConfigError(fmt::format("--{} {}: unknown workload parameter", key, value));
    }
  }
  if (s.partitioning == Partitioning::kDevice) {
    if (partitions_given && s.partitions != s.keys) {
      throw ConfigError(
          fmt::format("--partitions {}: with --partitioning device there is one "
                      "partition per device, so it must equal --keys {}",
                      s.partitions, s.keys));
    }
    s.partitions = s.keys;
  }
  for (PartitionId p : s.outage_partitions) {
    if (p >= s.partitions) {
      throw ConfigError(
          fmt::format("--outage-partitions {}: partition {} does not exist "
                      "(there are {})",
                      kParams[13].get(s), p, s.partitions));
    }
  }
  // The last true time must stay far from year 9999 (skew, delays and drift come on top).
  const double span_ms = double(s.events) / s.rate * 1000.0;
  if (double(s.start.ms) + span_ms > 221'845'392'000'000.0) {
    throw ConfigError(fmt::format("--rate {}: {} events would run past year 9000; raise the rate",
                                  num(s.rate), s.events));
  }
  return s;
}

WorkloadSpec parse_workload_spec(std::string_view text) {
  std::string name;
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    const size_t end = std::min(text.find(' ', pos), text.size());
    const std::string_view item = text.substr(pos, end - pos);
    pos = end;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      throw ConfigError(fmt::format("workload spec: \"{}\" is not NAME=VALUE", item));
    }
    if (item.substr(0, eq) == "workload") {
      name = std::string(item.substr(eq + 1));
    } else {
      pairs.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    }
  }
  if (name.empty()) throw ConfigError("workload spec: no workload=NAME");
  return make_workload_spec(name, pairs);
}

}  // namespace tidemark::gen
