#include "tidemark/core/runtime/state_budget.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <vector>

#include "tidemark/core/runtime/clock.hpp"

namespace tidemark {

namespace {

__extension__ using U128 = unsigned __int128;

// The multiplier of a unit of parse_size, or 0 for none.
uint64_t unit_bytes(std::string_view unit) {
  std::string u;
  for (const char c : unit) u += char(std::toupper(static_cast<unsigned char>(c)));
  if (u.empty() || u == "B") return 1;
  static constexpr std::string_view kPrefixes = "KMGT";
  const size_t power = kPrefixes.find(u[0]);
  if (power == std::string_view::npos) return 0;
  const std::string_view rest = std::string_view(u).substr(1);
  if (!rest.empty() && rest != "B" && rest != "IB") return 0;
  return uint64_t(1) << (10 * (power + 1));
}

}  // namespace

uint64_t parse_size(std::string_view text, std::string_view option) {
  const auto bad = [&](std::string_view why) {
    return ConfigError(fmt::format("{} {}: {}", option, one_line(text), why));
  };
  const size_t digits_end = text.find_first_not_of("0123456789.");
  const std::string_view number = text.substr(0, digits_end);
  const std::string_view unit =
      digits_end == std::string_view::npos ? std::string_view{} : text.substr(digits_end);
  const size_t dot = number.find('.');
  const std::string_view whole = number.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
  const uint64_t multiplier = unit_bytes(unit);
  if (number.empty() || number == "." || fraction.find('.') != std::string_view::npos ||
      multiplier == 0) {
    throw bad("not a size (e.g. 512MiB, 2GiB, 1.5G; units B, K, M, G, T, powers of 1024)");
  }
  // whole * multiplier + fraction * multiplier, in 128 bits, rounded down to whole bytes.
  U128 bytes = 0;
  for (const char c : whole) {
    bytes = bytes * 10 + U128(c - '0');
    if (bytes > std::numeric_limits<uint64_t>::max()) throw bad("out of range");
  }
  bytes *= multiplier;
  U128 scale = 1, part = 0;
  for (const char c : fraction.substr(0, 18)) {  // beyond 18 digits nothing changes a byte
    part = part * 10 + U128(c - '0');
    scale *= 10;
  }
  bytes += part * multiplier / scale;
  if (bytes > std::numeric_limits<uint64_t>::max()) throw bad("out of range");
  if (bytes == 0) throw bad("must be at least 1 byte");
  return uint64_t(bytes);
}

std::string format_size(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = double(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  std::string text = fmt::format("{:.1f}", value);
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  return text + " " + kUnits[unit];
}

uint64_t default_max_state() {
  const long pages = sysconf(_SC_PHYS_PAGES), page_bytes = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_bytes <= 0) return StateLimit::kUnlimited;
  return uint64_t(pages) * uint64_t(page_bytes) / 4;
}

// ---- StateBudget ----------------------------------------------------------------------------

namespace {

// The oracle (evaluation.hpp) waits forever: every window is held to the end of the trace.
bool is_oracle(const RunConfig& config) {
  return config.lateness.kind() == LatenessPolicy::Kind::kWait &&
         config.lateness.amount().ms == std::numeric_limits<int64_t>::max();
}

// "--max-state 64 MiB", with compare's share of it where it is shared.
std::string limit_text(const StateLimit& limit) {
  if (limit.shared_by <= 1) return fmt::format("--max-state {}", format_size(limit.bytes));
  return fmt::format("--max-state {} ({} for each of the {} runs held at once)",
                     format_size(limit.bytes), format_size(limit.per_run()), limit.shared_by);
}

// The changes that let this configuration hold less state, most specific first.
std::string remedies(const RunConfig& config, Timestamp clock) {
  std::vector<std::string> options;
  options.emplace_back(config.window.visit(Overloaded{
      [](const TumblingSpec&) { return "a longer window"; },
      [](const HoppingSpec&) { return "a longer advance"; },
      [](const SlidingSpec&) { return "a shorter difference"; },
      [](const SessionSpec&) { return "a shorter gap"; },
  }));
  if (!is_oracle(config)) {
    if (config.lateness.kind() == LatenessPolicy::Kind::kWait) {
      options.emplace_back("a shorter wait");
    } else if (config.lateness.kind() == LatenessPolicy::Kind::kGrace) {
      options.emplace_back("a shorter grace");
    }
    if (config.watermark.kind == WatermarkSpec::Kind::kBounded && config.watermark.delay.ms > 0) {
      options.emplace_back("a shorter watermark delay");
    }
  }
  if (config.max_state.shared_by > 1) options.emplace_back("fewer --threads");
  options.emplace_back("a larger --max-state");
  std::string text;
  for (size_t i = 0; i < options.size(); ++i) {
    if (i > 0) text += i + 1 == options.size() ? " or " : ", ";
    text += options[i];
  }
  // Nothing fires before every partition has sent: state that grows for that reason needs
  // --idle-timeout, not a smaller window.
  if (clock == Timestamp::min()) {
    text +=
        " (no window has fired yet: the clock is -inf until every partition has sent; see "
        "--idle-timeout)";
  }
  return text;
}

}  // namespace

const RunConfig& StateBudget::admit_clock(const RunConfig& config, PartitionId partitions) {
  const uint64_t clock_bytes = EventClock::bytes_for(config, partitions);
  if (clock_bytes > config.max_state.per_run()) {
    throw StateLimitError(fmt::format(
        "{}: the clock's state for {} partitions alone takes {} (a watermark per partition), "
        "before any window; use fewer partitions (--partitions, or the ids in the trace) or a "
        "larger --max-state",
        limit_text(config.max_state), partitions, format_size(clock_bytes)));
  }
  return config;
}

StateBudget::StateBudget(const RunConfig& config, PartitionId partitions)
    : config_(admit_clock(config, partitions)),
      partitions_(partitions),
      clock_bytes_(EventClock::bytes_for(config, partitions)),
      window_limit_(config.max_state.per_run() - clock_bytes_) {}

void StateBudget::exceeded(uint64_t window_bytes, Timestamp clock, std::string_view cause) const {
  const RunConfig& c = config_;
  const std::string what =
      is_oracle(c) ? fmt::format("the oracle for {} (every window held to the end of the trace)",
                                 c.window.to_string())
                   : fmt::format("{} with lateness {}, watermark {}{}{}", c.window.to_string(),
                                 c.lateness.to_string(), c.watermark.to_string(),
                                 c.clock == ClockMode::kWatermark
                                     ? ""
                                     : fmt::format(", clock {}", to_string(c.clock)),
                                 c.timestamp == TimestampSource::kEvent
                                     ? ""
                                     : fmt::format(", timestamp {}", to_string(c.timestamp)));
  const uint64_t total =
      std::min<uint64_t>(window_bytes, std::numeric_limits<uint64_t>::max() - clock_bytes_) +
      clock_bytes_;
  // The clock's part is named where it is a large share of the state.
  const std::string clock_part = clock_bytes_ * 10 >= total
                                     ? fmt::format(", of which {} for the clock of {} partitions",
                                                   format_size(clock_bytes_), partitions_)
                                     : "";
  throw StateLimitError(fmt::format("{} exceeded: the state of {} reached {}{}{}; try {}",
                                    limit_text(c.max_state), what, format_size(total), clock_part,
                                    cause.empty() ? "" : fmt::format(" ({})", cause),
                                    remedies(c, clock)));
}

}  // namespace tidemark
