#pragma once
// Interned keys: each distinct key string gets a dense id in order of first appearance.

#include <string>
#include <string_view>
#include <unordered_map>
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

class KeyTable {
 public:
  // Throws InvalidKey for a new key that is not valid UTF-8.
  KeyId intern(std::string_view key);
  // Room for `n` keys in all, so that interning them moves and rehashes nothing.
  void reserve(size_t n);
  const std::string& name(KeyId id) const { return names_[id]; }
  // The key as a quoted, escaped JSON string.
  const std::string& json(KeyId id) const { return json_[id]; }
  size_t size() const { return names_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, KeyId, Hash, std::equal_to<>> ids_;
  std::vector<std::string> names_;
  std::vector<std::string> json_;
};

}  // namespace tidemark
