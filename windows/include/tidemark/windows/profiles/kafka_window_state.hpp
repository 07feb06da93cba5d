#pragma once
// What the kafka-streams operators share: a window's aggregate as Kafka stores it (value and
// timestamp) and the forwarding of results.

#include <algorithm>
#include <vector>

#include "tidemark/core/output/emission_counts.hpp"
#include "tidemark/windows/aggregate/aggregate.hpp"
#include "tidemark/windows/profiles/kafka_streams.hpp"

namespace tidemark {

// A stored window value: the aggregate, the values in aggregation order when collected, and
// Kafka's record timestamp for it (the largest input timestamp; a session's end).
struct KafkaWindowValue {
  Aggregate agg;
  std::vector<double> values;
  int64_t ts = 0;

  void add(double v, int64_t t, bool collect) {
    ts = agg.count == 0 ? t : std::max(ts, t);
    agg = combine(agg, lift(v));
    if (collect) values.push_back(v);
  }
  // Kafka's session merger: this aggregate followed by `other`'s.
  void merge(const KafkaWindowValue& other) {
    ts = agg.count == 0 ? other.ts : std::max(ts, other.ts);
    agg = combine(agg, other.agg);
    values.insert(values.end(), other.values.begin(), other.values.end());
  }
};

// Forwards results with the run's sequence numbers, stream time and processing time.
class KafkaForwarder {
 public:
  KafkaForwarder(KafkaResultSink& sink, bool collect) : sink_(sink), collect_(collect) {}

  void set_time(int64_t stream_time, Timestamp proc_time) {
    stream_time_ = stream_time;
    proc_time_ = proc_time;
  }
  void forward(KeyId key, int64_t start, int64_t end, const KafkaWindowValue& v, EmissionKind kind,
               int64_t ts) {
    KafkaResult r;
    r.key = key;
    r.start = start;
    r.end = end;
    r.stats = lower(v.agg);
    r.collect = collect_;
    if (collect_) r.values = v.values;
    r.kind = kind;
    r.ts = ts;
    r.stream_time = stream_time_;
    r.proc_time = proc_time_;
    r.seq = ++seq_;
    counts_.count(kind);
    sink_.on_result(r);
  }
  void add_counts_to(Metrics& m) const { counts_.add_to(m); }

 private:
  KafkaResultSink& sink_;
  bool collect_;
  int64_t stream_time_ = -1;
  Timestamp proc_time_ = Timestamp::min();
  uint64_t seq_ = 0;
  EmissionCounts counts_;
};

}  // namespace tidemark
