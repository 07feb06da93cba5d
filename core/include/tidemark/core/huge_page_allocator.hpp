#pragma once
// An allocator for large per-key tables (indexed by KeyId): blocks of 2 MiB and more are 2 MiB
// aligned and marked for transparent huge pages (Linux), so a table of a million keys is faulted
// in 2 MiB at a time instead of 4 KiB, and random accesses to it do not miss the TLB on nearly
// every key. Smaller blocks are plain operator new.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace tidemark {

template <class T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kHugePage = size_t(2) << 20;

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (n > std::allocator_traits<std::allocator<T>>::max_size(std::allocator<T>{})) {
      throw std::bad_array_new_length();
    }
    if (bytes < kHugePage) return std::allocator<T>{}.allocate(n);
    void* p = ::operator new(rounded(bytes), std::align_val_t(kHugePage));
#ifdef __linux__
    madvise(p, rounded(bytes), MADV_HUGEPAGE);  // a hint: without THP it changes nothing
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) noexcept {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return std::allocator<T>{}.deallocate(p, n);
    ::operator delete(p, rounded(bytes), std::align_val_t(kHugePage));
  }

  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) { return true; }

 private:
  static size_t rounded(size_t bytes) { return (bytes + kHugePage - 1) & ~(kHugePage - 1); }
};

// Marks the whole 2 MiB pages inside [p, p + bytes) for transparent huge pages: for a large buffer
// whose allocator is not ours (a Trace's events), called before its first touch.
inline void advise_huge_pages(const void* p, size_t bytes) noexcept {
#ifdef __linux__
  constexpr uintptr_t kHugePage = HugePageAllocator<char>::kHugePage;
  const uintptr_t lo = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t hi = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHugePage - 1);
  if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);  // a hint, as above
#else
  (void)p, (void)bytes;
#endif
}

}  // namespace tidemark
