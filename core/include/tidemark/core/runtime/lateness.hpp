#pragma once
// Late-event policies (docs/design.md §5) as one pure function of window end, clock and policy.

#include <string>
#include <string_view>

#include "tidemark/core/time/time.hpp"
#include "tidemark/core/window.hpp"

namespace tidemark {

// drop: fire at end, accept while C < end. wait:D: fire once at end+D, accept while C < end+D.
// grace:G: fire at end, accept while C < end+G, each late acceptance emits an update.
class LatenessPolicy {
 public:
  enum class Kind { kDrop, kWait, kGrace };

  static constexpr LatenessPolicy drop() { return {Kind::kDrop, {}}; }
  static LatenessPolicy wait(Duration d);
  static LatenessPolicy grace(Duration g);
  static LatenessPolicy parse(std::string_view text);

  constexpr Kind kind() const { return kind_; }
  constexpr Duration amount() const { return amount_; }
  // When a window ending at `end` first emits.
  constexpr Timestamp fire_time(Timestamp end) const {
    return kind_ == Kind::kWait ? end + amount_ : end;
  }
  // When its state is purged; events are accepted while the clock is below this.
  constexpr Timestamp close_time(Timestamp end) const {
    return kind_ == Kind::kDrop ? end : end + amount_;
  }
  // How long past `end` a window keeps accepting events.
  constexpr Duration allowed() const { return kind_ == Kind::kDrop ? Duration{} : amount_; }
  std::string to_string() const;

 private:
  constexpr LatenessPolicy(Kind k, Duration a) : kind_(k), amount_(a) {}
  Kind kind_;
  Duration amount_;
};

enum class Decision : uint8_t {
  kAccept,           // window not yet fired: add silently, it fires later
  kAcceptAndUpdate,  // window already fired but within grace: add and emit an update now
  kReject,           // window closed: the event is late for it
};

constexpr Decision decide(const Window& w, Timestamp clock, const LatenessPolicy& p) noexcept {
  if (clock < p.fire_time(w.end)) return Decision::kAccept;
  if (clock < p.close_time(w.end)) return Decision::kAcceptAndUpdate;
  return Decision::kReject;
}

}  // namespace tidemark
