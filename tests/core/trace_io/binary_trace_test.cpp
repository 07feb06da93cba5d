#include "tidemark/core/trace_io/binary_trace.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "test_support.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/time/iso_time.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"
#include "tidemark/core/trace_io/csv_writer.hpp"
#include "tidemark/generators/time_format.hpp"
#include "tidemark/generators/workload.hpp"

using namespace tidemark;

namespace {

std::string to_binary(const Trace& t) {
  std::ostringstream out;
  write_binary_trace(out, t);
  return out.str();
}

std::string to_csv(const Trace& t, const CsvTimeFormat& f = {}) {
  std::ostringstream out;
  write_csv_trace(out, t, f);
  return out.str();
}

Trace small_mixed(uint64_t events = 3000) {
  return gen::generate_trace(gen::make_workload_spec("mixed", {{"seed", "7"},
                                                               {"events", std::to_string(events)},
                                                               {"keys", "50"},
                                                               {"outage-start", "1s"},
                                                               {"outage-duration", "1s"}}));
}

void set_u64(std::string& bytes, size_t offset, uint64_t v) {
  for (int i = 0; i < 8; ++i) bytes[offset + size_t(i)] = char((v >> (8 * i)) & 0xFF);
}

uint64_t get_u64(const std::string& bytes, size_t offset) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(bytes[offset + size_t(i)])) << (8 * i);
  return v;
}

constexpr uint32_t kEveryColumn =
    kColPartition | kColKey | kColValue | kColSendTime | kColReceiveTime | kColTrueTime | kColKind;

// n records over 3 keys and 4 partitions, both kinds; every column when `full`, else event_time
// alone. 20485 records (1.3 MB) fill five chunks of at most 4096.
Trace synthetic(size_t n, bool full) {
  Trace t;
  t.columns = full ? kEveryColumn : 0;
  for (const char* k :
       full ? std::vector<const char*>{"a", "b", "c"} : std::vector<const char*>{""})
    t.keys.intern(k);
  for (size_t i = 0; i < n; ++i) {
    Event e;
    e.event_time = Timestamp{int64_t(i) * 1000 - 5000};
    if (full) {
      e.send_time = Timestamp{e.event_time.ms + 7};
      e.receive_time = Timestamp{e.event_time.ms + 30};
      e.true_time = Timestamp{e.event_time.ms - 2};
      e.value = double(i) * 0.25 - 100;
      e.key = KeyId(i % 3);
      e.partition = PartitionId(i % 4);
      e.kind = i % 7 == 3 ? RecordKind::kWatermark : RecordKind::kEvent;
    }
    e.row = i + 1;
    t.events.push_back(e);
  }
  return t;
}

// The first field of record `index` (1-based) that the format forbids, as the reader's message
// names it, or "" for a valid record: binary_trace.hpp's rules restated, independently of the
// reader, for records of synthetic().
std::string first_bad_field(const std::string& bytes, size_t at, uint64_t index, bool full) {
  const char* names[4] = {"event_time", "send_time", "receive_time", "true_time"};
  for (int i = 0; i < 4; ++i) {
    const auto t = int64_t(get_u64(bytes, at + 8 * size_t(i)));
    const bool ok = i == 0 || full ? kEarliestTime.ms <= t && t <= kLatestTime.ms : t == 0;
    if (!ok) return names[i];
  }
  const uint64_t value = get_u64(bytes, at + 32);
  if (full && ((value >> 52) & 0x7FF) == 0x7FF) return "value is not a finite number";
  if (!full && value != 0x3FF0000000000000) return "but the column is absent (must be 1)";
  const uint64_t ids = get_u64(bytes, at + 48);
  if ((ids & 0xFFFFFFFF) >= (full ? 3u : 1u)) return "key id";
  if ((ids >> 32) >= (full ? 4u : 1u)) return "partition";
  if (uint8_t(bytes[at + 56]) > (full ? 2 : 0)) return "kind byte";  // E, W, I
  if (get_u64(bytes, at + 40) != index) return "row field";
  if ((get_u64(bytes, at + 56) >> 8) != 0) return "reserved bytes 57..63 are not zero";
  return "";
}

// The message for a bad record of a file named bad.tmt: its number, offset and field.
Catch::Matchers::StdString::StartsWithMatcher record_error(uint64_t index, size_t offset) {
  return Catch::StartsWith("bad.tmt: record " + std::to_string(index) + " (byte offset " +
                           std::to_string(offset) + "): ");
}

}  // namespace

TEST_CASE("binary and CSV round trips are byte-identical", "[binary_trace]") {
  const Trace generated = small_mixed();
  const std::string bin = to_binary(generated);
  const Trace from_bin = parse_binary_trace(bin, "a.tmt");
  REQUIRE(from_bin.events.size() == generated.events.size());
  CHECK(from_bin.header_comment == generated.header_comment);
  CHECK(from_bin.columns == generated.columns);

  SECTION("binary -> CSV -> binary") {
    const std::string csv = to_csv(from_bin);
    CHECK(csv.rfind("# workload=mixed seed=7", 0) == 0);
    CHECK(to_binary(parse_csv_trace(csv, "a.csv")) == bin);
  }
  SECTION("CSV -> binary -> CSV") {
    const std::string csv = to_csv(generated);
    const std::string csv2 =
        to_csv(parse_binary_trace(to_binary(parse_csv_trace(csv, "a.csv")), "b"));
    CHECK(csv2 == csv);
  }
  SECTION("ISO with a fixed offset and with a zone read back to the same milliseconds") {
    for (const char* format :
         {"iso", "iso:+09:00", "iso:-03:30", "iso:Asia/Seoul", "iso:America/New_York"}) {
      INFO(format);
      const std::string csv = to_csv(from_bin, gen::parse_time_format(format));
      CHECK(to_binary(parse_csv_trace(csv, "iso.csv")) == bin);
    }
    const std::string seoul = to_csv(from_bin, gen::parse_time_format("iso:Asia/Seoul"));
    CHECK(seoul.find("+09:00,") != std::string::npos);
  }
  SECTION("rows are 1-based record indices, every field survives") {
    for (size_t i = 0; i < from_bin.events.size(); ++i) {
      const Event &a = from_bin.events[i], &b = generated.events[i];
      REQUIRE(a.row == i + 1);
      REQUIRE(from_bin.keys.name(a.key) == generated.keys.name(b.key));
      REQUIRE(a.event_time == b.event_time);
      REQUIRE(a.send_time == b.send_time);
      REQUIRE(a.receive_time == b.receive_time);
      REQUIRE(a.true_time == b.true_time);
      REQUIRE(a.value == b.value);
      REQUIRE(a.partition == b.partition);
    }
  }
}

TEST_CASE("hand-written CSV with awkward keys, W rows and absent columns round-trips",
          "[binary_trace]") {
  const std::string csv =
      "# my trace\n"
      "key,event_time,value,kind\n"
      "\"a,b\",1000,1.5,E\n"
      "\"say \"\"hi\"\"\",2000,-0,E\n"
      "\" padded \",3000,1e+300,W\n"
      ",4000,2,E\n";
  const Trace t = parse_csv_trace(csv, "hand.csv");
  const std::string canonical = to_csv(t);
  CHECK(canonical == csv);
  const std::string bin = to_binary(t);
  const Trace back = parse_binary_trace(bin, "hand.tmt");
  CHECK(to_csv(back) == csv);
  CHECK(back.events[2].kind == RecordKind::kWatermark);
  CHECK(back.keys.name(back.events[2].key) == " padded ");
  CHECK(std::signbit(back.events[1].value));
  CHECK(to_binary(parse_csv_trace(to_csv(back), "x")) == bin);

  // No key column: every event has the empty key, as the CSV reader gives it.
  const Trace nokey = parse_csv_trace("event_time\n5\n6\n", "nokey.csv");
  CHECK(to_csv(parse_binary_trace(to_binary(nokey), "nokey.tmt")) == "event_time\n5\n6\n");
}

TEST_CASE("damaged binary traces give clear errors", "[binary_trace]") {
  const std::string good = to_binary(small_mixed(100));
  REQUIRE_NOTHROW(parse_binary_trace(good, "g.tmt"));
  auto fails_with = [](const std::string& bytes, const std::string& what) {
    INFO(what);
    CHECK_THROWS_WITH(parse_binary_trace(bytes, "bad.tmt"),
                      Catch::StartsWith("bad.tmt: ") && Catch::Contains(what));
  };
  fails_with("", "truncated header");
  fails_with("partition,key,event_time\n0,a,1\n0,a,2\n0,a,3\n0,a,4\n0,a,5\n", "bad magic");
  fails_with(good.substr(0, 40), "truncated header");
  fails_with(good.substr(0, good.size() - 1), "truncated");
  fails_with(good + "x", "trailing bytes");
  std::string huge = good;
  set_u64(huge, 24, uint64_t(1) << 60);  // event count
  fails_with(huge, "does not match");
  std::string keys = good;
  set_u64(keys, 32, uint64_t(1) << 40);  // key count
  fails_with(keys, "key table");
  std::string version = good;
  version[8] = 9;
  fails_with(version, "unsupported version 9");

  const size_t records = good.size() - 100 * kBinaryRecordSize;
  std::string key = good;
  set_u64(key, records + 48, 999);  // key id 999 (and partition 0) of record 1
  fails_with(key, "record 1 ");
  fails_with(key, "key id 999");
  std::string pad = good;
  pad[records + 64 * 5 + 60] = 1;
  fails_with(pad, "record 6 ");
  std::string kind = good;
  kind[records + 64 * 2 + 56] = 1;  // the generated trace has no kind column
  fails_with(kind, "kind byte 1");
  std::string time = good;
  set_u64(time, records + 64 * 3 + 0, uint64_t(INT64_MAX));
  fails_with(time, "event_time");
}

TEST_CASE("every bad field is found wherever its record falls in a chunk", "[binary_trace]") {
  // Records checked a chunk at a time must still be reported one by one: the first bad record,
  // by number, byte offset and field, and boundary values must pass.
  constexpr size_t n = 20'485;
  const int64_t lo = kEarliestTime.ms, hi = kLatestTime.ms;
  const uint64_t inf = 0x7FF0000000000000, one = 0x3FF0000000000000;
  struct Change {
    size_t offset;   // in the record
    uint64_t value;  // written as 8 little-endian bytes; one byte when size is 1
    size_t size;
  };
  // Invalid with every column present.
  const std::vector<Change> bad_full = {{0, uint64_t(lo - 1), 8},
                                        {0, uint64_t(hi + 1), 8},
                                        {0, uint64_t(INT64_MIN), 8},
                                        {0, uint64_t(INT64_MAX), 8},
                                        {8, uint64_t(lo - 1), 8},
                                        {16, uint64_t(hi + 1), 8},
                                        {24, uint64_t(INT64_MIN), 8},
                                        {32, inf, 8},
                                        {32, inf | (uint64_t(1) << 63), 8},
                                        {32, inf | 1, 8},
                                        {32, ~uint64_t(0), 8},
                                        {40, 0, 8},
                                        {40, uint64_t(1) << 63, 8},
                                        {48, 3, 8},
                                        {48, 0xFFFFFFFF, 8},
                                        {48, 0x80000000, 8},
                                        {48, uint64_t(4) << 32, 8},
                                        {48, uint64_t(0x80000000) << 32, 8},
                                        {48, ~uint64_t(0), 8},
                                        {56, 3, 1},
                                        {56, 0xFF, 1},
                                        {57, 1, 1},
                                        {59, 0x80, 1},
                                        {60, 1, 1},
                                        {63, 0x80, 1},
                                        {63, 1, 1}};
  // Valid with every column present: the edges of each range.
  const std::vector<Change> good_full = {{0, uint64_t(lo), 8},
                                         {0, uint64_t(hi), 8},
                                         {8, uint64_t(lo), 8},
                                         {16, uint64_t(hi), 8},
                                         {24, uint64_t(lo), 8},
                                         {32, 0x7FEFFFFFFFFFFFFF, 8},
                                         {32, 0xFFEFFFFFFFFFFFFF, 8},
                                         {32, 1, 8},
                                         {32, uint64_t(1) << 63, 8},
                                         {48, 2, 8},
                                         {48, (uint64_t(3) << 32) | 2, 8},
                                         {56, 2, 1},
                                         {56, 1, 1},
                                         {56, 0, 1}};
  // Invalid with event_time alone: absent columns hold their defaults.
  const std::vector<Change> bad_sparse = {{8, 1, 8},
                                          {16, ~uint64_t(0), 8},
                                          {24, uint64_t(INT64_MIN), 8},
                                          {32, 0, 8},
                                          {32, one | (uint64_t(1) << 63), 8},
                                          {32, one + 1, 8},
                                          {32, inf, 8},
                                          {48, 1, 8},
                                          {48, uint64_t(1) << 32, 8},
                                          {56, 1, 1},
                                          {62, 4, 1},
                                          {40, 7, 8}};

  for (const bool full : {true, false}) {
    const std::string good = to_binary(synthetic(n, full));
    const size_t records = good.size() - n * kBinaryRecordSize;
    REQUIRE(parse_binary_trace(good, "good.tmt").events.size() == n);
    auto apply = [&](std::string& bytes, uint64_t index, const Change& c) {
      const size_t at = records + (index - 1) * kBinaryRecordSize + c.offset;
      if (c.size == 1) {
        bytes[at] = char(c.value);
      } else {
        set_u64(bytes, at, c.value);
      }
    };
    for (const uint64_t index : {1, 2, 4095, 4096, 4097, 16384, 16385, 20480, 20481, 20485}) {
      for (const Change& c : full ? bad_full : bad_sparse) {
        std::string bytes = good;
        apply(bytes, index, c);
        const size_t at = records + (index - 1) * kBinaryRecordSize;
        const std::string field = first_bad_field(bytes, at, index, full);
        INFO("full " << full << ", record " << index << ", offset " << c.offset << " := " << c.value
                     << ", expect " << field);
        REQUIRE(!field.empty());
        CHECK_THROWS_WITH(parse_binary_trace(bytes, "bad.tmt"),
                          record_error(index, at) && Catch::Contains(field));
      }
      if (!full) continue;
      for (const Change& c : good_full) {
        std::string bytes = good;
        apply(bytes, index, c);
        INFO("record " << index << ", offset " << c.offset << " := " << c.value);
        REQUIRE(
            first_bad_field(bytes, records + (index - 1) * kBinaryRecordSize, index, full).empty());
        CHECK_NOTHROW(parse_binary_trace(bytes, "good.tmt"));
      }
    }
  }
}

TEST_CASE("random damage is reported at the first bad record, or read back as written",
          "[binary_trace]") {
  constexpr size_t n = 20'485;
  test::Rng rng(5);
  for (const bool full : {true, false}) {
    const std::string good = to_binary(synthetic(n, full));
    const size_t records = good.size() - n * kBinaryRecordSize;
    for (int round = 0; round < 400; ++round) {
      // One to three bytes changed, sometimes in records of the same chunk.
      std::string bytes = good;
      const auto base = uint64_t(rng.uniform(1, int64_t(n)));
      for (int64_t m = rng.uniform(1, 3); m > 0; --m) {
        const uint64_t index =
            rng.chance(50) ? base : std::min<uint64_t>(n, base + uint64_t(rng.uniform(0, 5000)));
        bytes[records + (index - 1) * kBinaryRecordSize + size_t(rng.uniform(0, 63))] =
            char(rng.uniform(0, 255));
      }
      uint64_t first = 0;
      std::string field;
      for (uint64_t i = 1; i <= n && first == 0; ++i) {
        field = first_bad_field(bytes, records + (i - 1) * kBinaryRecordSize, i, full);
        if (!field.empty()) first = i;
      }
      INFO("full " << full << ", round " << round << ", first bad record " << first << " "
                   << field);
      if (first == 0) {
        const Trace t = parse_binary_trace(bytes, "bad.tmt");
        REQUIRE(t.events.size() == n);
        REQUIRE(std::memcmp(t.events.data(), bytes.data() + records, n * kBinaryRecordSize) == 0);
      } else {
        CHECK_THROWS_WITH(parse_binary_trace(bytes, "bad.tmt"),
                          record_error(first, records + (first - 1) * kBinaryRecordSize) &&
                              Catch::Contains(field));
      }
    }
  }
}

TEST_CASE("the streaming reader hands out valid chunks up to the first bad one", "[binary_trace]") {
  constexpr size_t n = 20'485;
  const Trace trace = synthetic(n, true);
  const auto path = std::filesystem::temp_directory_path() /
                    ("tidemark-binary-" + std::to_string(::getpid()) + ".tmt");
  std::string bytes = to_binary(trace);
  const size_t records = bytes.size() - n * kBinaryRecordSize;
  auto write = [&] {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  };
  write();
  {
    BinaryTraceReader reader(path);
    REQUIRE(reader.records() == n);
    CHECK(reader.partitions() == 4);
    size_t seen = 0;
    for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) {
      REQUIRE(chunk.size() <= 4096);
      // Against the file's bytes: the padding of trace's own Events is indeterminate.
      REQUIRE(std::memcmp(chunk.data(), bytes.data() + records + seen * kBinaryRecordSize,
                          chunk.size_bytes()) == 0);
      seen += chunk.size();
    }
    CHECK(seen == n);
  }
  // Record 16390 sits in the fifth chunk, past the first MiB of records.
  bytes[records + 16389 * kBinaryRecordSize + 56] = 3;
  write();
  {
    BinaryTraceReader reader(path);
    size_t seen = 0;
    for (int i = 0; i < 4; ++i) seen += reader.next().size();
    CHECK(seen == 16384);
    CHECK_THROWS_WITH(reader.next(), Catch::Contains("record 16390 (byte offset " +
                                                     std::to_string(records + 16389 * 64) +
                                                     "): kind byte 3 is invalid"));
  }
  std::filesystem::remove(path);
}

TEST_CASE("the header's partition count must be 1 + the records' largest partition id",
          "[binary_trace]") {
  // Replay sizes the clock from the header before it reads a record: a larger count would hold
  // it at -inf for partitions that never send, so every reader checks the count once it has seen
  // the records (the streaming one at the end of the stream).
  constexpr size_t n = 20'485;  // five chunks: several threads share the mapped check
  const std::string good = to_binary(synthetic(n, true));  // partitions 0..3
  const auto path = std::filesystem::temp_directory_path() /
                    ("tidemark-partitions-" + std::to_string(::getpid()) + ".tmt");
  auto with_count = [&](uint32_t partitions) {
    std::string bytes = good;
    for (int i = 0; i < 4; ++i) bytes[20 + size_t(i)] = char((partitions >> (8 * i)) & 0xFF);
    std::ofstream(path, std::ios::binary) << bytes;
    return bytes;
  };
  auto stream_all = [&] {
    BinaryTraceReader reader(path);
    size_t seen = 0;
    for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) seen += chunk.size();
    return seen;
  };

  SECTION("a correct count loads everywhere") {
    const std::string bytes = with_count(4);
    CHECK(parse_binary_trace(bytes, "good.tmt").partition_count() == 4);
    CHECK(map_binary_trace(path, 1).partition_count() == 4);
    CHECK(map_binary_trace(path, 4).partition_count() == 4);
    CHECK(read_binary_trace(path).partition_count() == 4);
    CHECK(stream_all() == n);
  }
  SECTION("a larger count is rejected once the records are seen") {
    const std::string bytes = with_count(6);
    const auto mismatch = Catch::Contains(
        "the header's partition count 6 does not match the "
        "records' 4 (1 + their largest partition id)");
    CHECK_THROWS_WITH(parse_binary_trace(bytes, "bad.tmt"),
                      Catch::StartsWith("bad.tmt: ") && mismatch);
    CHECK_THROWS_WITH(map_binary_trace(path, 1), Catch::StartsWith(path.string()) && mismatch);
    CHECK_THROWS_WITH(map_binary_trace(path, 4), mismatch);
    CHECK_THROWS_WITH(read_binary_trace(path), mismatch);
    BinaryTraceReader reader(path);
    CHECK(reader.partitions() == 6);  // the header's word, until the records are read
    CHECK_THROWS_WITH(stream_all(), mismatch);
  }
  SECTION("a smaller count is rejected at the first record beyond it") {
    const std::string bytes = with_count(3);
    // Record 4 is the first of partition 3.
    const auto beyond = Catch::Contains(
        "record 4 (byte offset " + std::to_string(bytes.size() - (n - 3) * kBinaryRecordSize) +
        "): partition 3 is out of range (the header's partition count is 3)");
    CHECK_THROWS_WITH(parse_binary_trace(bytes, "bad.tmt"), beyond);
    CHECK_THROWS_WITH(map_binary_trace(path, 1), beyond);
    CHECK_THROWS_WITH(map_binary_trace(path, 4), beyond);
    CHECK_THROWS_WITH(stream_all(), beyond);
  }
  std::filesystem::remove(path);
}

TEST_CASE("a header comment over 1 MiB is refused when written and when read", "[binary_trace]") {
  Trace t = synthetic(3, false);
  t.header_comment = "  " + std::string(kMaxBinaryCommentBytes, 'x') + " ";  // trimmed: the limit
  const std::string at_limit = to_binary(t);
  CHECK(parse_binary_trace(at_limit, "limit.tmt").header_comment.size() == kMaxBinaryCommentBytes);

  t.header_comment = std::string(kMaxBinaryCommentBytes + 1, 'x');
  CHECK_THROWS_AS(binary_header_comment(t), ConfigError);
  std::ostringstream out;
  CHECK_THROWS_WITH(write_binary_trace(out, t),
                    "header comment is 1048577 bytes; a binary trace holds at most 1048576 "
                    "bytes (1 MiB)");
  CHECK(out.str().empty());  // refused before the first byte

  std::string over = to_binary(synthetic(3, false));
  set_u64(over, 48, kMaxBinaryCommentBytes + 1);
  CHECK_THROWS_WITH(parse_binary_trace(over, "bad.tmt"),
                    "bad.tmt: header comment length 1048577 exceeds the limit of 1048576 bytes");
  std::string beyond_file = to_binary(synthetic(3, false));
  set_u64(beyond_file, 48, 4096);
  CHECK_THROWS_WITH(parse_binary_trace(beyond_file, "bad.tmt"),
                    "bad.tmt: header comment length 4096 exceeds the file");
}

namespace {

// Takes `room` bytes, then fails every write (a disk that fills up).
class FillingBuffer : public std::streambuf {
 public:
  explicit FillingBuffer(size_t room) : room_(room) {}

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    if (size_t(n) > room_) return 0;
    room_ -= size_t(n);
    return n;
  }
  int overflow(int c) override { return xsputn(nullptr, 1) == 1 ? c : traits_type::eof(); }

 private:
  size_t room_;
};

// How many batches of 1,000 events `writer` took before it threw WriteError; every batch, and
// finish(), when it never did.
template <class Writer>
size_t batches_before_write_error(Writer& writer, std::span<const Event> events) {
  size_t batches = 0;
  try {
    for (; batches * 1000 < events.size(); ++batches) {
      writer.write(
          events.subspan(batches * 1000, std::min<size_t>(1000, events.size() - batches * 1000)));
    }
    writer.finish();
  } catch (const WriteError&) {
    return batches;
  }
  return SIZE_MAX;
}

}  // namespace

TEST_CASE("trace writers stop at the first failed write with a WriteError", "[binary_trace]") {
  const Trace t = small_mixed(100'000);  // 100 batches: ~6.4 MB binary, ~9 MB CSV
  const std::span<const Event> events(t.events);
  {
    FillingBuffer disk(1 << 16);
    std::ostream out(&disk);
    BinaryTraceSurvey survey(t.keys.size());
    survey.add(events);
    BinaryTraceWriter writer(out, t, survey.key_order(), survey.partitions(), events.size());
    // Its buffer is 256 KiB: the first flush fails, at the fifth batch of 64,000 bytes.
    CHECK(batches_before_write_error(writer, events) == 4);
  }
  {
    FillingBuffer disk(1 << 16);
    std::ostream out(&disk);
    CsvTraceWriter writer(out, t);
    // Its buffer is 1 MiB, ~90 bytes a row: the first flush fails in the twelfth batch or so.
    const size_t batches = batches_before_write_error(writer, events);
    CHECK(batches >= 5);
    CHECK(batches <= 20);
  }
}
