// Version 2's aligned records, version 1 files, and map_binary_trace against read_binary_trace.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "tidemark/core/error.hpp"
#include "tidemark/core/trace_io/binary_trace.hpp"
#include "tidemark/generators/workload.hpp"

using namespace tidemark;
namespace fs = std::filesystem;

namespace {

std::string to_binary(const Trace& t) {
  std::ostringstream out;
  write_binary_trace(out, t);
  return out.str();
}

// `keys` devices, so the key table (and with it the padding) varies in length.
Trace generated(uint64_t events, uint32_t keys) {
  return gen::generate_trace(gen::make_workload_spec(
      "mixed",
      {{"seed", "11"}, {"events", std::to_string(events)}, {"keys", std::to_string(keys)}}));
}

uint64_t get_u64(const std::string& bytes, size_t offset) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(bytes[offset + size_t(i)])) << (8 * i);
  return v;
}

// Where the header, comment and key table end: the padding starts there.
size_t table_end(const std::string& bytes) {
  return kBinaryHeaderSize + get_u64(bytes, 48) + get_u64(bytes, 40);
}

// The same trace in version 1: no padding before the records.
std::string as_version_1(const std::string& v2) {
  const size_t end = table_end(v2);
  const size_t records = v2.size() - get_u64(v2, 24) * kBinaryRecordSize;
  std::string v1 = v2.substr(0, end) + v2.substr(records);
  v1[8] = 1;
  return v1;
}

struct TempFile {
  fs::path path;
  TempFile(const std::string& name, const std::string& bytes)
      : path(fs::temp_directory_path() /
             ("tidemark-map-" + std::to_string(::getpid()) + "-" + name)) {
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  }
  ~TempFile() { fs::remove(path); }
};

// The message of the InputError that f throws (empty when it throws none).
template <class F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

void require_same(const Trace& a, const Trace& b) {
  REQUIRE(a.columns == b.columns);
  REQUIRE(a.header_comment == b.header_comment);
  REQUIRE(a.keys.size() == b.keys.size());
  for (size_t k = 0; k < a.keys.size(); ++k) {
    REQUIRE(a.keys.name(KeyId(k)) == b.keys.name(KeyId(k)));
  }
  const auto x = a.records(), y = b.records();
  REQUIRE(x.size() == y.size());
  // memcmp must not see the null data() of an empty span.
  REQUIRE((x.empty() || std::memcmp(x.data(), y.data(), x.size_bytes()) == 0));
  REQUIRE(a.partition_count() == b.partition_count());
}

}  // namespace

TEST_CASE("version 2 records start at a multiple of 64 bytes, after zero padding",
          "[binary_trace]") {
  for (const uint32_t keys : {1u, 3u, 7u, 50u, 333u}) {
    const std::string bytes = to_binary(generated(500, keys));
    const size_t records = bytes.size() - 500 * kBinaryRecordSize;
    INFO("keys " << keys << ", records at " << records);
    CHECK(bytes[8] == 2);
    CHECK(records % kBinaryRecordAlignment == 0);
    CHECK(records - table_end(bytes) < kBinaryRecordAlignment);
    for (size_t i = table_end(bytes); i < records; ++i) CHECK(bytes[i] == 0);
  }
}

TEST_CASE("version 1 traces (no padding) are still read, to the same trace", "[binary_trace]") {
  const Trace t = generated(2000, 7);
  const std::string v2 = to_binary(t);
  const std::string v1 = as_version_1(v2);
  REQUIRE(v1.size() < v2.size());  // 7 keys: the padding is not empty
  const Trace from_v1 = parse_binary_trace(v1, "v1.tmt");
  require_same(from_v1, parse_binary_trace(v2, "v2.tmt"));
  CHECK(to_binary(from_v1) == v2);  // written back as version 2
}

TEST_CASE("bad padding before the records is an error naming it", "[binary_trace]") {
  const std::string good = to_binary(generated(100, 7));
  const size_t end = table_end(good);
  REQUIRE(good.size() - 100 * kBinaryRecordSize > end);
  std::string dirty = good;
  dirty[end] = 1;
  CHECK_THROWS_WITH(parse_binary_trace(dirty, "bad.tmt"),
                    Catch::StartsWith("bad.tmt: ") && Catch::Contains("padding"));
  // A version 1 header over version 2 bytes: the padding is read as records.
  std::string relabelled = good;
  relabelled[8] = 1;
  CHECK_THROWS_AS(parse_binary_trace(relabelled, "bad.tmt"), InputError);
  // Padding cut off, with no records after it.
  const std::string empty = to_binary(generated(0, 7));
  REQUIRE(empty.size() > table_end(empty) + 1);
  CHECK_THROWS_WITH(parse_binary_trace(empty.substr(0, table_end(empty) + 1), "bad.tmt"),
                    Catch::Contains("padding"));
}

TEST_CASE("a mapped trace holds the records read_binary_trace would copy", "[binary_trace]") {
  for (const uint64_t events : {0ull, 1ull, 4095ull, 4097ull, 20000ull}) {
    INFO(events << " events");
    const std::string bytes = to_binary(generated(events, 37));
    const TempFile file("same-" + std::to_string(events) + ".tmt", bytes);
    const Trace mapped = map_binary_trace(file.path);
    const Trace copied = read_binary_trace(file.path);
    REQUIRE(mapped.mapping != nullptr);  // version 2 on a little-endian machine
    REQUIRE(mapped.events.empty());
    REQUIRE(copied.mapping == nullptr);
    if (events > 1000) REQUIRE(copied.partition_count() > 1);  // found while validating
    require_same(mapped, copied);
    CHECK(to_binary(mapped) == bytes);
    // Copies of the trace share the mapping, which outlives the original.
    std::optional<Trace> original(mapped);
    const Trace copy = *original;
    original.reset();
    require_same(copy, copied);
  }
}

TEST_CASE("an unaligned version 1 trace is copied instead of mapped", "[binary_trace]") {
  const Trace t = generated(300, 7);
  const std::string v1 = as_version_1(to_binary(t));
  REQUIRE(table_end(v1) % alignof(Event) != 0);
  const TempFile file("v1.tmt", v1);
  const Trace loaded = map_binary_trace(file.path);
  CHECK(loaded.mapping == nullptr);
  require_same(loaded, parse_binary_trace(v1, "v1.tmt"));
}

TEST_CASE("a mapped trace's bad record gives read_binary_trace's error", "[binary_trace]") {
  std::string bytes = to_binary(generated(9000, 5));
  const size_t records = bytes.size() - 9000 * kBinaryRecordSize;
  bytes[records + 8191 * kBinaryRecordSize + 60] = 1;  // padding of record 8192
  const TempFile file("bad.tmt", bytes);
  const std::string copied_error = input_error([&] { read_binary_trace(file.path); });
  REQUIRE_THAT(copied_error, Catch::Contains("record 8192 "));
  CHECK_THROWS_WITH(map_binary_trace(file.path), copied_error);
  CHECK_THROWS_WITH(map_binary_trace(file.path.string() + ".missing"),
                    Catch::Contains("cannot open"));
}

TEST_CASE("a mapped trace validated on several threads is the same trace", "[binary_trace]") {
  // Shares are whole chunks of 4096 records: sizes around one, two and three chunks per share.
  for (const uint64_t events : {0ull, 5000ull, 8192ull, 8193ull, 20000ull, 30001ull}) {
    const std::string bytes = to_binary(generated(events, 37));
    const TempFile file("threads-" + std::to_string(events) + ".tmt", bytes);
    const Trace one = map_binary_trace(file.path);
    for (const unsigned threads : {2u, 3u, 8u}) {
      INFO(events << " events, " << threads << " threads");
      const Trace many = map_binary_trace(file.path, threads);
      REQUIRE(many.mapping != nullptr);
      require_same(many, one);  // partition counts included
    }
  }
}

TEST_CASE("a bad record found on several threads gives the one-thread error", "[binary_trace]") {
  // Bad records in the first share, the last share, and in two shares at once (the first wins).
  const std::vector<std::vector<size_t>> bad_sets = {{100}, {19000}, {19000, 5000}, {4096, 4095}};
  for (const std::vector<size_t>& bad : bad_sets) {
    std::string bytes = to_binary(generated(20000, 5));
    const size_t records = bytes.size() - 20000 * kBinaryRecordSize;
    for (const size_t i : bad) bytes[records + i * kBinaryRecordSize + 60] = 1;  // padding
    const TempFile file("bad-threads.tmt", bytes);
    const std::string one_error = input_error([&] { map_binary_trace(file.path); });
    const size_t first = *std::min_element(bad.begin(), bad.end());
    REQUIRE_THAT(one_error, Catch::Contains("record " + std::to_string(first + 1) + " "));
    for (const unsigned threads : {2u, 3u}) {
      INFO(threads << " threads, first bad record " << first + 1);
      CHECK_THROWS_WITH(map_binary_trace(file.path, threads), one_error);
    }
  }
}

TEST_CASE("a streamed trace is read in place across windows of its mapping", "[binary_trace]") {
  // 300k records: 19 MB, more than two of the reader's 8 MiB windows (mapped ahead, given back).
  constexpr uint64_t n = 300'000;
  const std::string v2 = to_binary(generated(n, 37));
  const Trace whole = parse_binary_trace(v2, "whole.tmt");
  const auto stream = [](const fs::path& path) {
    BinaryTraceReader reader(path);
    std::vector<Event> events;
    for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) {
      REQUIRE(chunk.size() <= 4096);
      events.insert(events.end(), chunk.begin(), chunk.end());
    }
    return events;
  };
  const auto same_records = [&](const std::vector<Event>& events) {
    const auto expected = whole.records();
    REQUIRE(events.size() == expected.size());
    REQUIRE(std::memcmp(events.data(), expected.data(), expected.size_bytes()) == 0);
  };
  const TempFile mapped("stream-v2.tmt", v2);
  same_records(stream(mapped.path));
  const TempFile copied("stream-v1.tmt", as_version_1(v2));  // unaligned: read() chunk by chunk
  same_records(stream(copied.path));

  // A bad record in the third window: the records before it, then read_binary_trace's error.
  std::string bad = v2;
  const size_t records = bad.size() - n * kBinaryRecordSize;
  constexpr size_t kBad = 280'000;
  bad[records + kBad * kBinaryRecordSize + 60] = 1;  // padding
  const TempFile damaged("stream-bad.tmt", bad);
  const std::string copied_error = input_error([&] { read_binary_trace(damaged.path); });
  REQUIRE_THAT(copied_error, Catch::Contains("record " + std::to_string(kBad + 1) + " "));
  BinaryTraceReader reader(damaged.path);
  uint64_t seen = 0;
  std::string streamed_error;
  try {
    for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) seen += chunk.size();
  } catch (const InputError& e) {
    streamed_error = e.what();
  }
  CHECK(seen == kBad / 4096 * 4096);  // every chunk before the bad record's
  CHECK(streamed_error == copied_error);
}
