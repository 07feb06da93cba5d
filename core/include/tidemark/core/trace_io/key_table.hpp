#pragma once
// Interned keys: each distinct key string gets a dense id in order of first appearance.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/event.hpp"

namespace tidemark {

// Maps key strings to dense ids and back; also keeps each key's JSON spelling, made once.
// A key that is not valid UTF-8: results are JSON text, where distinct invalid bytes would all
// become U+FFFD and two keys one. The message says where; the reader adds file and line.
class InvalidKey : public InputError {
 public:
  using InputError::InputError;
};

// The keys' characters lie back to back in one buffer per spelling, found by offsets, and the
// lookup is an open-addressing table of ids: 32-48 bytes per key besides its characters, where a
// hash map of strings, with a string and a JSON string per key, took ~136.
class KeyTable {
 public:
  // Throws InvalidKey for a new key that is not valid UTF-8, or beyond 2^32 - 2 keys.
  KeyId intern(std::string_view key);
  // Room for `n` keys in all, so that interning them rehashes nothing.
  void reserve(size_t n);
  // Valid until the next intern().
  std::string_view name(KeyId id) const { return slice(names_, name_ends_, id); }
  // The key as a quoted, escaped JSON string; valid until the next intern().
  std::string_view json(KeyId id) const { return slice(json_, json_ends_, id); }
  size_t size() const { return name_ends_.size(); }

 private:
  // Key i's characters end at chars[ends[i]] and begin where key i - 1's end.
  static std::string_view slice(const std::string& chars, const std::vector<uint64_t>& ends,
                                KeyId id) {
    const uint64_t begin = id == 0 ? 0 : ends[id - 1];
    return {chars.data() + begin, size_t(ends[id] - begin)};
  }
  // A slot holds id + 1 (0: empty) and the high half of the key's hash, compared before the key.
  struct Slot {
    uint32_t id_plus_one = 0;
    uint32_t tag = 0;
  };
  void rehash(size_t slots);

  std::string names_, json_;
  std::vector<uint64_t> name_ends_, json_ends_;
  std::vector<Slot> slots_;  // a power of two, at most half full
};

}  // namespace tidemark
