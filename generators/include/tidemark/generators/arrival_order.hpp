#pragma once
// Arrival order: events sorted by receive time; ties keep generation (true-time) order.

#include <cstdint>
#include <vector>

#include "tidemark/core/event.hpp"
#include "tidemark/generators/scratch_buffer.hpp"

namespace tidemark::gen {

// A vector of 8-byte words on huge pages once it is large: a million events' keys are faulted in
// a few 2 MiB pages instead of thousands of 4 KiB ones. resize(n) leaves the new words unset.
using WordBuffer = ScratchBuffer<int64_t>;

// The arrival order of events given their receive times in generation order: a stable sort, so
// ties keep generation order. Entry k is the k-th event to arrive: its generation index and its
// receive time.
//
// Each entry is one 8-byte word, (receive - min receive) << index bits | index, sorted by an LSD
// radix sort over only the significant key bits: O(n), deterministic, 16 bytes per event at peak.
// When key and index do not fit in 64 bits, a stable comparison sort of indices instead.
class ArrivalOrder {
 public:
  // Takes the receive times (ms) by value: their memory becomes the sorted entries.
  explicit ArrivalOrder(WordBuffer receive);
  // The same, given the least and the greatest receive time (seen as they were written): one
  // pass fewer over them.
  ArrivalOrder(WordBuffer receive, int64_t lo, int64_t hi);

  size_t size() const { return entries_.size(); }
  size_t index(size_t k) const { return size_t(uint64_t(entries_[k]) & index_mask_); }
  int64_t receive(size_t k) const {
    return wide_receive_.empty() ? lo_ + int64_t(uint64_t(entries_[k]) >> index_bits_)
                                 : wide_receive_[index(k)];
  }

 private:
  void sort(WordBuffer receive, int64_t lo, int64_t hi);

  WordBuffer entries_;       // packed words (two's complement), or indices when wide
  WordBuffer wide_receive_;  // only when (key, index) does not fit in 64 bits
  int64_t lo_ = 0;
  int index_bits_ = 0;
  uint64_t index_mask_ = 0;
};

// Reorders `events` by ArrivalOrder of their receive times and sets row = the 1-based arrival
// index.
void sort_by_arrival(std::vector<Event>& events);

}  // namespace tidemark::gen
