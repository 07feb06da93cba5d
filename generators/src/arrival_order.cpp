#include "tidemark/generators/arrival_order.hpp"

#include <algorithm>
#include <bit>
#include <numeric>
#include <utility>

namespace tidemark::gen {

namespace {

constexpr int kMaxDigitBits = 12;  // at most 4096 buckets: one pass's counts stay in L1

// The digits of an LSD radix sort over bits [lo, lo + bits) of each value's two's complement
// word: one per pass, as few passes as digits of at most kMaxDigitBits allow.
struct RadixDigits {
  RadixDigits(int lo_bit, int bits)
      : lo(lo_bit),
        passes((bits + kMaxDigitBits - 1) / kMaxDigitBits),
        width(passes == 0 ? 0 : (bits + passes - 1) / passes) {}
  size_t buckets() const { return size_t(1) << width; }
  // Where the count of v's digit of pass p is kept: one run of buckets() counters per pass.
  size_t slot(int p, int64_t v) const {
    return size_t(p) * buckets() + ((uint64_t(v) >> (lo + p * width)) & (buckets() - 1));
  }

  int lo, passes, width;
};

// Sorts `a` stably by the digits `d`, given for every digit of every pass how many words have it.
void radix_sort(WordBuffer& a, const RadixDigits& d, std::vector<size_t>& counts) {
  WordBuffer tmp;
  for (int p = 0; p < d.passes; ++p) {
    size_t* c = counts.data() + d.slot(p, 0);
    if (counts[d.slot(p, a[0])] == a.size()) continue;  // one bucket: nothing moves
    size_t sum = 0;
    for (size_t b = 0; b < d.buckets(); ++b) {
      const size_t k = c[b];
      c[b] = sum;
      sum += k;
    }
    if (tmp.empty()) tmp.resize(a.size());
    for (const int64_t v : a) tmp[counts[d.slot(p, v)]++] = v;
    a.swap(tmp);
  }
}

}  // namespace

ArrivalOrder::ArrivalOrder(WordBuffer receive) {
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (int64_t r : receive) {
    lo = std::min(lo, r);
    hi = std::max(hi, r);
  }
  sort(std::move(receive), lo, hi);
}

ArrivalOrder::ArrivalOrder(WordBuffer receive, int64_t lo, int64_t hi) {
  sort(std::move(receive), lo, hi);
}

void ArrivalOrder::sort(WordBuffer receive, int64_t lo, int64_t hi) {
  const size_t n = receive.size();
  if (n == 0) return;
  lo_ = lo;
  const int key_bits = std::bit_width(uint64_t(hi) - uint64_t(lo_));
  index_bits_ = std::max(1, int(std::bit_width(uint64_t(n - 1))));
  index_mask_ = (uint64_t(1) << index_bits_) - 1;
  if (key_bits + index_bits_ <= 64) {
    // The input is in index order and the sort is stable, so only the key bits need sorting.
    // Packed and counted in one pass.
    const RadixDigits digits(index_bits_, key_bits);
    std::vector<size_t> counts(size_t(digits.passes) * digits.buckets(), 0);
    for (size_t i = 0; i < n; ++i) {
      const int64_t w = int64_t(((uint64_t(receive[i]) - uint64_t(lo_)) << index_bits_) | i);
      receive[i] = w;
      for (int p = 0; p < digits.passes; ++p) ++counts[digits.slot(p, w)];
    }
    entries_ = std::move(receive);
    radix_sort(entries_, digits, counts);
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
