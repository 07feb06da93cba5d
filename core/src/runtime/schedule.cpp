#include "tidemark/core/runtime/schedule.hpp"

#include <queue>

#include "tidemark/core/runtime/timestamp_extractor.hpp"

namespace tidemark {

std::vector<uint32_t> processing_order(const Trace& trace, Schedule schedule,
                                       TimestampSource source) {
  const std::span<const Event> events = trace.records();
  const size_t n = events.size();
  std::vector<uint32_t> order(n);
  if (schedule == Schedule::kArrival) {
    for (size_t i = 0; i < n; ++i) order[i] = uint32_t(i);
    return order;
  }
  // Each partition's records in arrival order, then a k-way merge by head time.
  const PartitionId partitions = trace.partition_count();
  std::vector<std::vector<uint32_t>> queues(partitions);
  for (size_t i = 0; i < n; ++i) queues[events[i].partition].push_back(uint32_t(i));
  auto head_time = [&](uint32_t i) {
    const Event& e = events[i];
    return e.kind != RecordKind::kEvent ? e.event_time : extract(e, source);
  };
  struct Head {
    Timestamp time;
    PartitionId partition;
    size_t next;
    bool operator>(const Head& o) const {
      return time != o.time ? time > o.time : partition > o.partition;
    }
  };
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
  for (PartitionId p = 0; p < partitions; ++p) {
    if (!queues[p].empty()) heads.push({head_time(queues[p][0]), p, 0});
  }
  size_t out = 0;
  while (!heads.empty()) {
    Head h = heads.top();
    heads.pop();
    order[out++] = queues[h.partition][h.next];
    if (++h.next < queues[h.partition].size()) {
      h.time = head_time(queues[h.partition][h.next]);
      heads.push(h);
    }
  }
  return order;
}

}  // namespace tidemark
