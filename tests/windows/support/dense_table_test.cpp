// grow_to_hold: tables indexed by KeyId grow to hold a key, keep what they hold, and reserve
// ahead (four times the power of two that holds the key) so that keys in any order regrow rarely.
#include "tidemark/windows/support/dense_table.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

using namespace tidemark;

TEST_CASE("a dense table grows to hold a key and value-initialises the new entries",
          "[dense_table]") {
  std::vector<int64_t> table;
  grow_to_hold(table, 0);
  CHECK(table.size() == 1);
  CHECK(table[0] == 0);
  table[0] = 7;
  grow_to_hold(table, 5);
  REQUIRE(table.size() == 6);
  CHECK(table[0] == 7);
  for (size_t i = 1; i < table.size(); ++i) CHECK(table[i] == 0);
}

TEST_CASE("a dense table never shrinks for a key it already holds", "[dense_table]") {
  std::vector<int> table(10, 3);
  const int* data = table.data();
  for (const KeyId key : {KeyId(0), KeyId(4), KeyId(9)}) {
    grow_to_hold(table, key);
    CHECK(table.size() == 10);
  }
  CHECK(table.data() == data);
  CHECK(table == std::vector<int>(10, 3));
}

TEST_CASE("a dense table reserves four times the power of two that holds the key",
          "[dense_table]") {
  std::vector<int> table;
  grow_to_hold(table, 4);  // 5 entries: bit_ceil 8, times 4
  CHECK(table.size() == 5);
  CHECK(table.capacity() == 32);
  grow_to_hold(table, 0);
  CHECK(table.capacity() == 32);

  // Keys up to the capacity resize in place: no entry moves.
  table[4] = 9;
  const int* data = table.data();
  grow_to_hold(table, 31);
  CHECK(table.size() == 32);
  CHECK(table.data() == data);
  CHECK(table[4] == 9);

  // One past it reserves again, from the key: 33 entries, bit_ceil 64, times 4.
  grow_to_hold(table, 32);
  CHECK(table.size() == 33);
  CHECK(table.capacity() == 256);
  CHECK(table[4] == 9);
}

TEST_CASE("a dense table reserved ahead takes keys in any order without regrowing",
          "[dense_table]") {
  std::vector<uint8_t> table;
  grow_to_hold(table, 1000);  // 1001 entries: bit_ceil 1024, times 4
  const size_t capacity = table.capacity();
  CHECK(capacity == 4096);
  const uint8_t* data = table.data();
  for (const KeyId key : {KeyId(4095), KeyId(17), KeyId(2048), KeyId(1001)}) {
    grow_to_hold(table, key);
  }
  CHECK(table.size() == 4096);
  CHECK(table.capacity() == capacity);
  CHECK(table.data() == data);
}
