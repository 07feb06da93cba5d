#include "tidemark/core/key_table.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace tidemark {

namespace {

// The key as a JSON string. Printable ASCII other than '"' and '\\' is written as it is, as
// nlohmann::json writes it too; anything else goes through it, which escapes and replaces
// invalid UTF-8 rather than rejecting it: keys are labels, and output must stay JSON.
std::string json_of(const std::string& key) {
  const bool plain = std::all_of(key.begin(), key.end(), [](char c) {
    return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
  });
  if (plain) {
    std::string out;
    out.reserve(key.size() + 2);
    out += '"';
    out += key;
    out += '"';
    return out;
  }
  return nlohmann::json(key).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

KeyId KeyTable::intern(std::string_view key) {
  if (auto it = ids_.find(key); it != ids_.end()) return it->second;
  const KeyId id = KeyId(names_.size());
  names_.emplace_back(key);
  json_.push_back(json_of(names_.back()));
  ids_.emplace(names_.back(), id);
  return id;
}

void KeyTable::reserve(size_t n) {
  ids_.reserve(n);
  names_.reserve(n);
  json_.reserve(n);
}

}  // namespace tidemark
