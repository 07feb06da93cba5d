#include "tidemark/windows/profiles/kafka_streams.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <queue>
#include <variant>

#include "tidemark/core/error.hpp"
#include "tidemark/windows/profiles/kafka_session_windows.hpp"
#include "tidemark/windows/profiles/kafka_sliding_windows.hpp"
#include "tidemark/windows/profiles/kafka_time_windows.hpp"
#include "tidemark/windows/profiles/profile.hpp"

namespace tidemark {

KafkaEmit parse_kafka_emit(std::string_view text) {
  if (text == "on-update") return KafkaEmit::kOnUpdate;
  if (text == "on-close") return KafkaEmit::kOnClose;
  throw ConfigError(fmt::format("--emit {}: expected on-update or on-close", text));
}

KafkaValues parse_kafka_values(std::string_view text) {
  if (text == "stats") return KafkaValues::kStats;
  if (text == "collect") return KafkaValues::kCollect;
  throw ConfigError(fmt::format("--aggregate {}: expected stats or collect", text));
}

void validate(const KafkaStreamsConfig& config) {
  const WindowSpec& w = config.window;
  const Duration offset = w.visit(Overloaded{[](const TumblingSpec& t) { return t.offset(); },
                                             [](const HoppingSpec& h) { return h.offset(); },
                                             [](const auto&) { return Duration{}; }});
  if (offset.ms != 0) {
    throw ConfigError(fmt::format(
        "--window {}: under kafka-streams windows are aligned to 0 (TimeWindows has no offset)",
        w.to_string()));
  }
  if (config.grace.ms < 0) throw ConfigError("--lateness: grace must be >= 0");
  // The store materializers' check ("The retention period of the window store ... must be no
  // smaller than ...").
  KafkaStreamsConfig dsl = config;
  dsl.retention.reset();
  if (config.retention && *config.retention < retention_of(dsl)) {
    throw ConfigError(
        fmt::format("--retention {}ms: must be at least {}ms for --window {} and "
                    "grace {}ms",
                    config.retention->ms, retention_of(dsl).ms, w.to_string(), config.grace.ms));
  }
}

Duration retention_of(const KafkaStreamsConfig& config) {
  if (config.retention) return *config.retention;
  return config.window.visit(Overloaded{
      [&](const TumblingSpec& t) { return t.size() + config.grace; },
      [&](const HoppingSpec& h) { return h.size() + config.grace; },
      [&](const SlidingSpec& s) { return s.difference() + s.difference() + config.grace; },
      [&](const SessionSpec& s) { return s.gap() + config.grace; }});
}

std::vector<uint32_t> kafka_processing_order(const Trace& trace, TimestampSource source) {
  const std::span<const Event> events = trace.records();
  const bool receive = trace.has(kColReceiveTime);
  // Each partition's records in offset (trace) order, and when each is in the buffer.
  std::vector<std::vector<uint32_t>> queues;
  std::vector<int64_t> buffered_at(events.size(), std::numeric_limits<int64_t>::min());
  std::vector<int64_t> fetched;  // per partition: the largest receive_time so far
  for (uint32_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (e.kind != RecordKind::kEvent) continue;
    if (e.partition >= queues.size()) {
      queues.resize(size_t(e.partition) + 1);
      fetched.resize(size_t(e.partition) + 1, std::numeric_limits<int64_t>::min());
    }
    queues[e.partition].push_back(i);
    if (receive)
      buffered_at[i] = fetched[e.partition] = std::max(fetched[e.partition], e.receive_time.ms);
  }
  std::vector<uint32_t> order;
  order.reserve(events.size());
  std::vector<size_t> pos(queues.size(), 0);
  using Head = std::pair<int64_t, PartitionId>;  // (timestamp or buffer time, partition)
  std::priority_queue<Head, std::vector<Head>, std::greater<>> buffered, pending;
  int64_t now = std::numeric_limits<int64_t>::min();
  // The partition's next record joins the buffered heads or waits for its fetch. A negative
  // timestamp never becomes a head (RecordQueue#updateHead drops it): it goes out at once, for
  // the caller to drop.
  const auto enqueue = [&](PartitionId p) {
    const std::vector<uint32_t>& q = queues[p];
    while (pos[p] < q.size() && buffered_at[q[pos[p]]] <= now &&
           extract(events[q[pos[p]]], source).ms < 0) {
      order.push_back(q[pos[p]++]);
    }
    if (pos[p] == q.size()) return;
    const uint32_t head = q[pos[p]];
    if (buffered_at[head] <= now) {
      buffered.push({extract(events[head], source).ms, p});
    } else {
      pending.push({buffered_at[head], p});
    }
  };
  for (PartitionId p = 0; p < queues.size(); ++p) enqueue(p);
  while (!buffered.empty() || !pending.empty()) {
    if (buffered.empty()) {
      now = pending.top().first;
      while (!pending.empty() && pending.top().first <= now) {
        const PartitionId p = pending.top().second;
        pending.pop();
        enqueue(p);
      }
      continue;
    }
    const PartitionId p = buffered.top().second;
    buffered.pop();
    order.push_back(queues[p][pos[p]++]);
    enqueue(p);
  }
  return order;
}

namespace {

template <Aggregator A>
using KafkaOperatorOf =
    std::variant<KafkaTimeWindows<A>, KafkaSlidingWindows<A>, KafkaSessionWindows<A>>;

// The window kind's operator with aggregator A.
template <Aggregator A>
KafkaOperatorOf<A> make_operator(const KafkaStreamsConfig& c, const KeyTable& keys) {
  using Operator = KafkaOperatorOf<A>;
  return c.window.visit(
      Overloaded{[&](const TumblingSpec& t) {
                   return Operator(std::in_place_type<KafkaTimeWindows<A>>, t.size().ms,
                                   t.size().ms, c.grace.ms, retention_of(c).ms, c.emit, keys);
                 },
                 [&](const HoppingSpec& h) {
                   return Operator(std::in_place_type<KafkaTimeWindows<A>>, h.size().ms,
                                   h.advance().ms, c.grace.ms, retention_of(c).ms, c.emit, keys);
                 },
                 [&](const SessionSpec& s) {
                   return Operator(std::in_place_type<KafkaSessionWindows<A>>, s.gap().ms,
                                   c.grace.ms, retention_of(c).ms, c.emit, keys);
                 },
                 [&](const SlidingSpec& s) {
                   return Operator(std::in_place_type<KafkaSlidingWindows<A>>, s.difference().ms,
                                   c.grace.ms, retention_of(c).ms, c.emit, keys);
                 }});
}

// The operator the run uses: the window kind and the aggregator are chosen here, once.
using KafkaOperator =
    std::variant<KafkaOperatorOf<StatsAggregator>, KafkaOperatorOf<StatsAndValuesAggregator>>;

KafkaOperator make_operator(const KafkaStreamsConfig& c, const KeyTable& keys) {
  if (c.values == KafkaValues::kCollect) return make_operator<StatsAndValuesAggregator>(c, keys);
  return make_operator<StatsAggregator>(c, keys);
}

}  // namespace

RunResult run_kafka_streams(const Trace& trace, const KafkaStreamsConfig& config,
                            ProfileResultSink& results, LateSink& late, ClockSink* clock) {
  validate(config);
  Metrics m;
  m.partitions = profile_partitions(trace, config.timestamp, config.partitions);
  m.keys = trace.keys.size();
  const std::span<const Event> events = trace.records();
  // W and I rows: Kafka has neither punctuations nor idleness; they are counted and skipped.
  for (const Event& e : events) m.punctuations += e.kind != RecordKind::kEvent;
  const std::vector<uint32_t> order = kafka_processing_order(trace, config.timestamp);
  const bool receive = trace.has(kColReceiveTime);
  ResultForwarder out(results);
  KafkaOperator any = make_operator(config, trace.keys);
  int64_t stream_time = -1;  // RecordQueue.UNKNOWN
  Timestamp proc_time = Timestamp::min();
  const auto replay_in_order = [&](auto& op) {
    for (const uint32_t i : order) {
      const Event& e = events[i];
      const Timestamp t = extract(e, config.timestamp);
      proc_time = std::max(proc_time, receive ? e.receive_time : t);
      ++m.events;
      // Negative timestamps are dropped at the source; a record no window took is late.
      const bool accepted = t.ms >= 0 && [&] {
        if (t.ms > stream_time) {
          stream_time = t.ms;
          if (clock) {
            clock->on_clock({ClockChange::Cause::kRow, e.row, e.partition, Timestamp{stream_time},
                             ClockChange::Status::kNone, proc_time});
          }
        }
        out.set_time(stream_time, proc_time);
        return op.process(e.key, t.ms, e.value, stream_time, out);
      }();
      if (accepted) {
        ++m.accepted;
      } else {
        ++m.late;
        late.on_late(LateEvent{e.row, e.partition, e.key, e.event_time, t, Timestamp{stream_time}});
      }
      if (t.ms >= 0) op.after_record(stream_time, out);
      m.peak_open_windows = std::max(m.peak_open_windows, op.open_windows());
      const uint64_t bytes = op.state_bytes();
      m.peak_state_bytes = std::max(m.peak_state_bytes, bytes);
      check_profile_state(Profile::kKafkaStreams, config.window, config.max_state, bytes);
    }
    m.open_windows_at_end = op.open_windows();
  };
  std::visit([&](auto& of_aggregator) { std::visit(replay_in_order, of_aggregator); }, any);
  out.add_counts_to(m);
  m.final_clock = stream_time < 0 ? Timestamp::min() : Timestamp{stream_time};
  return RunResult{m};
}

}  // namespace tidemark
