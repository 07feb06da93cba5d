#include "tidemark/generators/arrival_order.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace tidemark::gen {

namespace {

constexpr int kDigitBits = 11;  // 2048 buckets: the counts stay in L1
constexpr size_t kBuckets = size_t(1) << kDigitBits;

// Sorts `a` by bits [lo, lo + bits) of each value, stably (LSD radix, one digit per pass).
void radix_sort(std::vector<uint64_t>& a, int lo, int bits) {
  const int passes = (bits + kDigitBits - 1) / kDigitBits;
  auto counts = std::vector<std::array<size_t, kBuckets>>(size_t(passes));
  for (auto& c : counts) c.fill(0);
  for (uint64_t v : a) {
    for (int p = 0; p < passes; ++p)
      ++counts[size_t(p)][(v >> (lo + p * kDigitBits)) & (kBuckets - 1)];
  }
  std::vector<uint64_t> tmp(a.size());
  for (int p = 0; p < passes; ++p) {
    auto& c = counts[size_t(p)];
    const int shift = lo + p * kDigitBits;
    if (c[(a[0] >> shift) & (kBuckets - 1)] == a.size()) continue;  // one bucket: nothing moves
    size_t sum = 0;
    for (size_t& x : c) {
      const size_t k = x;
      x = sum;
      sum += k;
    }
    for (uint64_t v : a) tmp[c[(v >> shift) & (kBuckets - 1)]++] = v;
    a.swap(tmp);
  }
}

}  // namespace

void sort_by_arrival(std::vector<Event>& events) {
  const size_t n = events.size();
  if (n == 0) return;
  Timestamp lo = Timestamp::max(), hi = Timestamp::min();
  for (const Event& e : events) {
    lo = std::min(lo, e.receive_time);
    hi = std::max(hi, e.receive_time);
  }
  const int key_bits = std::bit_width(uint64_t(hi.ms) - uint64_t(lo.ms));
  const int index_bits = std::max(1, int(std::bit_width(uint64_t(n - 1))));
  std::vector<uint32_t> order(n);
  if (key_bits + index_bits <= 64 && n <= UINT32_MAX) {
    // Pack (receive offset, generation index); the input is in index order and the sort is
    // stable, so only the key bits need sorting.
    std::vector<uint64_t> packed(n);
    for (size_t i = 0; i < n; ++i) {
      packed[i] = ((uint64_t(events[i].receive_time.ms) - uint64_t(lo.ms)) << index_bits) | i;
    }
    radix_sort(packed, index_bits, key_bits);
    const uint64_t mask = (uint64_t(1) << index_bits) - 1;
    for (size_t i = 0; i < n; ++i) order[i] = uint32_t(packed[i] & mask);
  } else {
    for (size_t i = 0; i < n; ++i) order[i] = uint32_t(i);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return events[a].receive_time < events[b].receive_time;
    });
  }
  std::vector<Event> sorted;
  sorted.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    sorted.push_back(events[order[i]]);
    sorted.back().row = i + 1;
  }
  events.swap(sorted);
}

}  // namespace tidemark::gen
