#include "tidemark/core/binary_trace.hpp"

#include <catch2/catch.hpp>
#include <sstream>

#include "tidemark/core/csv_trace.hpp"
#include "tidemark/core/csv_writer.hpp"
#include "tidemark/core/error.hpp"
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

TEST_CASE("keys with line breaks cannot become CSV", "[binary_trace]") {
  Trace t;
  t.columns = kColKey;
  t.keys.intern("line\nbreak");
  t.events.push_back(Event{});
  CHECK_THROWS_AS(to_csv(t), ConfigError);
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

TEST_CASE("time formats reject unknown zones and malformed offsets", "[binary_trace]") {
  CHECK_THROWS_WITH(gen::parse_time_format("iso:Mars/Olympus"),
                    Catch::Contains("unknown time zone") && Catch::Contains("Mars/Olympus"));
  CHECK_THROWS_AS(gen::parse_time_format("iso:+9"), ConfigError);
  CHECK_THROWS_AS(gen::parse_time_format("iso:+24:00"), ConfigError);
  CHECK_THROWS_AS(gen::parse_time_format("unix"), ConfigError);
  CHECK(gen::parse_time_format("iso:+05:30").offset_seconds(Timestamp{0}) == 19'800);
  // Seoul: +09:00 today (tzdata).
  CHECK(gen::parse_time_format("iso:Asia/Seoul").offset_seconds(Timestamp{1'767'225'600'000}) ==
        9 * 3600);
}
