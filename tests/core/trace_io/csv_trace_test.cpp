#include <catch2/catch.hpp>
#include <limits>
#include <sstream>

#include "test_support.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/trace_io/csv_writer.hpp"

using namespace tidemark;

TEST_CASE("CSV traces: columns by name in any order, defaults, ISO times", "[csv]") {
  const Trace t = test::csv(
      "# workload=demo seed=1\n"
      "value,event_time,key,partition,kind\n"
      "2.5,1000,a,3,E\n"
      ",2026-11-21T10:00:00.250+09:00,\"b,c\",,\n"
      "\n"
      "7,2000,a,1,W\r\n");
  REQUIRE(t.events.size() == 3);
  CHECK(t.header_comment == "workload=demo seed=1");
  CHECK(t.has(kColPartition));
  CHECK_FALSE(t.has(kColSendTime));
  CHECK(t.events[0].value == 2.5);
  CHECK(t.events[0].partition == 3);
  CHECK(t.events[0].row == 3);
  CHECK(t.keys.name(t.events[1].key) == "b,c");
  CHECK(t.events[1].value == 1.0);
  CHECK(t.events[1].partition == 0);
  CHECK(t.events[1].event_time.ms == 1'795'222'800'250);  // 2026-11-21T01:00:00.250Z
  CHECK(t.events[2].kind == RecordKind::kWatermark);
  CHECK(t.events[2].row == 6);
  CHECK(t.keys.name(t.events[2].key) == "a");
  CHECK(t.partition_count() == 4);
}

TEST_CASE("CSV traces: a trace without key column has the empty key", "[csv]") {
  const Trace t = test::csv("event_time\n5\n-7\n");
  REQUIRE(t.events.size() == 2);
  CHECK(t.keys.size() == 1);
  CHECK(t.keys.json(t.events[1].key) == "\"\"");
  CHECK(t.events[1].event_time == Timestamp{-7});
}

TEST_CASE("CSV traces: values down to a double's least subnormal are read", "[csv]") {
  const Trace t = test::csv("event_time,value\n1,1e-310\n2,+4.9e-324\n3,-1.7e308\n");
  REQUIRE(t.events.size() == 3);
  CHECK(t.events[0].value == 1e-310);
  CHECK(t.events[1].value == std::numeric_limits<double>::denorm_min());
  CHECK(t.events[2].value == -1.7e308);
}

TEST_CASE("CSV traces: malformed input names file, line and column", "[csv]") {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"", "test.csv: empty file"},
      {"# only a comment\n\n", "test.csv: no header line, only comments or blank lines"},
      {"0,k,100\n", "test.csv:1:1: header: unknown column \"0\""},
      {"partition,key,value\n0,k,1\n",
       "test.csv:1: header: required column \"event_time\" is missing"},
      {"event_time,event_time\n1,2\n", "appears twice"},
      {"key,event_time\nk,1\nk\n", "test.csv:3: expected 2 fields as in the header, got 1"},
      {"key,event_time\nk,1,2\n", "test.csv:2: expected 2 fields as in the header, got 3"},
      {"key,event_time\nk,abc\n", "test.csv:2:2: event_time: \"abc\" is not a time"},
      {"key,event_time\nk,\n", "test.csv:2:2: event_time: empty"},
      {"event_time\n99999999999999999\n",
       "test.csv:2:1: event_time: \"99999999999999999\" is not a time"},
      {"event_time\n99999999999999999999999\n", "is not a time"},
      {"event_time\n2026-02-30T00:00:00Z\n", "test.csv:2:1: event_time: \"2026-02-30T00:00:00Z\""},
      {"event_time,receive_time\n1,2026-11-21T10:00:00\n", "test.csv:2:2: receive_time:"},
      {"event_time,value\n1,x\n", "test.csv:2:2: value: \"x\" is not a finite number"},
      {"event_time,value\n1,inf\n", "value: \"inf\" is not a finite number"},
      {"event_time,value\n1,nan\n", "not a finite number"},
      {"event_time,value\n1,1e-330\n",
       "test.csv:2:2: value: \"1e-330\" is beyond the range of a double"},
      {"event_time,value\n1,-1e400\n", "value: \"-1e400\" is beyond the range of a double"},
      {"event_time,value\n1,+1e400\n", "value: \"+1e400\" is beyond the range of a double"},
      {"event_time,value\n1,+-5\n", "value: \"+-5\" is not a finite number"},
      {"event_time,value\n1,++5\n", "value: \"++5\" is not a finite number"},
      {"event_time\n+-5\n", "event_time: \"+-5\" is not a time"},
      {"partition,event_time\n+-1,1\n", "partition: \"+-1\" is not a non-negative integer"},
      {"partition,event_time\n-1,1\n",
       "test.csv:2:1: partition: \"-1\" is not a non-negative integer"},
      {"partition,event_time\n99999999999,1\n", "partition: 99999999999 is too large"},
      {"kind,event_time\nX,1\n", "test.csv:2:1: kind: \"X\" is not E, W or I"},
      // Kinds are case-sensitive, one letter; an I row's fields are read as any row's.
      {"kind,event_time\ni,1\n", "test.csv:2:1: kind: \"i\" is not E, W or I"},
      {"kind,event_time\nII,1\n", "test.csv:2:1: kind: \"II\" is not E, W or I"},
      {"event_time,kind\n1,E\nsoon,I\n", "test.csv:3:1: event_time: \"soon\" is not a time"},
      {"partition,kind,event_time\n-1,I,1\n", "test.csv:2:1: partition:"},
      {"key,event_time\n\"unterminated,1\n", "test.csv:2: unbalanced double quotes"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK_THROWS_WITH(test::csv(c.text), Catch::Contains(c.message));
    CHECK_THROWS_AS(test::csv(c.text), InputError);
  }
}

TEST_CASE("CSV traces: a missing file is an input error naming it", "[csv]") {
  CHECK_THROWS_WITH(read_csv_trace("/nonexistent/trace.csv"),
                    Catch::Contains("/nonexistent/trace.csv: cannot open"));
}

TEST_CASE("messages quote a field cut to 200 bytes, with its length, and escape what is not text",
          "[csv]") {
  CHECK(quoted_field("abc") == "\"abc\"");
  CHECK(quoted_field(std::string(200, 'a')) == "\"" + std::string(200, 'a') + "\"");
  CHECK(quoted_field(std::string(size_t(20) << 20, 'a')) ==
        "\"" + std::string(200, 'a') + "…\" (20971520 bytes)");
  // A cut keeps whole characters: é (2 bytes) would end at byte 201.
  CHECK(quoted_field(std::string(199, 'a') + "\xC3\xA9") ==
        "\"" + std::string(199, 'a') + "…\" (201 bytes)");
  // Control bytes and bytes that are not UTF-8 (a lone 0xFF, a surrogate) as \xHH; é stays.
  CHECK(quoted_field("17\xFF"
                     "5") == "\"17\\xFF5\"");
  CHECK(one_line("a\nb\xC3\xA9\xED\xA0\x80\x7F") == "a\\x0Ab\xC3\xA9\\xED\\xA0\\x80\\x7F");

  const std::string long_time(100'000, '7');
  CHECK_THROWS_WITH(test::csv("event_time\n" + long_time + "\n"),
                    "test.csv:2:1: event_time: \"" + std::string(200, '7') +
                        "…\" (100000 bytes) is not a time (epoch milliseconds or ISO-8601 such "
                        "as 2026-11-21T10:00:00.250+09:00, between years 0000 and 9999)");
  CHECK_THROWS_WITH(test::csv("key,event_time\na,17\xFF"
                              "5\n"),
                    Catch::Contains("test.csv:2:2: event_time: \"17\\xFF5\" is not a time"));
}

TEST_CASE("CSV traces: kind I marks its partition idle, and is written back as I", "[csv]") {
  const Trace t = test::csv("partition,kind,event_time\n0,E,5\n1,I,0\n0,W,3\n2,,7\n");
  REQUIRE(t.events.size() == 4);
  CHECK(t.events[0].kind == RecordKind::kEvent);
  CHECK(t.events[1].kind == RecordKind::kIdle);
  CHECK(t.events[1].partition == 1);
  CHECK(t.events[2].kind == RecordKind::kWatermark);
  CHECK(t.events[3].kind == RecordKind::kEvent);  // empty: E
  std::ostringstream out;
  write_csv_trace(out, t);
  const Trace back = test::csv(out.str());
  REQUIRE(back.events.size() == 4);
  for (size_t i = 0; i < 4; ++i) CHECK(back.events[i].kind == t.events[i].kind);
}
