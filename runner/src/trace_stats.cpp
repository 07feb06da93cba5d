#include "tidemark/runner/trace_stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "tidemark/core/error.hpp"
#include "tidemark/core/runtime/clock.hpp"

namespace tidemark {

int64_t nearest_rank(const std::vector<int64_t>& sorted, uint64_t ppm) {
  const uint64_t n = sorted.size();
  // ceil(ppm * n / 1e6) in integers: exact, no floating-point rank rounding.
  uint64_t rank = (ppm * n + 999'999) / 1'000'000;
  rank = std::clamp<uint64_t>(rank, 1, n);
  return sorted[rank - 1];
}

Quantiles quantiles(std::vector<int64_t>& v) {
  Quantiles q;
  q.count = v.size();
  if (v.empty()) return q;
  std::sort(v.begin(), v.end());
  q.min = v.front();
  q.p50 = nearest_rank(v, 500'000);
  q.p90 = nearest_rank(v, 900'000);
  q.p99 = nearest_rank(v, 990'000);
  q.p999 = nearest_rank(v, 999'000);
  q.max = v.back();
  return q;
}

namespace {

void require(const Trace& trace, TimestampSource s) {
  const std::string_view name = missing_column(s, trace.columns);
  if (name.empty()) return;
  throw ConfigError(fmt::format("--timestamp {} needs column \"{}\", which {} does not have",
                                to_string(s), name, trace.source));
}

}  // namespace

TraceStats compute_trace_stats(const Trace& trace, const StatsOptions& o) {
  require(trace, o.timestamp);
  TraceStats s;
  s.records = trace.records().size();
  s.partitions = std::max<PartitionId>(o.partitions ? o.partitions : trace.partition_count(), 1);
  if (trace.partition_count() > s.partitions) {
    throw ConfigError(fmt::format("--partitions {}: {} has partition {}", s.partitions,
                                  trace.source, trace.partition_count() - 1));
  }
  const bool has_receive = trace.has(kColReceiveTime);
  const bool three = trace.has(kColSendTime) && has_receive;
  const bool with_truth = three && trace.has(kColTrueTime);

  std::vector<int64_t> behind_max, behind_wm, recv_minus_event, event_err, corrected_err;
  behind_max.reserve(trace.records().size());
  behind_wm.reserve(trace.records().size());
  std::vector<Timestamp> part_max(s.partitions, Timestamp::min());
  std::vector<Timestamp> last_arrival(s.partitions, Timestamp::min());
  std::vector<Timestamp> first_arrival(s.partitions, Timestamp::min());
  std::vector<bool> key_seen(trace.keys.size(), false);
  std::vector<std::vector<int64_t>> per_key_offsets(three ? trace.keys.size() : 0);
  MinOfInputs min_of_max(s.partitions);
  Timestamp max_seen = Timestamp::min(), proc = Timestamp::min();
  s.first_time = Timestamp::max();
  s.last_time = Timestamp::min();

  for (const Event& e : trace.records()) {
    const bool is_event = e.kind == RecordKind::kEvent;
    const Timestamp t = is_event ? extract(e, o.timestamp) : e.event_time;
    if (has_receive) {
      proc = std::max(proc, e.receive_time);
    } else if (is_event) {
      proc = std::max(proc, t);
    }
    // Silences: gaps between consecutive records of a partition, in processing time.
    const PartitionId p = e.partition;
    if (proc.is_finite()) {
      if (last_arrival[p] == Timestamp::min()) {
        first_arrival[p] = proc;
      } else if (proc - last_arrival[p] > o.silence_threshold) {
        s.silences.push_back({p, last_arrival[p], proc});
      }
      last_arrival[p] = proc;
    }
    if (!is_event) {
      ++(e.kind == RecordKind::kIdle ? s.idle_marks : s.punctuations);
      continue;
    }
    ++s.events;
    key_seen[e.key] = true;
    s.first_time = std::min(s.first_time, t);
    s.last_time = std::max(s.last_time, t);

    behind_max.push_back(max_seen.is_finite() ? std::max<int64_t>(0, (max_seen - t).ms) : 0);
    max_seen = std::max(max_seen, t);
    if (t > part_max[p]) {
      part_max[p] = t;
      min_of_max.update(p, t);
    }
    const Timestamp c = min_of_max.combined();
    behind_wm.push_back(c.is_finite() ? std::max<int64_t>(0, (c - t).ms) : 0);

    if (has_receive) recv_minus_event.push_back((e.receive_time - e.event_time).ms);
    if (three) per_key_offsets[e.key].push_back((e.receive_time - e.send_time).ms);
    if (with_truth) {
      event_err.push_back((e.event_time - e.true_time).ms);
      corrected_err.push_back((extract(e, TimestampSource::kCorrected) - e.true_time).ms);
    }
  }

  // Arrival span and leading/trailing silences need the first and last processing time.
  Timestamp first_proc = Timestamp::max();
  for (PartitionId p = 0; p < s.partitions; ++p) {
    if (first_arrival[p] != Timestamp::min()) first_proc = std::min(first_proc, first_arrival[p]);
  }
  if (first_proc != Timestamp::max()) {
    s.first_arrival = first_proc;
    s.last_arrival = proc;
    for (PartitionId p = 0; p < s.partitions; ++p) {
      if (last_arrival[p] == Timestamp::min()) {
        if (proc - first_proc > o.silence_threshold) s.silences.push_back({p, first_proc, proc});
        continue;
      }
      if (first_arrival[p] - first_proc > o.silence_threshold) {
        s.silences.push_back({p, first_proc, first_arrival[p]});
      }
      if (proc - last_arrival[p] > o.silence_threshold) {
        s.silences.push_back({p, last_arrival[p], proc});
      }
    }
    const int64_t span = (proc - first_proc).ms;
    if (span > 0) s.arrival_rate = double(s.events) * 1000.0 / double(span);
  }
  std::sort(s.silences.begin(), s.silences.end(), [](const Silence& a, const Silence& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.from < b.from;
  });
  if (s.events == 0) s.first_time = s.last_time = Timestamp{};
  for (PartitionId p = 0; p < s.partitions; ++p)
    s.partitions_with_events += part_max[p] != Timestamp::min();
  s.keys = uint64_t(std::count(key_seen.begin(), key_seen.end(), true));

  s.behind_max = quantiles(behind_max);
  s.behind_watermark = quantiles(behind_wm);  // sorted now
  constexpr uint64_t kShares[3] = {990'000, 999'000, 1'000'000};
  for (size_t i = 0; i < 3; ++i) {
    s.targets[i].parts_per_million = kShares[i];
    s.targets[i].delay = Duration{behind_wm.empty() ? 0 : nearest_rank(behind_wm, kShares[i])};
  }
  if (has_receive) s.receive_minus_event = quantiles(recv_minus_event);
  if (three) {
    std::vector<int64_t> medians;
    for (KeyId k = 0; k < per_key_offsets.size(); ++k) {
      std::vector<int64_t>& v = per_key_offsets[k];
      if (v.empty()) continue;
      std::sort(v.begin(), v.end());
      const DeviceOffset d{k, v.size(), nearest_rank(v, 500'000), v.front(), v.back()};
      s.device_offsets.push_back(d);
      medians.push_back(d.median);
    }
    s.offset_medians = quantiles(medians);
    std::stable_sort(s.device_offsets.begin(), s.device_offsets.end(),
                     [](const DeviceOffset& a, const DeviceOffset& b) {
                       return std::llabs(a.median) > std::llabs(b.median);
                     });
  }
  if (with_truth) {
    s.event_error = quantiles(event_err);
    s.corrected_error = quantiles(corrected_err);
  }
  return s;
}

}  // namespace tidemark
