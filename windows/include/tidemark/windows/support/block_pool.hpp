#pragma once
// Growable per-key arrays whose storage comes from one pool of power-of-two blocks: growth
// recycles blocks through per-size free lists instead of calling malloc, and destroying the pool
// frees every array at once (the arrays themselves own nothing).

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "tidemark/core/error.hpp"

namespace tidemark {

// Blocks of kMinBlock << c bytes (size class c), carved from 256 KiB slabs (a block larger than
// that gets a slab of its own); released blocks wait on a free list of their class for reuse.
// Movable: blocks live in the slabs, which do not move.
class BlockPool {
 public:
  static constexpr size_t kMinBlock = 32;
  static constexpr unsigned kClasses = 40;

  static constexpr size_t block_bytes(unsigned size_class) { return kMinBlock << size_class; }

  void* allocate(unsigned size_class) {
    TIDEMARK_ASSERT(size_class < kClasses);
    if (FreeBlock* f = free_[size_class]) {
      free_[size_class] = f->next;
      return f;
    }
    const size_t n = block_bytes(size_class);
    if (n > kSlabBytes) return new_slab(n);
    // Blocks of a cache line or more start on a line boundary.
    const size_t align = n < 64 ? n : 64;
    size_t at = (used_ + align - 1) & ~(align - 1);
    if (slabs_.empty() || at + n > kSlabBytes) {
      new_slab(kSlabBytes);
      at = 0;
    }
    used_ = at + n;
    return current_ + at;
  }
  void release(void* p, unsigned size_class) {
    auto* f = static_cast<FreeBlock*>(p);
    f->next = free_[size_class];
    free_[size_class] = f;
  }
  size_t bytes() const { return slab_bytes_; }

 private:
  static constexpr size_t kSlabBytes = size_t(256) << 10;
  struct FreeBlock {
    FreeBlock* next;
  };
  struct alignas(64) Line {
    std::byte bytes[64];
  };

  std::byte* new_slab(size_t n) {
    slabs_.push_back(std::make_unique_for_overwrite<Line[]>((n + 63) / 64));
    slab_bytes_ += n;
    auto* p = reinterpret_cast<std::byte*>(slabs_.back().get());
    if (n == kSlabBytes) {
      current_ = p;
      used_ = 0;
    }
    return p;
  }

  std::vector<std::unique_ptr<Line[]>> slabs_;
  std::array<FreeBlock*, kClasses> free_{};
  std::byte* current_ = nullptr;  // the slab blocks are carved from
  size_t used_ = 0;               // bytes of it handed out
  size_t slab_bytes_ = 0;
};

// A vector of trivially copyable T in a block of a BlockPool that the caller passes to every
// operation that may allocate; 13 bytes (packed, so that a key's state fits in a cache line),
// trivially destructible (the pool owns the memory).
template <class T>
class [[gnu::packed]] PooledArray {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= BlockPool::kMinBlock);

 public:
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return data_ ? BlockPool::block_bytes(class_) / sizeof(T) : 0; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& back() { return data_[size_ - 1]; }
  const T& back() const { return data_[size_ - 1]; }

  void push_back(BlockPool& pool, const T& v) {
    if (size_ == capacity()) grow(pool);
    data_[size_++] = v;
  }
  // Inserts v before data()[i].
  void insert(BlockPool& pool, size_t i, const T& v) {
    if (size_ == capacity()) grow(pool);
    if (i != size_) std::memmove(data_ + i + 1, data_ + i, (size_ - i) * sizeof(T));  // a call
    data_[i] = v;
    ++size_;
  }
  // Removes data()[first, last).
  void erase(size_t first, size_t last) {
    std::memmove(data_ + first, data_ + last, (size_ - last) * sizeof(T));
    size_ -= uint32_t(last - first);
  }
  void clear() { size_ = 0; }

 private:
  void grow(BlockPool& pool) {
    const unsigned next = data_ ? class_ + 1u : kFirstClass;
    TIDEMARK_ASSERT(BlockPool::block_bytes(next) / sizeof(T) <= UINT32_MAX);
    T* bigger = static_cast<T*>(pool.allocate(next));
    if (data_) {
      std::memcpy(bigger, data_, size_ * sizeof(T));
      pool.release(data_, class_);
    }
    data_ = bigger;
    class_ = uint8_t(next);
  }

  // The smallest block holding 4 elements: skips the tiniest growth steps.
  static constexpr unsigned kFirstClass =
      unsigned(std::bit_width((4 * sizeof(T) - 1) / BlockPool::kMinBlock));

  T* data_ = nullptr;
  uint32_t size_ = 0;
  uint8_t class_ = 0;  // of the block at data_, if any
};

}  // namespace tidemark
