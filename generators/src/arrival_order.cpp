#include "tidemark/generators/arrival_order.hpp"

#include <algorithm>
#include <bit>
#include <numeric>

namespace tidemark::gen {

namespace {

constexpr int kMaxDigitBits = 12;  // at most 4096 buckets: one pass's counts stay in L1

// Sorts `a` by bits [lo, lo + bits) of each value's two's complement word, stably (LSD radix, one
// digit per pass, as few passes as digits of at most kMaxDigitBits allow).
void radix_sort(WordBuffer& a, int lo, int bits) {
  const int passes = (bits + kMaxDigitBits - 1) / kMaxDigitBits;
  if (passes == 0) return;
  const int digit = (bits + passes - 1) / passes;
  const size_t buckets = size_t(1) << digit;
  const uint64_t mask = buckets - 1;
  std::vector<size_t> counts(size_t(passes) * buckets, 0);
  for (const int64_t v : a) {
    for (int p = 0; p < passes; ++p) {
      ++counts[size_t(p) * buckets + ((uint64_t(v) >> (lo + p * digit)) & mask)];
    }
  }
  WordBuffer tmp;
  for (int p = 0; p < passes; ++p) {
    size_t* c = counts.data() + size_t(p) * buckets;
    const int shift = lo + p * digit;
    if (c[(uint64_t(a[0]) >> shift) & mask] == a.size()) continue;  // one bucket: nothing moves
    size_t sum = 0;
    for (size_t b = 0; b < buckets; ++b) {
      const size_t k = c[b];
      c[b] = sum;
      sum += k;
    }
    if (tmp.empty()) tmp.resize(a.size());
    for (const int64_t v : a) tmp[c[(uint64_t(v) >> shift) & mask]++] = v;
    a.swap(tmp);
  }
}

}  // namespace

ArrivalOrder::ArrivalOrder(WordBuffer receive) {
  const size_t n = receive.size();
  if (n == 0) return;
  int64_t hi = INT64_MIN;
  lo_ = INT64_MAX;
  for (int64_t r : receive) {
    lo_ = std::min(lo_, r);
    hi = std::max(hi, r);
  }
  const int key_bits = std::bit_width(uint64_t(hi) - uint64_t(lo_));
  index_bits_ = std::max(1, int(std::bit_width(uint64_t(n - 1))));
  index_mask_ = (uint64_t(1) << index_bits_) - 1;
  if (key_bits + index_bits_ <= 64) {
    // The input is in index order and the sort is stable, so only the key bits need sorting.
    for (size_t i = 0; i < n; ++i) {
      receive[i] = int64_t(((uint64_t(receive[i]) - uint64_t(lo_)) << index_bits_) | i);
    }
    entries_ = std::move(receive);
    radix_sort(entries_, index_bits_, key_bits);
  } else {
    index_bits_ = 64;
    index_mask_ = UINT64_MAX;
    entries_.resize(n);
    std::iota(entries_.begin(), entries_.end(), int64_t(0));
    std::stable_sort(entries_.begin(), entries_.end(),
                     [&](int64_t a, int64_t b) { return receive[size_t(a)] < receive[size_t(b)]; });
    wide_receive_ = std::move(receive);
  }
}

void sort_by_arrival(std::vector<Event>& events) {
  WordBuffer receive(events.size());
  for (size_t i = 0; i < events.size(); ++i) receive[i] = events[i].receive_time.ms;
  const ArrivalOrder order(std::move(receive));
  std::vector<Event> sorted;
  sorted.reserve(events.size());
  advise_huge_pages(sorted.data(), events.size() * sizeof(Event));
  for (size_t k = 0; k < order.size(); ++k) {
    Event& e = sorted.emplace_back(events[order.index(k)]);
    e.row = k + 1;
  }
  events.swap(sorted);
}

}  // namespace tidemark::gen
