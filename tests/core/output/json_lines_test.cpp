// JSON Lines rows: written straight into a buffer, they must spell every number and key exactly as
// the fmt format strings did (results files and their golden digests stay byte-identical).
#include <fmt/format.h>

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tidemark/core/output/outputs.hpp"

using namespace tidemark;

namespace {

std::string number(double v) {
  char buffer[64];
  return {buffer, write_json_number(buffer, v)};
}

// The spelling through fmt's runtime format strings: what results files held before.
std::string fmt_number(double v) {
  return std::isfinite(v) ? fmt::format("{}", v) : "null";
}

std::string fmt_row(const Emission& e, const KeyTable& keys) {
  return fmt::format(
      "{{\"key\":{},\"start\":{},\"end\":{},\"count\":{},\"sum\":{},\"min\":{},\"max\":{},"
      "\"mean\":{},\"kind\":\"{}\",\"clock\":{},\"proc_time\":{},\"seq\":{}}}",
      keys.json(e.key), e.window.start.ms, e.window.end.ms, e.stats.count, fmt_number(e.stats.sum),
      fmt_number(e.stats.min), fmt_number(e.stats.max), fmt_number(e.stats.mean), to_string(e.kind),
      e.clock.ms, e.proc_time.ms, e.seq);
}

std::string fmt_row(const LateEvent& e, const KeyTable& keys) {
  return fmt::format(
      "{{\"row\":{},\"partition\":{},\"key\":{},\"event_time\":{},\"extracted_time\":{},"
      "\"clock\":{},\"reason\":\"{}\"}}",
      e.row, e.partition, keys.json(e.key), e.event_time.ms, e.extracted_time.ms, e.clock.ms,
      kLateReason);
}

}  // namespace

TEST_CASE("numbers are spelled as fmt's {} spells doubles: edge cases", "[json]") {
  constexpr double kMax = std::numeric_limits<double>::max();
  constexpr double kMin = std::numeric_limits<double>::min();
  constexpr double kTiny = std::numeric_limits<double>::denorm_min();
  const std::vector<double> edges = {0.0,
                                     -0.0,
                                     1.0,
                                     -1.0,
                                     0.1,
                                     -0.1,
                                     0.5,
                                     1.5,
                                     0.30000000000000004,
                                     1e-4,
                                     1e-5,
                                     1.5e-5,
                                     1e14,
                                     1e15,
                                     -1e15,
                                     1e15 - 1,
                                     1e15 + 1,
                                     1e16 - 2,
                                     1e16,
                                     1e17,
                                     1e20,
                                     1e21,
                                     1e22,
                                     1e23,
                                     123456789e10,
                                     9007199254740991.0,
                                     9007199254740992.0,
                                     9007199254740994.0,
                                     -9007199254740992.0,
                                     4294967296.0,
                                     9223372036854775807.0,
                                     -9223372036854775808.0,
                                     1.8446744073709552e19,
                                     kMax,
                                     -kMax,
                                     kMin,
                                     -kMin,
                                     kTiny,
                                     -kTiny,
                                     std::nextafter(1e15, 0.0),
                                     std::nextafter(1e15, 2e15),
                                     std::nextafter(1e16, 0.0),
                                     std::nextafter(0.0, 1.0),
                                     333.3333333333333,
                                     2.0 / 3,
                                     1e-300,
                                     5e-324,
                                     1.7976931348623157e308,
                                     100.0,
                                     1000000.0,
                                     123456.789,
                                     0.0001,
                                     0.00015,
                                     0.00005,
                                     99999999999.9999,
                                     100000000000.0001,
                                     12345678901.2345,
                                     0.1 + 0.2,
                                     20.05,
                                     19.999999999999996};
  for (const double v : edges) {
    INFO(fmt::format("{:a}", v));
    CHECK(number(v) == fmt_number(v));
  }
  CHECK(number(std::numeric_limits<double>::infinity()) == "null");
  CHECK(number(-std::numeric_limits<double>::infinity()) == "null");
  CHECK(number(std::numeric_limits<double>::quiet_NaN()) == "null");
  // What these look like, so that a change in fmt itself shows here too.
  CHECK(number(3.0) == "3");
  CHECK(number(-0.0) == "-0");
  CHECK(number(1.5) == "1.5");
  CHECK(number(1e16) == "1e+16");
  CHECK(number(1e-5) == "1e-05");
}

TEST_CASE("numbers are spelled as fmt's {} spells doubles: a million random ones", "[json]") {
  std::mt19937_64 rng(20261207);
  const auto pick = [&](uint64_t n) { return rng() % n; };
  for (int i = 0; i < 1'000'000; ++i) {
    double v = 0;
    switch (i % 8) {
      case 0:
        v = std::bit_cast<double>(rng());
        break;  // any bit pattern, NaNs included
      case 1:
        v = double(int64_t(rng()) >> pick(64));
        break;  // whole numbers of every size
      case 2:
        v = double(int64_t(pick(2'000'000)) - 1'000'000) / 100;
        break;  // hundredths
      case 3:
        v = double(int64_t(pick(1'000'000))) / double(1 + pick(7));
        break;  // means
      case 4:
        v = std::ldexp(double(rng() >> 11), int(pick(200)) - 100);
        break;  // near powers
      case 5:
        v = std::pow(10.0, double(int(pick(40)) - 20)) * double(1 + pick(9));
        break;
      case 6:  // one to five decimals, up to and past where four decimals are written directly
        v = double(pick(uint64_t(1) << pick(60))) / std::pow(10.0, double(1 + pick(5)));
        break;
      case 7:  // neighbours of numbers of four decimals
        v = double(pick(uint64_t(1) << pick(54))) / 1e4;
        v = std::nextafter(v, pick(2) == 0 ? 0.0 : 1e300);
        break;
    }
    if (i % 2 == 1) v = -v;
    const std::string got = number(v), want = fmt_number(v);
    if (got != want) FAIL(fmt::format("{:a}: {} instead of {}", v, got, want));
  }
}

TEST_CASE("rows are spelled as the format strings spelled them", "[json]") {
  KeyTable keys;
  keys.intern("a");
  keys.intern("quote\" and \\ and \n tab\t é");
  keys.intern("");
  Emission e{1,
             {Timestamp{-10'000}, Timestamp{0}},
             {3, 3.5, -1, 4.25, 3.5 / 3},
             EmissionKind::kUpdate,
             Timestamp{7},
             Timestamp{-9'223'372'036'854'775'807 - 1},
             18'446'744'073'709'551'615ull};
  std::string out;
  append_json(out, e, keys);
  CHECK(out ==
        R"({"key":"quote\" and \\ and \n tab\t é","start":-10000,"end":0,"count":3,"sum":3.5,)"
        R"("min":-1,"max":4.25,"mean":1.1666666666666667,"kind":"update","clock":7,)"
        R"("proc_time":-9223372036854775808,"seq":18446744073709551615})");
  CHECK(out == fmt_row(e, keys));

  std::mt19937_64 rng(7);
  for (int i = 0; i < 10'000; ++i) {
    e.key = KeyId(rng() % 3);
    e.window = {Timestamp{int64_t(rng())}, Timestamp{int64_t(rng() >> 3)}};
    e.stats = {rng() >> (rng() % 64), double(int64_t(rng() % 100'000)) / 100,
               std::bit_cast<double>(rng()), -double(rng() % 1000), std::bit_cast<double>(rng())};
    if (i % 4 == 0) e.stats = {1, e.stats.sum, e.stats.sum, e.stats.sum, e.stats.sum};  // one event
    if (i % 4 == 1) e.stats.max = e.stats.mean = e.stats.min;  // equal values
    if (i % 8 == 2) e.stats.min = -e.stats.sum;                // the same but for the sign
    e.kind = EmissionKind(rng() % 3);
    e.clock = Timestamp{int64_t(rng())};
    e.proc_time = Timestamp{int64_t(rng() >> 1)};
    e.seq = rng();
    out.clear();
    append_json(out, e, keys);
    REQUIRE(out == fmt_row(e, keys));

    const LateEvent late{rng(),
                         PartitionId(rng()),
                         KeyId(rng() % 3),
                         Timestamp{int64_t(rng())},
                         Timestamp{int64_t(rng() >> 2)},
                         Timestamp{-int64_t(rng() >> 1)}};
    out.clear();
    append_json(out, late, keys);
    REQUIRE(out == fmt_row(late, keys));
  }
}

TEST_CASE("the writer puts out every row, once, in order, across buffer boundaries", "[json]") {
  KeyTable keys;
  keys.intern("k");
  keys.intern(std::string(200'000, 'x'));  // longer than the writer's whole buffer
  std::ostringstream stream;
  std::string want;
  {
    JsonLinesWriter<Emission> writer(stream, keys);
    for (uint64_t i = 1; i <= 5'000; ++i) {
      // Times that repeat from row to row, as a watermark's firings do, and change.
      const int64_t window = int64_t(i / 7) * 10 - 3'000;
      const Emission e{KeyId(i % 997 == 0 ? 1 : 0),
                       {Timestamp{window}, Timestamp{window + 10}},
                       {i, double(i) / 8, 0, double(i), double(i) / 3},
                       EmissionKind::kOnTime,
                       Timestamp{int64_t(i / 3) - 1'000},
                       Timestamp{i % 5 == 0 ? 0 : int64_t(i / 11) * 1'000'000'000'000},
                       i};
      writer.write(e);
      append_json(want, e, keys);
      want += '\n';
    }
    writer.flush();
    CHECK(stream.str() == want);
  }
  CHECK(stream.str() == want);  // the destructor writes nothing twice
}

TEST_CASE("the writer throws WriteError when its stream fails", "[json]") {
  KeyTable keys;
  keys.intern("k");
  std::ostringstream stream;
  stream.setstate(std::ios::badbit);
  JsonLinesWriter<LateEvent> writer(stream, keys);
  writer.write(LateEvent{});
  CHECK_THROWS_AS(writer.flush(), WriteError);
}

TEST_CASE("CSV rows quote the keys that need it and leave non-finite numbers empty",
          "[json][csv]") {
  const Emission e{0,
                   {Timestamp{-10}, Timestamp{0}},
                   {2, std::numeric_limits<double>::infinity(), 1e308, 1e308,
                    std::numeric_limits<double>::quiet_NaN()},
                   EmissionKind::kRetract,
                   Timestamp{7},
                   Timestamp{8},
                   9};
  const auto row = [&](std::string_view key) {
    std::string out(2 * key.size() + 2 + kMaxJsonRowBytes, '\0');
    out.resize(size_t(write_csv(out.data(), e, key) - out.data()));
    return out;
  };
  const std::string rest = ",-10,0,2,,1e+308,1e+308,,retract,7,8,9";
  CHECK(row("plain key é") == "plain key é" + rest);
  CHECK(row("") == "\"\"" + rest);
  CHECK(row("a,b") == "\"a,b\"" + rest);
  CHECK(row("say \"hi\"") == "\"say \"\"hi\"\"\"" + rest);
  CHECK(row("\"") == "\"\"\"\"" + rest);  // the longest a key gets: 2n + 2
  CHECK(row("line\nbreak") == "\"line\nbreak\"" + rest);
  CHECK(row("cr\rhere") == "\"cr\rhere\"" + rest);

  const LateEvent late{12, 3, 0, Timestamp{-5}, Timestamp{6}, Timestamp{70}};
  std::string out(64, '\0');
  out.resize(size_t(write_csv(out.data(), late, "k,") - out.data()));
  CHECK(out == "12,3,\"k,\",-5,6,70,window_closed");
}

TEST_CASE("the CSV writer puts the header first, then a row a line", "[json][csv]") {
  KeyTable keys;
  keys.intern("k");
  std::ostringstream stream;
  {
    CsvLateSink sink(stream, keys);
    sink.flush();
    CHECK(stream.str() == kLateCsvHeader);
    sink.on_late(LateEvent{2, 0, 0, Timestamp{1}, Timestamp{1}, Timestamp{3}});
    sink.flush();
  }
  CHECK(stream.str() == std::string(kLateCsvHeader) + "2,0,k,1,1,3,window_closed\n");
}

TEST_CASE("the CSV late writer spells repeated times as single rows do", "[json][csv]") {
  KeyTable keys;
  keys.intern("k");
  std::ostringstream stream;
  std::string want(kLateCsvHeader);
  {
    CsvLateSink sink(stream, keys);
    for (uint64_t i = 0; i < 3'000; ++i) {
      const auto t = int64_t(i / 4) - 300;
      const LateEvent e{i,
                        PartitionId(i % 3),
                        0,
                        Timestamp{t},
                        Timestamp{i % 3 == 0 ? t : -t},
                        Timestamp{int64_t(i / 9)}};
      sink.on_late(e);
      char row[kMaxJsonRowBytes];
      want.append(row, write_csv(row, e, "k"));
      want += '\n';
    }
  }
  CHECK(stream.str() == want);
}
