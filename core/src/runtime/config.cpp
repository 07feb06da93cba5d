// Parsing and validation of run configuration values; each error names the option and value.
#include <fmt/format.h>

#include "tidemark/core/error.hpp"
#include "tidemark/core/runtime/lateness.hpp"
#include "tidemark/core/runtime/run_config.hpp"
#include "tidemark/core/runtime/timestamp_extractor.hpp"
#include "tidemark/core/window.hpp"

namespace tidemark {

namespace {

// Splits "name:rest" into name and rest (rest empty when there is no colon).
std::pair<std::string_view, std::string_view> split_kind(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return {text, {}};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

std::string d(Duration x) {
  return format_duration(x);
}

// "SPEC@OFFSET", or "SPEC" for a zero offset.
std::string with_offset(std::string spec, Duration offset) {
  return offset.ms == 0 ? spec : spec + "@" + d(offset);
}

}  // namespace

// ---- windows ------------------------------------------------------------------------------

TumblingSpec::TumblingSpec(Duration size, Duration offset) : size_(size), offset_(offset) {
  if (size.ms <= 0)
    throw ConfigError(fmt::format("window: tumbling size must be > 0, got {}", d(size)));
  if (offset.ms <= -size.ms || offset.ms >= size.ms) {
    throw ConfigError(fmt::format("window: tumbling offset must be in ({}, {}), got {}",
                                  d(Duration{-size.ms}), d(size), d(offset)));
  }
}

HoppingSpec::HoppingSpec(Duration size, Duration advance, Duration offset)
    : size_(size), advance_(advance), offset_(offset) {
  if (size.ms <= 0)
    throw ConfigError(fmt::format("window: hopping size must be > 0, got {}", d(size)));
  if (advance.ms <= 0 || advance > size) {
    throw ConfigError(
        fmt::format("window: hopping advance must be in (0, {}], got {}", d(size), d(advance)));
  }
  if (offset.ms <= -advance.ms || offset.ms >= advance.ms) {
    throw ConfigError(fmt::format("window: hopping offset must be in ({}, {}), got {}",
                                  d(Duration{-advance.ms}), d(advance), d(offset)));
  }
  if (const int64_t per_event = size.ms / advance.ms + (size.ms % advance.ms != 0);
      per_event > kMaxWindowsPerEvent) {
    throw ConfigError(fmt::format(
        "window: hopping {}/{} puts every event in {} windows; at most {} (a longer advance, or "
        "sliding:DIFF)",
        d(size), d(advance), per_event, kMaxWindowsPerEvent));
  }
}

SlidingSpec::SlidingSpec(Duration difference) : difference_(difference) {
  if (difference.ms <= 0) {
    throw ConfigError(fmt::format("window: sliding difference must be > 0, got {}", d(difference)));
  }
  if (difference > kMaxDifference) {
    throw ConfigError(fmt::format(
        "window: sliding difference must be at most {} (2^62 ms, ~146 million years), got {}",
        d(kMaxDifference), d(difference)));
  }
}

SessionSpec::SessionSpec(Duration gap) : gap_(gap) {
  if (gap.ms <= 0) {
    throw ConfigError(fmt::format("window: session gap must be > 0, got {}", d(gap)));
  }
}

WindowSpec WindowSpec::parse(std::string_view text) {
  const auto [kind, rest] = split_kind(text);
  // Captured by an init-capture: C++20 lambdas may capture structured bindings, clang 14 cannot.
  auto need = [&text, params = rest](std::string_view form) {
    if (params.empty()) {
      throw ConfigError(fmt::format("window: \"{}\" needs parameters: {}", text, form));
    }
  };
  auto dur = [](std::string_view s) { return parse_duration(s, "window"); };
  if (kind == "tumbling") {
    need("tumbling:SIZE[@OFFSET], e.g. tumbling:1m");
    const size_t at = rest.find('@');
    return TumblingSpec(dur(rest.substr(0, at)),
                        at == std::string_view::npos ? Duration{} : dur(rest.substr(at + 1)));
  }
  if (kind == "hopping") {
    need("hopping:SIZE/ADVANCE[@OFFSET], e.g. hopping:1m/10s");
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) {
      throw ConfigError(
          fmt::format("window: \"{}\" needs SIZE/ADVANCE, e.g. hopping:1m/10s", text));
    }
    const size_t at = rest.find('@');
    return HoppingSpec(dur(rest.substr(0, slash)), dur(rest.substr(slash + 1, at - slash - 1)),
                       at == std::string_view::npos ? Duration{} : dur(rest.substr(at + 1)));
  }
  if (kind == "sliding") {
    need("sliding:DIFF, e.g. sliding:5s");
    return SlidingSpec(dur(rest));
  }
  if (kind == "session") {
    need("session:GAP, e.g. session:30s");
    return SessionSpec(dur(rest));
  }
  throw ConfigError(fmt::format(
      "window: unknown kind \"{}\" in \"{}\" (tumbling, hopping, sliding, session)", kind, text));
}

std::string TumblingSpec::to_string() const {
  return with_offset("tumbling:" + d(size_), offset_);
}

std::string HoppingSpec::to_string() const {
  return with_offset("hopping:" + d(size_) + "/" + d(advance_), offset_);
}

std::string SlidingSpec::to_string() const {
  return "sliding:" + d(difference_);
}

std::string SessionSpec::to_string() const {
  return "session:" + d(gap_);
}

std::string WindowSpec::to_string() const {
  return visit([](const auto& kind) { return kind.to_string(); });
}

// ---- lateness -----------------------------------------------------------------------------

LatenessPolicy LatenessPolicy::wait(Duration x) {
  if (x.ms < 0) throw ConfigError(fmt::format("lateness: wait must be >= 0, got {}", d(x)));
  return {Kind::kWait, x};
}

LatenessPolicy LatenessPolicy::grace(Duration x) {
  if (x.ms < 0) throw ConfigError(fmt::format("lateness: grace must be >= 0, got {}", d(x)));
  return {Kind::kGrace, x};
}

LatenessPolicy LatenessPolicy::parse(std::string_view text) {
  const auto [kind, rest] = split_kind(text);
  if (kind == "drop" && rest.empty() && text.find(':') == std::string_view::npos) return drop();
  if ((kind == "wait" || kind == "grace") && !rest.empty()) {
    const Duration x = parse_duration(rest, "lateness");
    return kind == "wait" ? wait(x) : grace(x);
  }
  throw ConfigError(fmt::format(
      "lateness: \"{}\" is not a policy (drop, wait:DURATION, grace:DURATION, e.g. grace:5m)",
      text));
}

std::string LatenessPolicy::to_string() const {
  switch (kind_) {
    case Kind::kDrop:
      return "drop";
    case Kind::kWait:
      return "wait:" + d(amount_);
    case Kind::kGrace:
      return "grace:" + d(amount_);
  }
  return {};
}

// ---- watermarks, clocks, schedules ----------------------------------------------------------

WatermarkSpec WatermarkSpec::bounded(Duration delay) {
  if (delay.ms < 0)
    throw ConfigError(fmt::format("watermark: delay must be >= 0, got {}", d(delay)));
  return {Kind::kBounded, delay};
}

WatermarkSpec WatermarkSpec::parse(std::string_view text) {
  const auto [kind, rest] = split_kind(text);
  if (kind == "punctuated" && text.find(':') == std::string_view::npos) return punctuated();
  if (kind == "bounded" && !rest.empty()) return bounded(parse_duration(rest, "watermark"));
  throw ConfigError(fmt::format(
      "watermark: \"{}\" is not a generator (bounded:DELAY, e.g. bounded:10s; punctuated)", text));
}

std::string WatermarkSpec::to_string() const {
  return kind == Kind::kPunctuated ? "punctuated" : "bounded:" + d(delay);
}

namespace {
template <class E, size_t N>
E parse_enum(std::string_view what, std::string_view text,
             const std::pair<std::string_view, E> (&table)[N]) {
  std::string names;
  for (const auto& [name, value] : table) {
    if (name == text) return value;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  throw ConfigError(fmt::format("{}: unknown value \"{}\" ({})", what, text, names));
}
template <class E, size_t N>
std::string_view enum_name(E value, const std::pair<std::string_view, E> (&table)[N]) {
  for (const auto& [name, v] : table) {
    if (v == value) return name;
  }
  return "?";
}

constexpr std::pair<std::string_view, ClockMode> kClocks[] = {
    {"watermark", ClockMode::kWatermark}, {"stream-time", ClockMode::kStreamTime}};
constexpr std::pair<std::string_view, Schedule> kSchedules[] = {
    {"arrival", Schedule::kArrival}, {"event-time", Schedule::kEventTime}};
constexpr std::pair<std::string_view, EndMode> kEnds[] = {{"flush", EndMode::kFlush},
                                                          {"keep", EndMode::kKeep}};
constexpr std::pair<std::string_view, TimestampSource> kSources[] = {
    {"event", TimestampSource::kEvent},
    {"receive", TimestampSource::kReceive},
    {"corrected", TimestampSource::kCorrected},
    {"true", TimestampSource::kTrue}};
}  // namespace

ClockMode parse_clock_mode(std::string_view t) {
  return parse_enum("clock", t, kClocks);
}
Schedule parse_schedule(std::string_view t) {
  return parse_enum("schedule", t, kSchedules);
}
EndMode parse_end_mode(std::string_view t) {
  return parse_enum("end", t, kEnds);
}
TimestampSource parse_timestamp_source(std::string_view t) {
  return parse_enum("timestamp", t, kSources);
}
std::string_view to_string(ClockMode m) {
  return enum_name(m, kClocks);
}
std::string_view to_string(Schedule s) {
  return enum_name(s, kSchedules);
}
std::string_view to_string(EndMode e) {
  return enum_name(e, kEnds);
}
std::string_view to_string(TimestampSource s) {
  return enum_name(s, kSources);
}

std::string_view missing_column(TimestampSource s, uint32_t columns) {
  const uint32_t missing = required_columns(s) & ~columns;
  if (missing & kColSendTime) return "send_time";
  if (missing & kColReceiveTime) return "receive_time";
  if (missing & kColTrueTime) return "true_time";
  return {};
}

uint32_t required_columns(TimestampSource s) {
  switch (s) {
    case TimestampSource::kEvent:
      return 0;
    case TimestampSource::kReceive:
      return kColReceiveTime;
    case TimestampSource::kCorrected:
      return kColSendTime | kColReceiveTime;
    case TimestampSource::kTrue:
      return kColTrueTime;
  }
  return 0;
}

}  // namespace tidemark
