#pragma once
// Per-window-index bookkeeping for fixed-size time windows (sliced or one aggregate per window):
// how many (key, window) pairs of each window index are open, and which keys fire that window next.
// Window indexes are dense (window m starts at OFFSET + m * ADVANCE), so this is a ring indexed by
// m, not a heap of timers.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tidemark/core/event.hpp"

namespace tidemark {

class WindowBuckets {
 public:
  struct Bucket {
    uint64_t open = 0;        // open (key, window m) pairs
    std::vector<KeyId> keys;  // keys whose next on-time firing is window m (may hold stale ids)
  };

  bool empty() const { return len_ == 0; }
  int64_t first() const { return first_; }
  int64_t end() const { return first_ + int64_t(len_); }
  // Whether [lo, hi] fits beside the current range within `max_span` indexes.
  bool fits(int64_t lo, int64_t hi, size_t max_span) const {
    if (len_ == 0) return hi - lo < int64_t(max_span);
    return std::max(hi, end() - 1) - std::min(lo, first_) < int64_t(max_span);
  }
  // Makes window m addressable (new buckets are empty).
  void reserve(int64_t m) {
    if (len_ == 0) {
      grow(1);
      head_ = 0;
      first_ = m;
      len_ = 1;
    } else if (m < first_) {
      const size_t d = size_t(first_ - m);
      grow(len_ + d);
      head_ = (head_ - d) & mask_;
      first_ = m;
      len_ += d;
    } else if (m >= end()) {
      const size_t need = size_t(m - first_) + 1;
      grow(need);
      len_ = need;
    }
  }
  Bucket& at(int64_t m) { return buf_[(head_ + size_t(m - first_)) & mask_]; }
  // Drops the oldest bucket; returns how many open windows it held.
  uint64_t pop_front() {
    Bucket& b = buf_[head_];
    const uint64_t open = b.open;
    b.open = 0;
    b.keys.clear();
    head_ = (head_ + 1) & mask_;
    ++first_;
    --len_;
    return open;
  }
  size_t bytes() const { return buf_.capacity() * sizeof(Bucket) + key_bytes_; }
  // Puts window m's firing list in key order (the bitmap path below also drops duplicates; the
  // sort keeps them). A list holding a large share
  // of the `key_count` keys is sorted through a bitmap of the key ids: linear, where a comparison
  // sort of a million ids costs more than firing them.
  std::vector<KeyId>& sorted_keys(int64_t m, size_t key_count) {
    std::vector<KeyId>& keys = at(m).keys;
    if (std::is_sorted(keys.begin(), keys.end())) return keys;
    if (keys.size() < 4096 || keys.size() * 16 < key_count) {
      std::sort(keys.begin(), keys.end());
      return keys;
    }
    bits_.assign(key_count / 64 + 1, 0);
    for (const KeyId k : keys) bits_[k / 64] |= uint64_t{1} << (k % 64);
    keys.clear();
    for (size_t w = 0; w < bits_.size(); ++w) {
      for (uint64_t b = bits_[w]; b != 0; b &= b - 1) {
        keys.push_back(KeyId(w * 64 + size_t(__builtin_ctzll(b))));
      }
    }
    return keys;
  }
  // Appends k to window m's firing list (m must be addressable).
  void enqueue(int64_t m, KeyId k) {
    std::vector<KeyId>& keys = at(m).keys;
    const size_t before = keys.capacity();
    keys.push_back(k);
    key_bytes_ += (keys.capacity() - before) * sizeof(KeyId);
  }

 private:
  void grow(size_t need) {
    if (need <= buf_.size()) return;
    size_t cap = std::max<size_t>(buf_.size() * 2, 16);
    while (cap < need) cap *= 2;
    std::vector<Bucket> next(cap);
    for (size_t i = 0; i < len_; ++i) next[i] = std::move(buf_[(head_ + i) & mask_]);
    // Keep the spare key lists' capacity: they are reused as the ring turns.
    for (size_t k = len_; k < buf_.size(); ++k)
      next[k].keys = std::move(buf_[(head_ + k) & mask_].keys);
    buf_ = std::move(next);
    head_ = 0;
    mask_ = cap - 1;
  }

  std::vector<Bucket> buf_;
  size_t head_ = 0, len_ = 0, mask_ = 0;
  int64_t first_ = 0;
  size_t key_bytes_ = 0;
  std::vector<uint64_t> bits_;  // scratch of sorted_keys
};

}  // namespace tidemark
