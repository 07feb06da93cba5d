#include "tidemark/generators/workload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/runtime/huge_page_allocator.hpp"
#include "tidemark/core/time/iso_time.hpp"
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

// An event generated in an earlier round that arrives after that round's horizon.
struct HeldEvent {
  SentEvent sent;
  int64_t receive;
};

// Events of one round held back past its horizon, in arrival order; `next` is the first not yet
// written.
struct HeldRun {
  ScratchBuffer<HeldEvent> events;
  size_t next = 0;
};

// The next held event to arrive across all runs: a heap of run heads, ordered by receive time,
// then by age (an older run's events were generated earlier, so they go first on ties).
class HeldHeads {
 public:
  void start(std::vector<HeldRun>& runs) {
    heads_.clear();
    for (size_t i = 0; i < runs.size(); ++i) {
      const HeldRun& r = runs[i];
      if (r.next < r.events.size()) heads_.push_back({r.events[r.next].receive, i});
    }
    std::make_heap(heads_.begin(), heads_.end(), std::greater<>());
  }
  bool empty() const { return heads_.empty(); }
  // INT64_MAX when nothing is held.
  int64_t next_receive() const { return heads_.empty() ? INT64_MAX : heads_.front().first; }
  // The next held event; its run's next one takes its place.
  const HeldEvent& pop(std::vector<HeldRun>& runs) {
    std::pop_heap(heads_.begin(), heads_.end(), std::greater<>());
    HeldRun& run = runs[heads_.back().second];
    const HeldEvent& e = run.events[run.next++];
    if (run.next < run.events.size()) {
      heads_.back().first = run.events[run.next].receive;
      std::push_heap(heads_.begin(), heads_.end(), std::greater<>());
    } else {
      heads_.pop_back();
    }
    return e;
  }

 private:
  std::vector<std::pair<int64_t, size_t>> heads_;  // (receive, run index)
};

// The distortions between a true event and its arrival (offline devices, network delay,
// producer outages), drawn in generation order, a block at a time.
class Distortions {
 public:
  explicit Distortions(const WorkloadSpec& spec)
      : base_(spec),
        offline_(spec),
        delay_(spec.delay, stream_rng(spec.seed, 4).next()),
        outage_(spec),
        partition_(spec.keys) {
    for (uint32_t d = 0; d < spec.keys; ++d) partition_[d] = base_.partition_of(d);
  }

  PartitionId partition_of(uint32_t device) const { return partition_[device]; }

  // Fills sent and receive with the next sent.size() events (a multiple of kBlock, or the rest
  // of the trace): the true time of the last one and the range of their receive times.
  struct Round {
    int64_t last_time = INT64_MIN, least_receive = INT64_MAX, greatest_receive = INT64_MIN;
  };
  Round generate(std::span<SentEvent> sent, std::span<int64_t> receive) {
    Round r;
    for (size_t i = 0; i < sent.size(); i += kBlock) {
      const size_t m = std::min(kBlock, sent.size() - i);
      base_.fill(std::span(truths_).first(m));
      delay_.fill(std::span(delays_).first(m));
      for (size_t j = 0; j < m; ++j) {
        const TrueEvent& t = truths_[j];
        const int64_t send = offline_.send_time(t.device, t.time);
        sent[i + j] = {t.time, send, t.value, t.device};
        const int64_t at = outage_.deliver(partition_[t.device], send + delays_[j]);
        TIDEMARK_ASSERT(at < INT64_MAX);  // the merge in generate_rounds takes it as "none"
        receive[i + j] = at;
        r.least_receive = std::min(r.least_receive, at);
        r.greatest_receive = std::max(r.greatest_receive, at);
      }
      r.last_time = truths_[m - 1].time;
    }
    return r;
  }

 private:
  BaseProcess base_;
  OfflineDevices offline_;
  NetworkDelay delay_;
  ProducerOutage outage_;
  std::vector<PartitionId> partition_;
  std::array<TrueEvent, kBlock> truths_;
  std::array<int64_t, kBlock> delays_;
};

// Events are generated in rounds. An event's receive time is never before its true time (sending
// and delivery only wait), and true times never decrease, so once a round has generated up to
// true time T (its horizon), every event still to come arrives at T or later, and at T after the
// events already generated (ties arrive in generation order). A round sorts what it generated,
// writes what arrives by T, merged with the runs earlier rounds held back (each in arrival
// order; older runs first on ties), and holds back the rest as a run of its own: a held event
// is copied a few times at most (into its run, and when the run is compacted), however long it
// waits. Memory is a round's scratch and the held events, where it was scratch for the whole
// trace.
//
// Events are appended to `events`; flush(events), which may empty it, is called at the end of
// each round and whenever it holds `chunk` events. Throws ConfigError at the end when device
// readings leave the years a trace may hold.
template <class Flush>
void generate_rounds(const WorkloadSpec& spec, size_t round_size, size_t chunk,
                     std::vector<Event>& events, Flush&& flush) {
  TIDEMARK_ASSERT(round_size > 0 && round_size % kBlock == 0);
  Distortions distortions(spec);
  const DeviceClocks clocks(spec);
  const size_t n = spec.events;
  uint64_t rows = 0;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  // Every field computed first, then the Event built where it lives, each field written once:
  // no zero-fill before, and no Event built aside and copied (that stalled on store forwarding).
  // A braced Event pushed back compiles to just those stores with g++ and clang alike
  // (emplace_back of the fields needs parenthesized aggregate init, which clang 14 lacks).
  // Device clocks turn true times into the readings event_time and send_time.
  const auto write = [&](const SentEvent& s, int64_t receive_time) {
    const int64_t event_time = clocks.reading(s.device, s.time);
    const int64_t send_time = clocks.reading(s.device, s.send);
    events.push_back(Event{Timestamp{event_time}, Timestamp{send_time}, Timestamp{receive_time},
                           Timestamp{s.time}, s.value, ++rows, KeyId{s.device},
                           distortions.partition_of(s.device)});
    lo = std::min({lo, event_time, send_time});
    hi = std::max({hi, event_time, receive_time, send_time});
    // A backlog released at once (an outage's end) is handed on in pieces.
    if (events.size() >= chunk) [[unlikely]]
      flush(events);
  };
  ScratchBuffer<SentEvent> sent(std::min(n, round_size));
  std::vector<HeldRun> held;  // oldest first
  HeldHeads heads;
  for (size_t generated = 0; generated < n;) {
    const size_t fresh = std::min(n - generated, round_size);
    sent.resize(fresh);
    WordBuffer receive(fresh);
    const Distortions::Round round = distortions.generate(sent, receive);
    generated += fresh;
    const int64_t horizon = generated < n ? round.last_time : INT64_MAX;
    const ArrivalOrder order(std::move(receive), round.least_receive, round.greatest_receive);

    // Written: what arrives by the horizon, this round's events in runs between held events.
    heads.start(held);
    size_t k = 0;
    for (;;) {
      // This round's events go after held ones on ties: strictly before the next held event.
      const int64_t fresh_until = std::min(heads.next_receive() - 1, horizon);
      for (; k < order.size() && order.receive(k) <= fresh_until; ++k) {
        // Late events come from far back in the round: fetch ahead to overlap the misses.
        if (k + kPrefetchAhead < order.size()) {
          __builtin_prefetch(&sent[order.index(k + kPrefetchAhead)]);
        }
        write(sent[order.index(k)], order.receive(k));
      }
      if (heads.empty() || heads.next_receive() > horizon) break;
      const HeldEvent& e = heads.pop(held);
      write(e.sent, e.receive);
    }
    // Held back: the rest of this round, as a run of its own (already in arrival order).
    if (k < order.size()) {
      HeldRun& run = held.emplace_back();
      run.events.reserve(order.size() - k);
      for (; k < order.size(); ++k) run.events.push_back({sent[order.index(k)], order.receive(k)});
    }
    // Written runs go, and runs more than half written move their rest to a buffer of its size
    // (so that one long-held event does not keep its whole run's memory).
    std::erase_if(held, [](const HeldRun& r) { return r.next == r.events.size(); });
    for (HeldRun& r : held) {
      if (2 * r.next > r.events.size()) {
        r.events = ScratchBuffer<HeldEvent>(r.events.begin() + ptrdiff_t(r.next), r.events.end());
        r.next = 0;
      }
    }
    flush(events);
  }
  // The spec check keeps true times inside years 1000..9000; skew and drift could still push a
  // device reading out of the years a trace may hold.
  if (rows > 0 && (Timestamp{lo} < kEarliestTime || Timestamp{hi} > kLatestTime)) {
    throw ConfigError(fmt::format("--start {}: skewed or delayed times leave years 0000..9999",
                                  format_iso8601(spec.start)));
  }
}

}  // namespace

Trace generated_trace_header(const WorkloadSpec& spec) {
  Trace trace;
  trace.source = spec.workload;
  trace.header_comment = spec.to_string();
  trace.columns =
      kColPartition | kColKey | kColValue | kColSendTime | kColReceiveTime | kColTrueTime;
  const BaseProcess base(spec);
  trace.keys.reserve(spec.keys);
  for (uint32_t d = 0; d < spec.keys; ++d) {
    trace.keys.intern(base.device_name(d));  // key id = device index
  }
  return trace;
}

void generate_events(const WorkloadSpec& spec,
                     const std::function<void(std::span<const Event>)>& sink, size_t round_size) {
  std::vector<Event> events;
  events.reserve(std::min(spec.events, round_size));
  generate_rounds(spec, round_size, round_size, events, [&](std::vector<Event>& written) {
    if (!written.empty()) sink(written);
    written.clear();
  });
}

Trace generate_trace(const WorkloadSpec& spec, size_t round_size) {
  Trace trace = generated_trace_header(spec);
  trace.events.reserve(spec.events);
  advise_huge_pages(trace.events.data(), spec.events * sizeof(Event));
  generate_rounds(spec, round_size, SIZE_MAX, trace.events, [](std::vector<Event>&) {});
  return trace;
}

}  // namespace tidemark::gen
