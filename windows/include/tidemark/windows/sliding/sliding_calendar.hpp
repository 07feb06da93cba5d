#pragma once
// Pending firings of record-driven sliding windows, grouped by window end: a min-heap of the
// distinct ends (by due time, then end) and, per end, the keys of the windows ending there (all
// windows have one length, so the end gives the start; the rare windows whose end saturated at
// +inf are kept aside with their start). Popping an end yields its windows sorted by (key,
// start), so windows leave in the order of docs/design.md §5 (fire time, end, key, start) for one
// heap operation per distinct end instead of one per window.
//
// The due time must be a non-decreasing function of the end (it is: end + a fixed delay,
// saturating). Ends are found through a small direct-mapped cache in front of a pooled hash map,
// and emptied buckets are recycled, so the steady state allocates nothing.

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include "tidemark/core/event.hpp"
#include "tidemark/core/time/time.hpp"
#include "tidemark/windows/support/key_sorter.hpp"
#include "tidemark/windows/support/keyed_state.hpp"

namespace tidemark {

class SlidingCalendar {
 public:
  // One window of a key, waiting in the bucket of its end.
  struct Entry {
    KeyId key;
    Timestamp start;
    friend constexpr bool operator<(const Entry& a, const Entry& b) {
      return a.key != b.key ? a.key < b.key : a.start < b.start;
    }
  };

  // `span`: window length; a window's start is end - span unless end saturated at +inf.
  explicit SlidingCalendar(Duration span) : span_(span) { cache_.fill({0, kNone}); }

  void add(Timestamp due, Timestamp end, KeyId key, Timestamp start) {
    const CacheLine& c = cache_[line(end.ms)];
    const bool plain = start.ms <= max_plain_start_ && start.ms + span_.ms == end.ms;
    if (c.end == end.ms && c.bucket != kNone && plain) [[likely]] {  // a recent end
      buckets_[c.bucket].push_back(key);
      ++entries_;
    } else {
      add_slow(due, end, key, start, plain);
    }
  }
  bool due(Timestamp clock) const { return !heap_.empty() && heap_.front().due <= clock; }
  // Removes the earliest end; its windows, sorted by (key, start), replace the contents of `out`.
  Timestamp pop(std::vector<Entry>& out) {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
    const End e = heap_.back();
    heap_.pop_back();
    index_->erase(e.end.ms);
    CacheLine& c = cache_[line(e.end.ms)];
    if (c.bucket == e.bucket && c.end == e.end.ms) c.bucket = kNone;
    std::vector<KeyId>& keys = buckets_[e.bucket];
    sorter_.sort(keys);
    out.resize(keys.size());
    if (!keys.empty()) {
      // Not e.end - span_: that saturates at +inf, and plain windows ending at +inf exist.
      const Timestamp start{e.end.ms - span_.ms};
      for (size_t i = 0; i < keys.size(); ++i) out[i] = {keys[i], start};
    }
    keys.clear();
    free_.push_back(e.bucket);
    if (!odd_.empty()) [[unlikely]] {
      const size_t plain = out.size();
      for (size_t i = 0; i < odd_.size();) {
        if (odd_[i].first == e.end) {
          out.push_back(odd_[i].second);
          odd_[i] = odd_.back();
          odd_.pop_back();
        } else {
          ++i;
        }
      }
      if (out.size() > plain) std::sort(out.begin(), out.end());
    }
    entries_ -= out.size();
    return e.end;
  }
  size_t size() const { return entries_; }
  size_t bytes() const {
    return entries_ * sizeof(KeyId) + heap_.capacity() * sizeof(End) +
           buckets_.capacity() * sizeof(std::vector<KeyId>) +
           index_->size() * kNodeBytes<int64_t, uint32_t>;
  }

 private:
  static constexpr uint32_t kNone = ~uint32_t{0};
  static constexpr size_t kLines = 4096;  // more than the ends pending at once, usually
  struct End {
    Timestamp due;
    Timestamp end;
    uint32_t bucket;
    friend constexpr bool operator>(const End& a, const End& b) {
      return a.due != b.due ? a.due > b.due : a.end > b.end;
    }
  };
  struct CacheLine {
    int64_t end;
    uint32_t bucket;
  };

  static size_t line(int64_t end) { return size_t(uint64_t(end) % kLines); }

  [[gnu::noinline]] void add_slow(Timestamp due, Timestamp end, KeyId key, Timestamp start,
                                  bool plain) {
    std::vector<KeyId>& bucket = bucket_of(due, end);
    if (plain) {
      bucket.push_back(key);
    } else {
      odd_.push_back({end, {key, start}});
    }
    ++entries_;
  }

  std::vector<KeyId>& bucket_of(Timestamp due, Timestamp end) {
    CacheLine& c = cache_[line(end.ms)];
    if (c.bucket != kNone && c.end == end.ms) return buckets_[c.bucket];
    auto [it, fresh] = index_->try_emplace(end.ms, kNone);
    if (fresh) {
      if (free_.empty()) {
        it->second = uint32_t(buckets_.size());
        buckets_.emplace_back();
      } else {
        it->second = free_.back();
        free_.pop_back();
      }
      heap_.push_back({due, end, it->second});
      std::push_heap(heap_.begin(), heap_.end(), std::greater<>{});
    }
    c = {end.ms, it->second};
    return buckets_[it->second];
  }

  Duration span_;
  int64_t max_plain_start_ = std::numeric_limits<int64_t>::max() - span_.ms;  // no overflow above
  std::vector<End> heap_;                         // one per distinct pending end
  std::vector<std::vector<KeyId>> buckets_;       // by bucket id: keys of the windows ending there
  std::vector<uint32_t> free_;                    // recycled bucket ids (empty, with capacity)
  PooledMap<int64_t, uint32_t> index_;            // end -> bucket id
  std::array<CacheLine, kLines> cache_;           // recently used ends
  std::vector<std::pair<Timestamp, Entry>> odd_;  // windows whose end saturated, with their end
  KeySorter sorter_;
  size_t entries_ = 0;
};

}  // namespace tidemark
