#pragma once
// Large scratch buffers of the generator: on huge pages, and not zero-filled when sized, since
// every element is written before it is read (a million events' buffers are not written twice).

#include <new>
#include <utility>
#include <vector>

#include "tidemark/core/runtime/huge_page_allocator.hpp"

namespace tidemark::gen {

// HugePageAllocator whose element construction without arguments is default-initialisation, so
// resize(n) leaves trivial elements uninitialised instead of zeroing them.
template <class T>
struct NoFillHugePageAllocator : HugePageAllocator<T> {
  NoFillHugePageAllocator() = default;
  template <class U>
  NoFillHugePageAllocator(const NoFillHugePageAllocator<U>&) noexcept {}

  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// A vector whose resize does not fill: write each new element before reading it.
template <class T>
using ScratchBuffer = std::vector<T, NoFillHugePageAllocator<T>>;

}  // namespace tidemark::gen
