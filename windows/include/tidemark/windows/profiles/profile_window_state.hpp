#pragma once
// What the engine profiles' operators share: a window's aggregate as the engines store it (value
// and record timestamp), the size of their containers' nodes, and the forwarding of results.

#include <algorithm>
#include <vector>

#include "tidemark/core/output/emission_counts.hpp"
#include "tidemark/windows/aggregate/aggregators.hpp"
#include "tidemark/windows/profiles/profile_result.hpp"

namespace tidemark {

// A stored window value: the aggregator's partial over the values in aggregation order, and
// Kafka's record timestamp for it (the largest input timestamp; a session's end).
template <Aggregator A>
struct ProfileWindowValue {
  typename A::Partial agg = A::identity();
  int64_t ts = 0;
  bool empty = true;

  void add(double v, int64_t t) {
    ts = empty ? t : std::max(ts, t);
    empty = false;
    agg = A::combine(agg, A::lift(v));
  }
  // Kafka's session merger: this aggregate followed by `other`'s.
  void merge(const ProfileWindowValue& other) {
    if (other.empty) return;
    ts = empty ? other.ts : std::max(ts, other.ts);
    empty = false;
    agg = A::combine(agg, other.agg);
  }
};

// What the profiles' containers take per element, for --max-state: a std::map or std::set node is
// the value and the red-black tree's three links and colour; a std::unordered_map node (hash
// cached) the value, its link and the hash, plus a bucket pointer per element at load factor 1.
// A partial's own heap (collect's values) is not counted.
template <class V>
inline constexpr size_t kTreeNodeBytes = sizeof(V) + 32;
template <class V>
inline constexpr size_t kHashNodeBytes = sizeof(V) + 24;

// What a result row carries of each aggregator's result.
inline void put_result(ProfileResult& r, const WindowStats& stats) {
  r.stats = stats;
}
inline void put_result(ProfileResult& r, const StatsAndValuesAggregator::Result& result) {
  r.stats = result.first;
  r.collect = true;
  r.values = result.second;
}

// Forwards results with the run's sequence numbers, stream time and processing time.
class ResultForwarder {
 public:
  explicit ResultForwarder(ProfileResultSink& sink) : sink_(sink) {}

  void set_time(int64_t stream_time, Timestamp proc_time) {
    stream_time_ = stream_time;
    proc_time_ = proc_time;
  }
  template <Aggregator A>
  void forward(KeyId key, int64_t start, int64_t end, const ProfileWindowValue<A>& v,
               EmissionKind kind, int64_t ts) {
    ProfileResult r;
    r.key = key;
    r.start = start;
    r.end = end;
    put_result(r, A::lower(v.agg));
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
  ProfileResultSink& sink_;
  int64_t stream_time_ = -1;
  Timestamp proc_time_ = Timestamp::min();
  uint64_t seq_ = 0;
  EmissionCounts counts_;
};

}  // namespace tidemark
