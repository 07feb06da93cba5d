// ScratchBuffer: a vector on huge pages whose resize does not fill trivial elements. What can be
// checked without reading uninitialised memory: values given are kept, non-trivial elements are
// still constructed, growth keeps what was written, and large blocks are huge-page aligned.
#include "tidemark/generators/scratch_buffer.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

using tidemark::gen::ScratchBuffer;

TEST_CASE("a scratch buffer keeps the values it is given", "[scratch_buffer]") {
  ScratchBuffer<int64_t> b(3, int64_t(-7));
  CHECK(b.size() == 3);
  for (const int64_t v : b) CHECK(v == -7);
  b.push_back(std::numeric_limits<int64_t>::max());
  b.resize(6, 5);
  CHECK(b[3] == std::numeric_limits<int64_t>::max());
  CHECK(b[4] == 5);
  CHECK(b[5] == 5);
}

TEST_CASE("a scratch buffer's resize leaves written elements and makes room for new ones",
          "[scratch_buffer]") {
  ScratchBuffer<uint32_t> b;
  b.resize(10);
  for (uint32_t i = 0; i < 10; ++i) b[i] = i * 3;
  // Growing past the huge-page threshold moves the block: what was written moves with it.
  b.resize(size_t(1) << 20);
  for (uint32_t i = 0; i < 10; ++i) CHECK(b[i] == i * 3);
  for (size_t i = 10; i < b.size(); ++i) b[i] = uint32_t(i);
  CHECK(b.back() == (uint32_t(1) << 20) - 1);
  b.resize(5);
  CHECK(b.size() == 5);
  CHECK(b[4] == 12);
}

TEST_CASE("a scratch buffer still constructs elements that have a constructor",
          "[scratch_buffer]") {
  // Default-initialisation of a class runs its default constructor: strings come out empty.
  ScratchBuffer<std::string> b;
  b.resize(4);
  for (const std::string& s : b) CHECK(s.empty());
  b[2] = "kept";
  b.resize(100);
  CHECK(b[2] == "kept");
  CHECK(b[99].empty());
}

TEST_CASE("a large scratch buffer sits on 2 MiB boundaries", "[scratch_buffer]") {
  constexpr size_t kHugePage = size_t(2) << 20;
  ScratchBuffer<uint64_t> large;
  large.resize(kHugePage / sizeof(uint64_t) * 2);  // 4 MiB
  CHECK(reinterpret_cast<uintptr_t>(large.data()) % kHugePage == 0);
  large.back() = 1;
  CHECK(large.back() == 1);
}
