#pragma once
// An allocator for large per-key tables (indexed by KeyId): blocks of 2 MiB and more are 2 MiB
// aligned and marked for transparent huge pages (Linux), so a table of a million keys is faulted
// in 2 MiB at a time instead of 4 KiB, and random accesses to it do not miss the TLB on nearly
// every key. Smaller blocks are plain operator new.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

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
    // Unsized: clang declares the sized aligned form only with -fsized-deallocation, and
    // libstdc++'s sized form calls this one.
    ::operator delete(p, std::align_val_t(kHugePage));
  }

  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) {
    return true;
  }

  // `bytes` rounded up to whole huge pages: what a large block really takes.
  static size_t rounded(size_t bytes) {
    return (bytes + kHugePage - 1) & ~(kHugePage - 1);
  }
};

// Like HugePageAllocator, for tables whose elements are all zero bytes when fresh (T opts in with
// `static constexpr bool kZeroBytesAreDefault = true`): memory comes zeroed, and making an element
// without arguments writes nothing. Blocks of 2 MiB and more are mapped straight from the kernel,
// whose fresh pages are zero, so a table of a million keys grows without a pass that writes its
// defaults; each page is zeroed once, by the kernel, when first touched. Smaller blocks are
// zeroed with memset.
template <class T>
struct ZeroedHugePageAllocator {
  static_assert(T::kZeroBytesAreDefault, "T's default value must be all zero bytes");
  using value_type = T;
  static constexpr size_t kHugePage = HugePageAllocator<char>::kHugePage;

  ZeroedHugePageAllocator() = default;
  template <class U>
  ZeroedHugePageAllocator(const ZeroedHugePageAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    if (n > std::allocator_traits<std::allocator<T>>::max_size(std::allocator<T>{})) {
      throw std::bad_array_new_length();
    }
    const size_t bytes = n * sizeof(T);
#ifdef __linux__
    if (bytes >= kHugePage) return static_cast<T*>(map_aligned(rounded(bytes)));
#endif
    T* p = std::allocator<T>{}.allocate(n);
    std::memset(static_cast<void*>(p), 0, bytes);
    return p;
  }
  void deallocate(T* p, size_t n) noexcept {
    const size_t bytes = n * sizeof(T);
#ifdef __linux__
    if (bytes >= kHugePage) {
      munmap(p, rounded(bytes));
      return;
    }
#endif
    std::allocator<T>{}.deallocate(p, n);
  }

  // The bytes are zero already, which is the default value.
  template <class U>
  void construct(U*) noexcept {}
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

  friend bool operator==(const ZeroedHugePageAllocator&, const ZeroedHugePageAllocator&) {
    return true;
  }

 private:
  static size_t rounded(size_t bytes) {
    return HugePageAllocator<char>::rounded(bytes);
  }
#ifdef __linux__
  // `bytes` (a multiple of 2 MiB) of fresh pages, 2 MiB aligned: a larger mapping trimmed at both
  // ends, since the kernel aligns anonymous mappings only to its page size.
  static void* map_aligned(size_t bytes) {
    const size_t span = bytes + kHugePage;
    void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto lo = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t start = (lo + kHugePage - 1) & ~uintptr_t(kHugePage - 1);
    if (start > lo) munmap(raw, start - lo);
    const uintptr_t tail = start + bytes, end = lo + span;
    if (end > tail) munmap(reinterpret_cast<void*>(tail), end - tail);
    madvise(reinterpret_cast<void*>(start), bytes, MADV_HUGEPAGE);  // a hint, as above
    return reinterpret_cast<void*>(start);
  }
#endif
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
