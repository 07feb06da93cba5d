#include "tidemark/generators/workload.hpp"

#include <fmt/format.h>

#include "tidemark/core/error.hpp"
#include "tidemark/core/iso_time.hpp"
#include "tidemark/generators/arrival_order.hpp"
#include "tidemark/generators/base_process.hpp"
#include "tidemark/generators/device_clocks.hpp"
#include "tidemark/generators/network_delay.hpp"
#include "tidemark/generators/offline_devices.hpp"
#include "tidemark/generators/producer_outage.hpp"

namespace tidemark::gen {

Trace generate_trace(const WorkloadSpec& spec) {
  Trace trace;
  trace.source = spec.workload;
  trace.header_comment = spec.to_string();
  trace.columns =
      kColPartition | kColKey | kColValue | kColSendTime | kColReceiveTime | kColTrueTime;
  BaseProcess base(spec);
  OfflineDevices offline(spec);
  NetworkDelay delay(spec.delay, stream_rng(spec.seed, 4).next());
  DeviceClocks clocks(spec);
  ProducerOutage outage(spec);

  std::vector<PartitionId> partition(spec.keys);
  for (uint32_t d = 0; d < spec.keys; ++d) {
    trace.keys.intern(base.device_name(d));  // key id = device index
    partition[d] = base.partition_of(d);
  }
  std::vector<Event>& events = trace.events;
  events.resize(spec.events);
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (Event& e : events) {
    const TrueEvent t = base.next();
    const int64_t send = offline.send_time(t.device, t.time);
    const PartitionId p = partition[t.device];
    e.true_time.ms = t.time;
    e.send_time.ms = clocks.reading(t.device, send);
    e.event_time.ms = clocks.reading(t.device, t.time);
    e.receive_time.ms = outage.deliver(p, send + delay.sample());
    e.value = t.value;
    e.key = t.device;
    e.partition = p;
    lo = std::min({lo, e.event_time.ms, e.send_time.ms});
    hi = std::max({hi, e.event_time.ms, e.receive_time.ms, e.send_time.ms});
  }
  // The spec check keeps true times inside years 1000..9000; skew and drift could still push a
  // device reading out of the years a trace may hold.
  if (!events.empty() && (Timestamp{lo} < kEarliestTime || Timestamp{hi} > kLatestTime)) {
    throw ConfigError(fmt::format("--start {}: skewed or delayed times leave years 0000..9999",
                                  format_iso8601(spec.start)));
  }
  sort_by_arrival(events);
  return trace;
}

}  // namespace tidemark::gen
