#include "tidemark/generators/arrival_order.hpp"

#include <algorithm>
#include <bit>
#include <numeric>
#include <utility>

namespace tidemark::gen {

namespace {

constexpr int kMaxDigitBits = 12;  // at most 4096 buckets: one pass's counts stay in L1
// bucket_sort: the low key bits sorted within a bucket (1024 ms of receive times); buckets of
// this many words or fewer are sorted by insertion; at least this many buckets are allowed.
constexpr int kBucketLowBits = 10;
constexpr size_t kInsertionSortMax = 48;
constexpr size_t kMaxBuckets = size_t(1) << 16;

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

// Sorts the packed words `a` (unique: each holds its index) by key bits [index_bits,
// index_bits + high_bits + low_bits) with the top digit first: one pass puts each word in the
// bucket of its high key bits, keeping index order within a bucket; then each bucket, some
// hundreds of words in L1, is put in order by its low key bits. Receive times run close to
// generation order, so the first pass writes to a few buckets at a time, nearly sequentially,
// where an LSD pass over the low digit scatters over all of its buckets. Consecutive words then
// mostly share a bucket, and its counter would be a chain of dependent increments: the input is
// counted and moved as kStreams interleaved parts, each with its own counters. Words are unique,
// so any correct sort gives this order.
void bucket_sort(WordBuffer& a, int index_bits, int high_bits, int low_bits) {
  constexpr size_t kStreams = 4;
  const size_t n = a.size();
  const size_t buckets = size_t(1) << high_bits;
  const int high_shift = index_bits + low_bits;
  const auto bucket = [&](int64_t w) { return size_t(uint64_t(w) >> high_shift); };
  // Part s is a[s * part, (s + 1) * part) within a: all parts hold `full` words or more.
  const size_t part = (n + kStreams - 1) / kStreams;
  const size_t full = n - std::min(n, (kStreams - 1) * part);
  // at[b * kStreams + s]: where part s's next word of bucket b goes.
  std::vector<size_t> at(buckets * kStreams, 0);
  const auto each = [&](auto&& f) {
    for (size_t i = 0; i < full; ++i) {
      for (size_t s = 0; s < kStreams; ++s) f(s, a[s * part + i]);
    }
    for (size_t i = full; i < part; ++i) {
      for (size_t s = 0; s < kStreams && s * part + i < n; ++s) f(s, a[s * part + i]);
    }
  };
  each([&](size_t s, int64_t w) { ++at[bucket(w) * kStreams + s]; });
  std::vector<size_t> starts(buckets + 1);
  size_t sum = 0;
  for (size_t b = 0; b < buckets; ++b) {
    starts[b] = sum;
    for (size_t s = 0; s < kStreams; ++s) sum += std::exchange(at[b * kStreams + s], sum);
  }
  starts[buckets] = n;
  WordBuffer tmp(n);
  each([&](size_t s, int64_t w) { tmp[at[bucket(w) * kStreams + s]++] = w; });

  const uint64_t low_mask = (uint64_t(1) << low_bits) - 1;
  const auto digit = [&](int64_t w) { return size_t((uint64_t(w) >> index_bits) & low_mask); };
  std::vector<size_t> counts(size_t(1) << low_bits);
  for (size_t b = 0; b < buckets; ++b) {
    const size_t lo = starts[b], hi = starts[b + 1];
    if (hi - lo <= kInsertionSortMax) {
      // Few words (sparse times): insertion into a[lo, hi), whose order is the words' order.
      for (size_t i = lo; i < hi; ++i) {
        const int64_t w = tmp[i];
        size_t j = i;
        for (; j > lo && a[j - 1] > w; --j) a[j] = a[j - 1];
        a[j] = w;
      }
      continue;
    }
    std::fill(counts.begin(), counts.end(), 0);
    for (size_t i = lo; i < hi; ++i) ++counts[digit(tmp[i])];
    size_t at_low = lo;
    for (size_t& c : counts) at_low += std::exchange(c, at_low);
    for (size_t i = lo; i < hi; ++i) a[counts[digit(tmp[i])]++] = tmp[i];
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
  const int low_bits = std::min(key_bits, kBucketLowBits);
  const int high_bits = key_bits - low_bits;
  if (key_bits + index_bits_ <= 64 && size_t(1) << high_bits <= std::max(n, kMaxBuckets)) {
    for (size_t i = 0; i < n; ++i) {
      receive[i] = int64_t(((uint64_t(receive[i]) - uint64_t(lo_)) << index_bits_) | i);
    }
    entries_ = std::move(receive);
    bucket_sort(entries_, index_bits_, high_bits, low_bits);
  } else if (key_bits + index_bits_ <= 64) {
    // Times spread far wider than there are events: LSD passes, so that the buckets stay few.
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
