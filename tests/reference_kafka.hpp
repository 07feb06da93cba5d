#pragma once
// A brute-force model of what a Kafka Streams windowed aggregation forwards for a trace (the
// `kafka-streams` profile), written from Kafka's sources as cited per rule (apache/kafka at
// 1eb7644349cb07139d6a3c1ad1986979647cac99; notes K1-K6), not from tidemark's operators.
// Covered: PartitionGroup order, stream time, negative timestamps, TimeWindows (tumbling,
// hopping) and SessionWindows with grace, EmitStrategy onWindowUpdate (no cache) and
// onWindowClose (emit interval 0), the stores' retention as seen by fetches (default or longer).
// SlidingWindows are in reference_kafka_sliding.hpp. Not modelled: suppress(), the record cache,
// segment expiry (segments are at least 60 s wide: the tests' traces keep stream-time jumps
// below that).
// S/ = streams/src/main/java/org/apache/kafka/streams/

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "reference.hpp"
#include "reference_kafka_sliding.hpp"

namespace tidemark::ref::kafka {

struct Config {
  bool session = false;  // else TimeWindows (or SlidingWindows)
  bool sliding = false;
  int64_t size = 1;     // time: size; session: inactivity gap; sliding: time difference
  int64_t advance = 1;  // time windows only
  int64_t grace = 0;
  bool on_close = false;  // else on-update
  int64_t retention =
      0;  // Materialized.withRetention: >= the DSL default (size + grace, gap + grace)
};

struct Rec {
  uint64_t row = 0;
  uint32_t partition = 0, key = 0;
  int64_t t = 0;
  double value = 0;
  std::optional<int64_t> receive;  // receive_time, when the trace has it
};

enum class RowKind { kUpdate, kOnClose, kTombstone };
// One forwarded record. Time windows [start, end); sessions [start, end] inclusive. `ts` is the
// record timestamp Kafka gives it; `clock` the processor's stream time.
struct Row {
  uint32_t key = 0;
  int64_t start = 0, end = 0;
  std::vector<double> values;
  RowKind kind = RowKind::kUpdate;
  int64_t ts = 0, clock = 0;
};
struct Late {
  uint64_t row = 0;
  int64_t clock = 0;
};
struct Output {
  std::vector<Row> rows;
  std::vector<Late> late;
};

// S/processor/internals/PartitionGroup.java#nextRecord: among the partitions with a buffered
// record, the one whose head has the smallest timestamp (ties: the smaller partition id, a
// tidemark choice for Java's heap order); records keep offset (trace) order within a partition.
// A record is buffered from its partition's largest receive_time up to it (all at once without
// that column); processing takes no time, so everything buffered at one instant goes first.
// S/processor/internals/RecordQueue.java#updateHead drops a negative timestamp as soon as it is
// the head: such records come back as `dropped`, at the point they were dropped.
struct Step {
  size_t index;
  bool dropped;
};
inline std::vector<Step> processing_order(const std::vector<Rec>& recs) {
  std::map<uint32_t, std::vector<size_t>> queue;  // partition -> its records in trace order
  std::vector<int64_t> buffered_at(recs.size(), 0);
  std::map<uint32_t, int64_t> latest;
  for (size_t i = 0; i < recs.size(); ++i) {
    const Rec& r = recs[i];
    int64_t& l = latest.try_emplace(r.partition, kNegInf).first->second;
    l = std::max(l, r.receive.value_or(kNegInf));
    buffered_at[i] = l;
    queue[r.partition].push_back(i);
  }
  std::map<uint32_t, size_t> head;  // partition -> position of its head in queue
  std::vector<Step> out;
  int64_t now = kNegInf;
  while (out.size() < recs.size()) {
    std::optional<size_t> best;
    int64_t next_arrival = kPosInf;
    for (auto& [p, q] : queue) {
      size_t& h = head[p];
      while (h < q.size() && buffered_at[q[h]] <= now && recs[q[h]].t < 0)
        out.push_back({q[h++], true});
      if (h == q.size()) continue;
      const size_t i = q[h];
      if (buffered_at[i] > now) {
        next_arrival = std::min(next_arrival, buffered_at[i]);
      } else if (!best || recs[i].t < recs[*best].t) {
        best = i;  // partitions in ascending id: ties keep the smaller
      }
    }
    if (best) {
      out.push_back({*best, false});
      ++head[recs[*best].partition];
    } else if (next_arrival != kPosInf) {
      now = next_arrival;
    }
  }
  return out;
}

class Model {
 public:
  Model(const Config& c, std::vector<std::string> key_names)
      : c_(c), names_(std::move(key_names)), sliding_(c.size, c.grace, c.retention, c.on_close) {}

  Output run(const std::vector<Rec>& recs) {
    for (const Step& s : processing_order(recs)) {
      const Rec& r = recs[s.index];
      if (s.dropped) {
        out_.late.push_back({r.row, stream_time_});
        continue;
      }
      // Stream time including this record (AbstractKStreamTimeWindowAggregateProcessor#
      // updateObservedStreamTime; KStreamSessionWindowAggregate#process inline); -1 at first.
      stream_time_ = std::max(stream_time_, r.t);
      const bool added = c_.session   ? process_session(r)
                         : c_.sliding ? process_sliding(r)
                                      : process_time(r);
      if (!added) out_.late.push_back({r.row, stream_time_});
    }
    return std::move(out_);
  }

 private:
  struct Agg {
    std::vector<double> values;
    int64_t ts = 0;
    bool closed = false;  // on-close: emitted, or passed by the emit range unseen
  };

  // S/kstream/TimeWindows.java#windowsFor: starts aligned to 0, never below 0, ascending.
  std::vector<int64_t> starts(int64_t t) const {
    std::vector<int64_t> out;
    for (int64_t s = std::max<int64_t>(0, t - c_.size + c_.advance) / c_.advance * c_.advance;
         s <= t; s += c_.advance)
      out.push_back(s);
    return out;
  }

  // S/kstream/internals/KStreamWindowAggregate.java#KStreamWindowAggregateProcessor.process:
  // each window with end > streamTime - grace takes the record; its timestamp is the max input
  // timestamp; on-update forwards it (#maybeForwardUpdate). The accepted windows always lie
  // within the store's retention (start > streamTime - size - grace), so fetch finds them.
  bool process_time(const Rec& r) {
    const int64_t close = stream_time_ - c_.grace;
    bool added = false;
    for (int64_t s : starts(r.t)) {
      if (s + c_.size <= close) continue;  // logSkippedRecordForExpiredWindow
      auto [it, fresh] = windows_.try_emplace({s, r.key});
      Agg& a = it->second;
      a.ts = fresh ? r.t : std::max(a.ts, r.t);
      a.values.push_back(r.value);
      store_time_ = std::max(store_time_, s);  // the segmented store's observedStreamTime
      added = true;
      if (!c_.on_close)
        out_.rows.push_back(
            {r.key, s, s + c_.size, a.values, RowKind::kUpdate, a.ts, stream_time_});
    }
    if (c_.on_close) emit_closed_time_windows(close);
    return added;
  }

  // AbstractKStreamTimeWindowAggregateProcessor#maybeForwardFinalResult, #fetchAndEmit with
  // KStreamWindowAggregate's emit range (starts up to closeTime - size, each range taking over
  // from the last): every window is emitted at the first record after which end <= closeTime,
  // in the time-first store's order (start, then key bytes), if the fetch still finds it:
  // AbstractDualSchemaRocksDBSegmentedBytesStore#getActualFrom (time-first window schema:
  // start >= observedStreamTime - retention, no + 1).
  void emit_closed_time_windows(int64_t close) {
    std::vector<std::tuple<int64_t, std::string, uint32_t>> due;
    for (auto& [id, a] : windows_) {
      const auto [s, key] = id;
      if (a.closed || s > close - c_.size) continue;
      a.closed = true;
      if (s >= store_time_ - c_.retention) due.emplace_back(s, names_.at(key), key);
    }
    std::sort(due.begin(), due.end());
    for (const auto& [s, name, key] : due) {
      const Agg& a = windows_.at({s, key});
      out_.rows.push_back({key, s, s + c_.size, a.values, RowKind::kOnClose, a.ts, stream_time_});
    }
  }

  bool process_sliding(const Rec& r) {
    std::vector<SlidingModel::Forward> updates, closed;
    const bool added = sliding_.process(r.key, r.t, r.value, stream_time_, updates, closed);
    for (const auto& f : updates)
      out_.rows.push_back(
          {f.key, f.start, f.end, f.agg.values, RowKind::kUpdate, f.agg.ts, stream_time_});
    std::stable_sort(closed.begin(), closed.end(), [&](const auto& a, const auto& b) {
      return std::pair(a.start, names_.at(a.key)) < std::pair(b.start, names_.at(b.key));
    });
    for (const auto& f : closed)
      out_.rows.push_back(
          {f.key, f.start, f.end, f.agg.values, RowKind::kOnClose, f.agg.ts, stream_time_});
    return added;
  }

  struct Session {
    uint32_t key = 0;
    int64_t start = 0, end = 0;
    std::vector<double> values;
    bool emitted = false;
  };

  // S/kstream/internals/KStreamSessionWindowAggregate.java#process: the store's sessions of the
  // key with end >= t - gap and start <= t + gap (store.findSessions), that the store still finds
  // (AbstractRocksDBSegmentedBytesStore#getActualFrom: end >= observedStreamTime - retention + 1,
  // observedStreamTime the largest session end put), merge with [t, t]. Dropped iff the merged
  // end < streamTime - grace - gap. Unless the merged window is [t, t], every found session is
  // removed with a tombstone (its end as timestamp, in store order: ascending end), then the
  // merged session is put and forwarded with its end as timestamp.
  bool process_session(const Rec& r) {
    const int64_t close = stream_time_ - c_.grace - c_.size;
    std::vector<size_t> found;
    int64_t start = r.t, end = r.t;
    for (size_t i = 0; i < sessions_.size(); ++i) {
      const Session& s = sessions_[i];
      if (s.key == r.key && s.end >= r.t - c_.size && s.start <= r.t + c_.size &&
          s.end >= store_time_ - c_.retention + 1) {
        found.push_back(i);
        start = std::min(start, s.start);
        end = std::max(end, s.end);
      }
    }
    std::sort(found.begin(), found.end(), [&](size_t a, size_t b) {
      return std::pair(sessions_[a].end, sessions_[a].start) <
             std::pair(sessions_[b].end, sessions_[b].start);
    });
    const bool added = end >= close;
    if (added) {
      Session merged{r.key, start, end, {}, false};
      const bool own = start == r.t && end == r.t;
      for (size_t i : found) {
        const Session& s = sessions_[i];
        merged.values.insert(merged.values.end(), s.values.begin(), s.values.end());
        if (!own && !c_.on_close)
          out_.rows.push_back(
              {s.key, s.start, s.end, s.values, RowKind::kTombstone, s.end, stream_time_});
      }
      merged.values.push_back(r.value);
      std::vector<size_t> doomed = found;
      std::sort(doomed.rbegin(), doomed.rend());
      for (size_t i : doomed) sessions_.erase(sessions_.begin() + ptrdiff_t(i));
      // A put overwrites a session with the same bounds that the fetch no longer found.
      std::erase_if(sessions_, [&](const Session& s) {
        return s.key == r.key && s.start == start && s.end == end;
      });
      store_time_ = std::max(store_time_, end);
      if (!c_.on_close)
        out_.rows.push_back(
            {r.key, start, end, merged.values, RowKind::kUpdate, end, stream_time_});
      sessions_.push_back(std::move(merged));
    }
    if (c_.on_close) emit_closed_sessions(close);
    return added;
  }

  // KStreamSessionWindowAggregate#maybeForwardFinalResult: sessions with end in
  // [last closeTime, closeTime - 1] (SessionStore#findSessions by end, no retention filter),
  // i.e. each once when end < streamTime - grace - gap, in the time-ordered session store's
  // order: end, start, key bytes; timestamp = the session end.
  void emit_closed_sessions(int64_t close) {
    std::vector<std::tuple<int64_t, int64_t, std::string, size_t>> due;
    for (size_t i = 0; i < sessions_.size(); ++i) {
      Session& s = sessions_[i];
      if (s.emitted || s.end >= close) continue;
      s.emitted = true;
      due.emplace_back(s.end, s.start, names_.at(s.key), i);
    }
    std::sort(due.begin(), due.end());
    for (const auto& [end, start, name, i] : due) {
      const Session& s = sessions_[i];
      out_.rows.push_back(
          {s.key, s.start, s.end, s.values, RowKind::kOnClose, s.end, stream_time_});
    }
  }

  Config c_;
  std::vector<std::string> names_;
  int64_t stream_time_ = -1;  // ConsumerRecord.NO_TIMESTAMP
  int64_t store_time_ = -1;   // the stores' observedStreamTime: NO_TIMESTAMP at first
  std::map<std::pair<int64_t, uint32_t>, Agg> windows_;  // (start, key)
  std::vector<Session> sessions_;
  SlidingModel sliding_;
  Output out_;
};

inline Output run(const std::vector<Rec>& recs, const Config& c,
                  std::vector<std::string> key_names) {
  return Model(c, std::move(key_names)).run(recs);
}

}  // namespace tidemark::ref::kafka
