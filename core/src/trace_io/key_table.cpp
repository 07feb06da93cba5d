#include "tidemark/core/trace_io/key_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "tidemark/core/trace_io/utf8.hpp"

namespace tidemark {

namespace {

// Where the first byte of `s` that does not begin a well-formed UTF-8 sequence is, if any.
std::optional<size_t> first_invalid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_sequence_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

// The key as a JSON string. Printable ASCII other than '"' and '\\' is written as it is, as
// nlohmann::json writes it too; anything else (valid UTF-8, checked by intern()) goes through it.
std::string json_of(std::string_view key) {
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
  return nlohmann::json(std::string(key))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

size_t hash_of(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}

}  // namespace

KeyId KeyTable::intern(std::string_view key) {
  const size_t hash = hash_of(key);
  const auto tag = uint32_t(uint64_t(hash) >> 32);
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  if (!slots_.empty()) {
    for (; slots_[i].id_plus_one != 0; i = (i + 1) & mask) {
      const KeyId id = slots_[i].id_plus_one - 1;
      if (slots_[i].tag == tag && name(id) == key) return id;
    }
  }
  if (const std::optional<size_t> at = first_invalid_utf8(key)) {
    throw InvalidKey(fmt::format("key: not valid UTF-8 (byte 0x{:02X} at offset {})",
                                 static_cast<unsigned char>(key[*at]), *at));
  }
  if (size() >= std::numeric_limits<uint32_t>::max() - 1) {
    throw InvalidKey(
        fmt::format("key: more than {} distinct keys", std::numeric_limits<uint32_t>::max() - 1));
  }
  const auto id = KeyId(size());
  names_.append(key);
  name_ends_.push_back(names_.size());
  json_.append(json_of(key));
  json_ends_.push_back(json_.size());
  if (2 * size() > slots_.size()) {
    rehash(std::max<size_t>(16, 2 * slots_.size()));  // places the new key too
  } else {
    slots_[i] = {id + 1, tag};
  }
  return id;
}

void KeyTable::rehash(size_t slots) {
  slots_.assign(slots, Slot{});
  const size_t mask = slots - 1;
  for (KeyId id = 0; id < size(); ++id) {
    const size_t hash = hash_of(name(id));
    size_t i = hash & mask;
    while (slots_[i].id_plus_one != 0) i = (i + 1) & mask;
    slots_[i] = {id + 1, uint32_t(uint64_t(hash) >> 32)};
  }
}

void KeyTable::reserve(size_t n) {
  name_ends_.reserve(n);
  json_ends_.reserve(n);
  size_t slots = 16;
  while (slots < 2 * n) slots *= 2;
  if (slots > slots_.size()) rehash(slots);
}

}  // namespace tidemark
