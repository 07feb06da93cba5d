// KeyTable: dense ids in order of first appearance, and each key's JSON spelling, which must be
// what nlohmann::json writes for it (the fast path for plain ASCII included).
#include "tidemark/core/trace_io/key_table.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

using namespace tidemark;

namespace {
std::string nlohmann_json(const std::string& key) {
  return nlohmann::json(key).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

TEST_CASE("keys get dense ids in order of first appearance", "[key_table]") {
  KeyTable keys;
  keys.reserve(3);
  CHECK(keys.intern("b") == 0);
  CHECK(keys.intern("a") == 1);
  CHECK(keys.intern("b") == 0);
  CHECK(keys.intern("") == 2);
  CHECK(keys.intern("c") == 3);  // beyond the reserved room
  CHECK(keys.size() == 4);
  CHECK(keys.name(1) == "a");
  CHECK(keys.name(2).empty());
}

TEST_CASE("a key's JSON spelling is nlohmann::json's, keys that are not UTF-8 are refused",
          "[key_table]") {
  std::vector<std::string> cases = {"",
                                    "dev-044",
                                    "a\"b",
                                    "back\\slash",
                                    "tab\there",
                                    "new\nline",
                                    "/slash",
                                    "\x7f",
                                    "caf\xc3\xa9",
                                    "bad \xff utf-8",
                                    "\x01",
                                    "emoji \xf0\x9f\x98\x80",
                                    "trunc \xe2\x82",
                                    "\xc0\xaf",
                                    "\xed\xa0\x80",
                                    "\xf4\x90\x80\x80",
                                    "\xf4\x8f\xbf\xbf"};
  for (int c = 0; c < 256; ++c) cases.emplace_back(1, char(c));
  std::mt19937_64 rng(7);  // fixed seed: the same cases on every run
  for (int i = 0; i < 4000; ++i) {
    std::string s(rng() % 12, '\0');
    // A third plain ASCII, a third any bytes, a third bytes from UTF-8's lead and tail ranges.
    for (char& ch : s) {
      ch = char(i % 3 == 0 ? 0x20 + rng() % 0x5f : i % 3 == 1 ? rng() % 256 : 0x80 + rng() % 0x78);
    }
    cases.push_back(s);
  }
  KeyTable keys;
  size_t valid = 0, invalid = 0;
  for (const std::string& s : cases) {
    INFO("key bytes: " << nlohmann_json(s));
    // nlohmann::json's strict dump is the reference for what is UTF-8.
    bool utf8 = true;
    try {
      (void)nlohmann::json(s).dump();
    } catch (const nlohmann::json::type_error&) {
      utf8 = false;
    }
    if (utf8) {
      ++valid;
      CHECK(keys.json(keys.intern(s)) == nlohmann_json(s));
    } else {
      ++invalid;
      CHECK_THROWS_AS(keys.intern(s), InvalidKey);
    }
  }
  CHECK(valid > 1500);
  CHECK(invalid > 1500);
}

TEST_CASE("the table grows without reserve: ids stay dense, every key is found again",
          "[key_table]") {
  KeyTable keys;
  const int n = 200'000;  // many doublings of the lookup table from its first 16 slots
  for (int i = 0; i < n; ++i) REQUIRE(keys.intern("k" + std::to_string(i * 7919 % n)) == KeyId(i));
  CHECK(keys.size() == size_t(n));
  for (int i = n - 1; i >= 0; --i) {
    const std::string name = "k" + std::to_string(i * 7919 % n);
    REQUIRE(keys.intern(name) == KeyId(i));
    REQUIRE(keys.name(KeyId(i)) == name);
    REQUIRE(keys.json(KeyId(i)) == "\"" + name + "\"");
  }
  CHECK(keys.size() == size_t(n));
  // Keys that differ only past a shared prefix, or by length, are distinct.
  CHECK(keys.intern("k1") != keys.intern("k10"));
  CHECK(keys.intern("") == KeyId(n));
  CHECK(keys.name(KeyId(n)).empty());
}
