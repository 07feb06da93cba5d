#include "tidemark/core/trace_io/csv_writer.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "tidemark/core/error.hpp"
#include "tidemark/core/time/iso_time.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"

using namespace tidemark;

namespace {

std::string to_csv(const Trace& t, const CsvTimeFormat& f = {}) {
  std::ostringstream out;
  write_csv_trace(out, t, f);
  return out.str();
}

// A trace of the given columns and keys, one event per key in order.
Trace trace_of(uint32_t columns, std::initializer_list<std::string_view> keys) {
  Trace t;
  t.columns = columns;
  for (const std::string_view k : keys) {
    Event e;
    e.key = t.keys.intern(k);
    e.event_time = Timestamp{int64_t(t.events.size())};
    e.row = t.events.size() + 2;
    t.events.push_back(e);
  }
  return t;
}

CsvTimeFormat iso(std::function<int64_t(Timestamp)> offset_seconds = {}) {
  return CsvTimeFormat{CsvTimeFormat::Kind::kIso, std::move(offset_seconds), "iso"};
}

}  // namespace

TEST_CASE("csv writer: the header comment, then the present columns in the canonical order",
          "[csv]") {
  Trace t;
  t.columns = kColKind | kColTrueTime | kColReceiveTime | kColSendTime | kColValue | kColKey |
              kColPartition;
  t.header_comment = "workload=demo";
  Event e;
  e.partition = 3;
  e.key = t.keys.intern("k");
  e.event_time = Timestamp{10};
  e.value = 2.5;
  e.send_time = Timestamp{11};
  e.receive_time = Timestamp{12};
  e.true_time = Timestamp{9};
  t.events.push_back(e);
  e.kind = RecordKind::kWatermark;
  e.value = 0.1;  // the shortest spelling that reads back to the same double
  t.events.push_back(e);
  CHECK(to_csv(t) ==
        "# workload=demo\n"
        "partition,key,event_time,value,send_time,receive_time,true_time,kind\n"
        "3,k,10,2.5,11,12,9,E\n"
        "3,k,10,0.1,11,12,9,W\n");
}

TEST_CASE("csv writer: absent columns and an empty comment are left out", "[csv]") {
  Trace t = trace_of(0, {"ignored", "ignored"});
  CHECK(to_csv(t) == "event_time\n0\n1\n");
  CHECK(to_csv(Trace{}) == "event_time\n");  // no records: the header alone
  t.columns = kColValue;
  t.events[1].event_time = Timestamp{-5};
  t.events[1].value = -0.0;
  CHECK(to_csv(t) == "event_time,value\n0,1\n-5,-0\n");
}

TEST_CASE("csv writer: keys the reader would split, unquote or trim are quoted", "[csv]") {
  const Trace t =
      trace_of(kColKey, {"plain", "a,b", "say \"hi\"", " lead", "trail\t", "in side", ""});
  const std::string csv = to_csv(t);
  CHECK(csv ==
        "key,event_time\n"
        "plain,0\n"
        "\"a,b\",1\n"
        "\"say \"\"hi\"\"\",2\n"
        "\" lead\",3\n"
        "\"trail\t\",4\n"
        "in side,5\n"
        ",6\n");
  const Trace back = parse_csv_trace(csv, "back.csv");
  REQUIRE(back.events.size() == t.events.size());
  for (size_t i = 0; i < t.events.size(); ++i) {
    CHECK(back.keys.name(back.events[i].key) == t.keys.name(t.events[i].key));
  }
}

// Moved from binary_trace_test.cpp.
TEST_CASE("keys with line breaks cannot become CSV", "[csv]") {
  Trace t;
  t.columns = kColKey;
  t.keys.intern("line\nbreak");
  t.events.push_back(Event{});
  CHECK_THROWS_AS(to_csv(t), ConfigError);
  // One line, the break written out.
  CHECK_THROWS_WITH(to_csv(t), Catch::StartsWith("key \"line\\x0Abreak\" holds a line break"));
  CHECK_THROWS_AS(to_csv(trace_of(kColKey, {"cr\r"})), ConfigError);
}

TEST_CASE("csv writer: ISO times at the instant's offset, in UTC where it cannot be written",
          "[csv]") {
  Trace t = trace_of(kColTrueTime, {"", ""});
  t.events[0].event_time = Timestamp{0};
  t.events[0].true_time = Timestamp{250};
  t.events[1].event_time = kLatestTime;
  t.events[1].true_time = Timestamp{-1};
  CHECK(to_csv(t, iso()) ==
        "event_time,true_time\n"
        "1970-01-01T00:00:00Z,1970-01-01T00:00:00.250Z\n"
        "9999-12-31T23:59:59.999Z,1969-12-31T23:59:59.999Z\n");
  // +09:00; but at the latest time local time would be in year 10000: written in UTC.
  CHECK(to_csv(t, iso([](Timestamp) { return 9 * 3600; })) ==
        "event_time,true_time\n"
        "1970-01-01T09:00:00+09:00,1970-01-01T09:00:00.250+09:00\n"
        "9999-12-31T23:59:59.999Z,1970-01-01T08:59:59.999+09:00\n");
  // An offset of seconds (local mean time) cannot be spelled ±hh:mm: UTC, still exact.
  const std::string lmt = to_csv(t, iso([](Timestamp) { return 32 * 60 + 8; }));
  CHECK(lmt.find("1970-01-01T00:00:00Z,1970-01-01T00:00:00.250Z\n") != std::string::npos);
  // Every spelling reads back to the same milliseconds.
  for (const std::string& csv : {to_csv(t, iso()), lmt}) {
    const Trace back = parse_csv_trace(csv, "iso.csv");
    REQUIRE(back.events.size() == 2);
    CHECK(back.events[1].event_time == kLatestTime);
    CHECK(back.events[1].true_time == Timestamp{-1});
  }
}

TEST_CASE("csv writer: written in chunks, the bytes of the whole trace at once", "[csv]") {
  Trace t;
  t.columns = kColKey | kColValue;
  for (int i = 0; i < 100'000; ++i) {  // more than one 1 MiB buffer
    Event e;
    e.key = t.keys.intern("key" + std::to_string(i % 37));
    e.event_time = Timestamp{int64_t(i) * 1000};
    e.value = i / 8.0;
    t.events.push_back(e);
  }
  const std::string whole = to_csv(t);
  std::ostringstream out;
  CsvTraceWriter writer(out, t);
  const std::span<const Event> records = t.records();
  for (size_t at = 0; at < records.size(); at += 777) {
    writer.write(records.subspan(at, std::min<size_t>(777, records.size() - at)));
  }
  writer.finish();
  CHECK(out.str() == whole);
  CHECK(whole.rfind("key,event_time,value\nkey0,0,0\nkey1,1000,0.125\n", 0) == 0);
}

TEST_CASE("csv writer: a failed stream is a WriteError", "[csv]") {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  CsvTraceWriter writer(out, trace_of(0, {""}));
  CHECK_THROWS_AS(writer.finish(), WriteError);
  CHECK_THROWS_WITH(writer.finish(), "writing the CSV trace failed");
}
