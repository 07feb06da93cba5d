#include "tidemark/core/key_table.hpp"

#include <nlohmann/json.hpp>

namespace tidemark {

KeyId KeyTable::intern(std::string_view key) {
  if (auto it = ids_.find(key); it != ids_.end()) return it->second;
  const KeyId id = KeyId(names_.size());
  names_.emplace_back(key);
  // Invalid UTF-8 is replaced rather than rejected: keys are labels, and output must stay JSON.
  json_.push_back(nlohmann::json(names_.back()).dump(-1, ' ', false,
                                                     nlohmann::json::error_handler_t::replace));
  ids_.emplace(names_.back(), id);
  return id;
}

}  // namespace tidemark
