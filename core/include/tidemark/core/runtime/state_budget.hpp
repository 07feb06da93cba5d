#pragma once
// The memory budget of a run's state (--max-state): a valid configuration whose window state
// would outgrow it stops with one line naming the window, the policy, the state reached and what
// to change, instead of growing until the machine swaps.

#include <cstdint>
#include <string>
#include <string_view>

#include "tidemark/core/error.hpp"
#include "tidemark/core/event.hpp"
#include "tidemark/core/runtime/run_config.hpp"
#include "tidemark/core/time/time.hpp"

namespace tidemark {

// A run would hold more state than its --max-state allows.
class StateLimitError : public ConfigError {
 public:
  using ConfigError::ConfigError;
};

// A byte count as typed for --max-state: a number (a fraction allowed) and a unit, B, K, M, G, T,
// optionally followed by B or iB (KB, KiB and K alike: powers of 1024), e.g. 512MiB, 2GiB, 1.5G.
// Throws ConfigError naming `option` for anything else, for 0 and beyond 2^64 - 1 bytes.
uint64_t parse_size(std::string_view text, std::string_view option);
// Bytes for people: 900 B, 4 KiB, 1.5 GiB (at most one decimal).
std::string format_size(uint64_t bytes);
// --max-state when none is given: a quarter of the physical memory (sysconf), leaving the rest to
// the trace, the outputs and everything else the machine runs; unlimited where it is unknown.
uint64_t default_max_state();

// One run's share of --max-state: what its window operator may hold once the clock's
// per-partition state, counted before it is allocated, is set aside. The Driver checks the
// operator's state against it where the state grows; operators with steps that allocate much at
// once (a handover to another layout, an event falling in very many windows) check beforehand.
class StateBudget {
 public:
  // Throws StateLimitError when the clock's state for `partitions` alone exceeds the share.
  StateBudget(const RunConfig& config, PartitionId partitions);
  // `config`, once the clock's state for `partitions` is known to fit its share: for a clock
  // constructed before the budget. Throws StateLimitError as the constructor does.
  static const RunConfig& admit_clock(const RunConfig& config, PartitionId partitions);

  uint64_t clock_bytes() const { return clock_bytes_; }
  // The most window state the operator may hold.
  uint64_t window_limit() const { return window_limit_; }
  bool allows(uint64_t window_bytes) const { return window_bytes <= window_limit_; }
  // `clock`: the run's clock (C), for the hint that nothing can fire while it is -inf.
  void check(uint64_t window_bytes, Timestamp clock) const {
    if (window_bytes > window_limit_) [[unlikely]]
      exceeded(window_bytes, clock);
  }
  // Throws the StateLimitError for window state of `window_bytes`; `cause`, where given, says
  // what made it grow (e.g. "each event falls in 86400 windows").
  [[noreturn, gnu::cold, gnu::noinline]] void exceeded(uint64_t window_bytes, Timestamp clock,
                                                       std::string_view cause = {}) const;

 private:
  const RunConfig& config_;
  PartitionId partitions_;
  uint64_t clock_bytes_ = 0;
  uint64_t window_limit_ = 0;
};

}  // namespace tidemark
