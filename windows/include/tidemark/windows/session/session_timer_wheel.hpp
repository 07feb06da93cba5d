#pragma once
// Pending session timers bucketed by due millisecond, those that need it popped in the order
// docs/design.md §5 fixes (fire time, then end, key) like TimerQueue, but at O(1) per push and pop
// for timers due within kSlots ms of the last clock: a wheel of one-millisecond slots, with a
// min-heap for those due further ahead.
//
// Invariant: every pending timer is due at or after base_; those due before base_ + kSlots sit in
// the wheel (slot = due mod kSlots, so a slot holds timers of one due time), the others in far_.
// Callers push only timers due after the last clock they popped to, or (from inside pop_due's
// callback) at or after the due time being popped.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/event.hpp"
#include "tidemark/core/time/time.hpp"

namespace tidemark {

// A session's timer: no start, since a key's sessions are told apart by the end their timer was
// set for (they are disjoint, so at most one of them has a timer set for a given end).
struct SessionTimer {
  Timestamp due;
  Timestamp end;
  KeyId key;
  friend constexpr auto operator<=>(const SessionTimer&, const SessionTimer&) = default;
};

class SessionTimerWheel {
 public:
  SessionTimerWheel() : head_(kSlots, kNil), bits_(kSlots / 64, 0) {}

  void push(const SessionTimer& t) {
    if (ahead(t.due) - 1 < kSlots - 1) {  // the common case: in the wheel, after the batch
      link(t);
    } else {
      push_rare(t);
    }
  }

  // Pops every timer due at or before `clock`, one due time after the other. A due time's timers
  // go first to `prefetch` (to overlap cache misses), then to `settle`, in any order: it does
  // what needs no order and returns whether the timer must go to `f`, which sees those in order.
  // Both may push.
  template <class P, class S, class F>
  void pop_due(Timestamp clock, P&& prefetch, S&& settle, F&& f) {
    for (;;) {
      migrate();
      if (count_ == 0) {
        if (far_.empty() || far_.front().due > clock) break;
        base_ = far_.front().due;  // nothing is due before it; the next migrate() moves it in
        continue;
      }
      const Timestamp due = next_due();
      if (due > clock) break;
      base_ = due;
      take(due);
      for (const SessionTimer& t : batch_) prefetch(t);
      popping_ = true;
      popping_due_ = due;
      ordered_ = false;
      size_t kept = 0;
      for (size_t i = 0; i < batch_.size(); ++i) {  // settle() may append to batch_
        const SessionTimer t = batch_[i];
        if (settle(t)) batch_[kept++] = t;
      }
      batch_.resize(kept);
      std::make_heap(batch_.begin(), batch_.end(), std::greater<>{});
      ordered_ = true;
      while (!batch_.empty()) {
        std::pop_heap(batch_.begin(), batch_.end(), std::greater<>{});
        const SessionTimer t = batch_.back();
        batch_.pop_back();
        f(t);
      }
      popping_ = false;
      base_ = due + Duration{1};
    }
    // Everything pending is due after `clock`, and so is everything pushed from now on.
    if (clock >= base_) {
      base_ = clock + Duration{1};
      migrate();
    }
  }

  size_t size() const { return count_ + batch_.size() + far_.size(); }
  size_t bytes() const {
    return chunks_.capacity() * sizeof(Chunk) + head_.capacity() * sizeof(uint32_t) +
           bits_.capacity() * sizeof(uint64_t) +
           (far_.capacity() + batch_.capacity()) * sizeof(SessionTimer);
  }

 private:
  static constexpr uint32_t kSlots = 4096;  // a power of two
  static constexpr uint32_t kNil = ~uint32_t{0};
  static constexpr uint32_t kChunk = 12;  // keys per chunk: a chunk is one cache line
  // A slot's timers are a list of chunks (few: a slot holds the timers of one millisecond), each
  // holding the keys of timers with one end (a slot's timers share their end unless the policy's
  // due time saturated), so a timer costs 4 bytes; chunks are recycled through a free list.
  struct alignas(64) Chunk {
    Timestamp end;
    uint32_t next = kNil;  // next chunk of the same slot, or of the free list
    uint32_t size = 0;
    KeyId keys[kChunk];
  };
  static_assert(sizeof(Chunk) == 64);

  [[gnu::noinline]] void push_rare(const SessionTimer& t) {
    if (popping_ && t.due == popping_due_) {  // joins the batch being popped
      batch_.push_back(t);
      if (ordered_) std::push_heap(batch_.begin(), batch_.end(), std::greater<>{});
      return;
    }
    TIDEMARK_ASSERT(t.due >= base_);
    if (ahead(t.due) >= kSlots) {
      far_.push_back(t);
      std::push_heap(far_.begin(), far_.end(), std::greater<>{});
    } else {
      link(t);
    }
  }

  uint64_t ahead(Timestamp due) const { return uint64_t(due.ms) - uint64_t(base_.ms); }
  static uint32_t slot_of(Timestamp due) { return uint32_t(uint64_t(due.ms) & (kSlots - 1)); }

  void link(const SessionTimer& t) {
    const uint32_t slot = slot_of(t.due);
    uint32_t c = head_[slot];
    if (c == kNil || chunks_[c].size == kChunk || chunks_[c].end != t.end) {
      c = new_chunk(slot, t.end);
    }
    Chunk& chunk = chunks_[c];
    chunk.keys[chunk.size++] = t.key;
    bits_[slot / 64] |= uint64_t{1} << (slot % 64);
    ++count_;
  }

  // Puts an empty chunk for timers ending at `end` first in the slot's list.
  [[gnu::noinline]] uint32_t new_chunk(uint32_t slot, Timestamp end) {
    uint32_t n = free_;
    if (n != kNil) {
      free_ = chunks_[n].next;
    } else {
      n = uint32_t(chunks_.size());
      chunks_.emplace_back();
    }
    chunks_[n].end = end;
    chunks_[n].size = 0;
    chunks_[n].next = head_[slot];
    head_[slot] = n;
    return n;
  }

  // Moves the timers of due time `due` from its slot into batch_ and frees the slot's chunks.
  void take(Timestamp due) {
    const uint32_t slot = slot_of(due);
    batch_.clear();
    for (uint32_t c = head_[slot]; c != kNil;) {
      Chunk& chunk = chunks_[c];
      for (uint32_t i = 0; i < chunk.size; ++i) batch_.push_back({due, chunk.end, chunk.keys[i]});
      const uint32_t next = chunk.next;
      chunk.next = free_;
      free_ = c;
      c = next;
    }
    count_ -= batch_.size();
    head_[slot] = kNil;
    bits_[slot / 64] &= ~(uint64_t{1} << (slot % 64));
  }

  void migrate() {
    while (!far_.empty() && ahead(far_.front().due) < kSlots) {
      std::pop_heap(far_.begin(), far_.end(), std::greater<>{});
      const SessionTimer t = far_.back();
      far_.pop_back();
      link(t);
    }
  }

  // The earliest due time in the wheel; requires count_ > 0.
  Timestamp next_due() const {
    const uint32_t s0 = slot_of(base_);
    const uint32_t words = kSlots / 64;
    uint32_t w = s0 / 64;
    uint64_t bits = bits_[w] & (~uint64_t{0} << (s0 % 64));
    for (uint32_t i = 0; bits == 0; ++i) {
      TIDEMARK_ASSERT(i < words);
      w = (w + 1) % words;
      bits = bits_[w];
    }
    const uint32_t slot = w * 64 + uint32_t(std::countr_zero(bits));
    return Timestamp{int64_t(uint64_t(base_.ms) + ((slot - s0) & (kSlots - 1)))};
  }

  std::vector<Chunk> chunks_;
  std::vector<uint32_t> head_;     // per slot: its first chunk, or kNil
  std::vector<uint64_t> bits_;     // per slot: whether it holds timers
  std::vector<SessionTimer> far_;  // min-heap of timers due at or after base_ + kSlots when pushed
  std::vector<SessionTimer> batch_;  // the due time being popped; a min-heap once ordered_
  uint32_t free_ = kNil;             // first free chunk
  size_t count_ = 0;                 // timers in the wheel
  Timestamp base_ = Timestamp::min();
  Timestamp popping_due_ = Timestamp::min();
  bool popping_ = false;
  bool ordered_ = false;  // popping in order (batch_ is a heap), not settling
};

}  // namespace tidemark
