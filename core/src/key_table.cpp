#include "tidemark/core/key_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

namespace tidemark {

namespace {

// Where the first byte of `s` that does not begin a well-formed UTF-8 sequence is (overlong
// forms, surrogates and code points beyond U+10FFFF are not well formed), if any.
std::optional<size_t> first_invalid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const size_t more = c >= 0xC2 && c <= 0xDF   ? 1
                        : c >= 0xE0 && c <= 0xEF ? 2
                        : c >= 0xF0 && c <= 0xF4 ? 3
                                                 : 0;
    if (more == 0 || s.size() - i <= more) return i;
    uint32_t cp = c & (0x7F >> (more + 1));
    for (size_t k = 1; k <= more; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return i;
      cp = cp << 6 | (d & 0x3F);
    }
    if ((more == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (more == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return i;
    }
    i += more + 1;
  }
  return std::nullopt;
}

// The key as a JSON string. Printable ASCII other than '"' and '\\' is written as it is, as
// nlohmann::json writes it too; anything else (valid UTF-8, checked by intern()) goes through it.
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
  if (const std::optional<size_t> at = first_invalid_utf8(key)) {
    throw InvalidKey(fmt::format("key: not valid UTF-8 (byte 0x{:02X} at offset {})",
                                 static_cast<unsigned char>(key[*at]), *at));
  }
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
