#pragma once
// Kafka Streams' SlidingWindows aggregation for tests/reference_kafka.hpp, followed step by step
// from S/kstream/internals/KStreamSlidingWindowAggregate.java (apache/kafka 1eb7644349cb):
// #process, #processReverse, #processEarly, #createWindows, #updateWindowAndForward, and the
// on-close emit range. Windows are [start, start + d], both ends inclusive. The store is a map
// with the segmented stores' retention applied to fetches.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace tidemark::ref::kafka {

class SlidingModel {
 public:
  struct Agg {
    std::vector<double> values;
    int64_t ts = 0;
  };
  struct Forward {  // one forwarded window
    uint32_t key;
    int64_t start, end;
    Agg agg;
  };

  SlidingModel(int64_t d, int64_t grace, int64_t retention, bool on_close)
      : d_(d), grace_(grace), retention_(retention), on_close_(on_close) {}

  // One record at stream time `stream_time` (including it): the windows forwarded on update (or,
  // on-close, the closed windows), and whether a window took the record.
  bool process(uint32_t key, int64_t t, double value, int64_t stream_time,
               std::vector<Forward>& updates, std::vector<Forward>& closed) {
    key_ = key, t_ = t, value_ = value, added_ = false, updates_ = &updates;
    const int64_t close = stream_time - grace_;
    if (t + d_ < close) return false;  // logSkippedRecordForExpiredWindow, no final emit
    if (t < d_) {
      process_early(close);  // returns before maybeForwardFinalResult
      return added_;
    }
    process_reverse(close);
    if (on_close_) forward_final(close, closed);
    return added_;
  }

 private:
  struct Found {
    int64_t start;
    Agg agg;
  };

  // The key-first (on-update) store's fetch finds starts >= observedStreamTime - retention + 1
  // (AbstractRocksDBSegmentedBytesStore#getActualFrom); the time-first on-close store's, starts
  // >= observedStreamTime - retention (AbstractDualSchemaRocksDBSegmentedBytesStore
  // #getActualFrom). observedStreamTime: the largest window start put.
  int64_t actual_from(int64_t from) const {
    return std::max(from, store_time_ - retention_ + (on_close_ ? 0 : 1));
  }
  std::vector<Found> fetch(int64_t from, int64_t to) const {
    std::vector<Found> out;
    for (const auto& [id, agg] : store_) {
      if (id.first == key_ && id.second >= actual_from(from) && id.second <= to)
        out.push_back({id.second, agg});
    }
    return out;  // ascending start
  }
  void put(int64_t start, const Agg& agg) {
    store_[{key_, start}] = agg;
    store_time_ = std::max(store_time_, start);
  }

  // #updateWindowAndForward: the window takes the record iff end >= closeTime.
  void update(int64_t start, const Agg& old, int64_t close) {
    if (start + d_ < close) return;
    Agg agg = old;
    agg.values.push_back(value_);
    agg.ts = std::max(t_, old.ts);
    put(start, agg);
    added_ = true;
    if (!on_close_) updates_->push_back({key_, start, start + d_, agg});
  }
  Agg init() const { return {{}, t_}; }  // ValueAndTimestamp.make(initializer.apply(), t)

  // #createCurrentRecordRightWindow: the right window gets the found aggregate as it is.
  void create_right_window(const Agg& right) {
    put(t_ + 1, right);
    if (!on_close_) updates_->push_back({key_, t_ + 1, t_ + 1 + d_, right});
  }

  void process_reverse(int64_t close) {
    std::set<int64_t> starts;
    std::optional<Agg> left, right;
    bool left_created = false, right_created = false;
    std::optional<int64_t> previous;
    std::vector<Found> found = fetch(std::max<int64_t>(0, t_ - 2 * d_), t_ + 1);
    std::reverse(found.begin(), found.end());  // backwardFetch
    for (const Found& w : found) {
      starts.insert(w.start);
      const int64_t end = w.start + d_;
      if (w.start == t_ + 1) {
        right_created = true;
      } else if (end > t_) {
        if (!right) right = w.agg;
        update(w.start, w.agg, close);
      } else if (end == t_) {
        left_created = true;
        update(w.start, w.agg, close);
        if (w.agg.ts < t_) {
          previous = w.agg.ts;
        } else {
          return;
        }
      } else {
        left = w.agg;
        previous = w.agg.ts;
        break;
      }
    }
    // #createWindows
    if (previous && !starts.contains(*previous + 1) && *previous + 1 + d_ >= t_)
      update(*previous + 1, init(), close);  // #createPreviousRecordRightWindow
    if (!left_created) {
      const bool left_not_empty = previous && t_ - d_ <= *previous;
      Agg a = left_not_empty ? Agg{left->values, t_} : init();
      update(t_ - d_, a, close);
    }
    if (!right_created && right && right->ts > t_) create_right_window(*right);
  }

  // #processEarly (0 <= t < d): the records before d share the window [0, d].
  void process_early(int64_t close) {
    std::optional<Found> combined;
    std::optional<Agg> right;
    bool right_created = false;
    std::set<int64_t> starts;
    std::optional<int64_t> previous;
    for (const Found& w : fetch(0, t_ + 1)) {
      starts.insert(w.start);
      if (w.start == 0) {
        combined = w;
        if (w.agg.ts < t_) previous = w.agg.ts;
      } else if (w.start <= t_) {
        right = w.agg;
        update(w.start, w.agg, close);
      } else if (w.start == t_ + 1) {
        right_created = true;
      }
    }
    if (!right && combined && combined->agg.ts > t_) right = combined->agg;
    if (!right_created && right && right->ts > t_) create_right_window(*right);
    if (previous && !starts.contains(*previous + 1)) update(*previous + 1, init(), close);
    if (!combined) {
      update(0, init(), close);
    } else {
      update(0, combined->agg, close);
    }
  }

  // AbstractKStreamTimeWindowAggregateProcessor#maybeForwardFinalResult with the sliding emit
  // range: starts in [last closeTime - d (0 at first), closeTime - d - 1], each time closeTime
  // advances, all keys, in the time-first store's order (start, key bytes).
  void forward_final(int64_t close, std::vector<Forward>& closed) {
    if (last_emit_ && *last_emit_ >= close) return;
    const int64_t upper = close - d_ - 1;
    if (upper < 0) return;
    const int64_t lower = last_emit_ ? std::max<int64_t>(0, *last_emit_ - d_) : 0;
    for (const auto& [id, agg] : store_) {
      if (id.second >= actual_from(lower) && id.second <= upper)
        closed.push_back({id.first, id.second, id.second + d_, agg});
    }
    last_emit_ = close;
  }

  int64_t d_, grace_, retention_;
  bool on_close_;
  std::map<std::pair<uint32_t, int64_t>, Agg> store_;  // (key, start)
  int64_t store_time_ = -1;
  std::optional<int64_t> last_emit_;
  // The record being processed.
  uint32_t key_ = 0;
  int64_t t_ = 0;
  double value_ = 0;
  bool added_ = false;
  std::vector<Forward>* updates_ = nullptr;
};

}  // namespace tidemark::ref::kafka
