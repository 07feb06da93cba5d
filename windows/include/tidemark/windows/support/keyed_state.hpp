#pragma once
// Hash maps for per-key window state whose nodes come from a pool, so the steady state of a run
// (windows opening and closing at a stable rate) allocates nothing.

#include <memory>
#include <memory_resource>
#include <unordered_map>

#include "tidemark/core/event.hpp"
#include "tidemark/core/time/time.hpp"

namespace tidemark {

// (key, window start): identifies one window of a key.
struct WindowKey {
  KeyId key;
  Timestamp start;
  friend bool operator==(const WindowKey&, const WindowKey&) = default;
};

struct WindowKeyHash {
  size_t operator()(const WindowKey& k) const noexcept {
    uint64_t x = uint64_t(k.start.ms) * 0x9E3779B97F4A7C15ull ^ (uint64_t(k.key) << 1);
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    return size_t(x ^ (x >> 32));
  }
};

// A pooled unordered_map; movable (the pool lives on the heap and moves with the map).
template <class K, class V, class Hash = std::hash<K>>
class PooledMap {
 public:
  PooledMap()
      : pool_(std::make_unique<std::pmr::unsynchronized_pool_resource>()), map_(pool_.get()) {}
  std::pmr::unordered_map<K, V, Hash>& operator*() { return map_; }
  std::pmr::unordered_map<K, V, Hash>* operator->() { return &map_; }
  const std::pmr::unordered_map<K, V, Hash>* operator->() const { return &map_; }

 private:
  std::unique_ptr<std::pmr::unsynchronized_pool_resource> pool_;
  std::pmr::unordered_map<K, V, Hash> map_;
};

// Rough bytes per hash-map node: the pair, the next pointer, the cached hash, a bucket slot.
template <class K, class V>
constexpr size_t kNodeBytes = sizeof(std::pair<const K, V>) + 3 * sizeof(void*);

}  // namespace tidemark
