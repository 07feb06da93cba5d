#include "tidemark/generators/workload.hpp"

#include <fmt/format.h>

#include <array>
#include <span>

#include "tidemark/core/error.hpp"
#include "tidemark/core/huge_page_allocator.hpp"
#include "tidemark/core/iso_time.hpp"
#include "tidemark/generators/arrival_order.hpp"
#include "tidemark/generators/base_process.hpp"
#include "tidemark/generators/device_clocks.hpp"
#include "tidemark/generators/network_delay.hpp"
#include "tidemark/generators/offline_devices.hpp"
#include "tidemark/generators/producer_outage.hpp"

namespace tidemark::gen {

namespace {

// A true event and when its device sent it (true time, ms). No default member initialisers:
// a ScratchBuffer of them is sized without being filled.
struct SentEvent {
  int64_t time;
  int64_t send;
  double value;
  uint32_t device;
};

constexpr size_t kPrefetchAhead = 16;
// Events drawn per block, a component at a time (see BaseProcess::fill).
constexpr size_t kBlock = 256;

}  // namespace

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
  // Generation order: each true event with its send time, and its receive time for the sort.
  const size_t n = spec.events;
  ScratchBuffer<SentEvent> sent(n);
  WordBuffer receive(n);
  std::array<TrueEvent, kBlock> truths;
  std::array<int64_t, kBlock> delays;
  int64_t least_receive = INT64_MAX, greatest_receive = INT64_MIN;
  for (size_t i = 0; i < n; i += kBlock) {
    const size_t m = std::min(kBlock, n - i);
    base.fill(std::span(truths).first(m));
    delay.fill(std::span(delays).first(m));
    for (size_t j = 0; j < m; ++j) {
      const TrueEvent& t = truths[j];
      const int64_t send = offline.send_time(t.device, t.time);
      sent[i + j] = {t.time, send, t.value, t.device};
      const int64_t r = outage.deliver(partition[t.device], send + delays[j]);
      receive[i + j] = r;
      least_receive = std::min(least_receive, r);
      greatest_receive = std::max(greatest_receive, r);
    }
  }
  // Arrival order: each event is written once, in place in the trace; device clocks turn true
  // times into the readings event_time and send_time.
  const ArrivalOrder order(std::move(receive), least_receive, greatest_receive);
  std::vector<Event>& events = trace.events;
  events.reserve(n);
  advise_huge_pages(events.data(), n * sizeof(Event));
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (size_t k = 0; k < n; ++k) {
    // Late events come from far back in generation order: fetch ahead to overlap the misses.
    if (k + kPrefetchAhead < n) __builtin_prefetch(&sent[order.index(k + kPrefetchAhead)]);
    const SentEvent& s = sent[order.index(k)];
    // Every field computed first, then the Event built where it lives, each field written once:
    // no zero-fill before, and no Event built aside and copied (that stalled on store forwarding).
    const int64_t event_time = clocks.reading(s.device, s.time);
    const int64_t send_time = clocks.reading(s.device, s.send);
    const int64_t receive_time = order.receive(k);
    events.emplace_back(Timestamp{event_time}, Timestamp{send_time}, Timestamp{receive_time},
                        Timestamp{s.time}, s.value, uint64_t(k + 1), KeyId{s.device},
                        partition[s.device]);
    lo = std::min({lo, event_time, send_time});
    hi = std::max({hi, event_time, receive_time, send_time});
  }
  // The spec check keeps true times inside years 1000..9000; skew and drift could still push a
  // device reading out of the years a trace may hold.
  if (!events.empty() && (Timestamp{lo} < kEarliestTime || Timestamp{hi} > kLatestTime)) {
    throw ConfigError(fmt::format("--start {}: skewed or delayed times leave years 0000..9999",
                                  format_iso8601(spec.start)));
  }
  return trace;
}

}  // namespace tidemark::gen
