#pragma once
// What an engine profile's run emits: result rows, where they go, and their JSON Lines spelling.
// Both profiles share it; only the rules that make the rows differ.

#include <cstdint>
#include <string>
#include <vector>

#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/trace_io/key_table.hpp"

namespace tidemark {

// One result row of an engine profile. Window bounds are the engine's own: [start, end) for time
// windows and Flink's sessions; both ends inclusive for Kafka's sliding and session windows. `ts`
// is the record timestamp the engine gives the result (Flink: end - 1; Kafka: the largest input
// timestamp in the window, a session's end); `stream_time` is the profile's clock (Flink's
// current watermark, Kafka's stream time).
struct ProfileResult {
  KeyId key = 0;
  int64_t start = 0, end = 0;
  WindowStats stats;
  std::vector<double> values;  // with --aggregate collect
  bool collect = false;
  EmissionKind kind = EmissionKind::kUpdate;  // update, on_time (on-close), retract (tombstone)
  int64_t ts = 0;
  int64_t stream_time = 0;
  Timestamp proc_time;
  uint64_t seq = 0;
};

class ProfileResultSink {
 public:
  virtual ~ProfileResultSink() = default;
  virtual void on_result(const ProfileResult& r) = 0;
};

class CollectingProfileSink final : public ProfileResultSink {
 public:
  void on_result(const ProfileResult& r) override { results.push_back(r); }
  std::vector<ProfileResult> results;
};

// {"key":..,"start":..,"end":..,"count":..,"sum":..,"min":..,"max":..,"mean":..,["values":[..],]
//  "kind":..,"ts":..,"clock":..,"proc_time":..,"seq":..} without the newline.
void append_json(std::string& out, const ProfileResult& r, const KeyTable& keys);

}  // namespace tidemark
