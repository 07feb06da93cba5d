// The JSON spelling of --clock-output rows.
#include "tidemark/core/output/clock_changes.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "tidemark/core/error.hpp"

using namespace tidemark;

namespace {

std::string json(const ClockChange& c) {
  std::string s;
  append_json(s, c);
  return s;
}

}  // namespace

TEST_CASE("clock rows: a change, a status, a tick and the end", "[output][clock-output]") {
  using Cause = ClockChange::Cause;
  using Status = ClockChange::Status;
  CHECK(json({Cause::kRow, 12, 3, Timestamp{5000}, Status::kNone, Timestamp{5200}}) ==
        R"({"row":12,"partition":3,"cause":"row","clock":5000,"status":null,"proc_time":5200})");
  CHECK(json({Cause::kRow, 7, 1, Timestamp::min(), Status::kIdle, Timestamp{-4}}) ==
        R"({"row":7,"partition":1,"cause":"row","clock":-9223372036854775808,"status":"idle",)"
        R"("proc_time":-4})");
  CHECK(json({Cause::kTick, 9, 0, Timestamp{1}, Status::kActive, Timestamp{2}}) ==
        R"({"row":9,"partition":0,"cause":"tick","clock":1,"status":"active","proc_time":2})");
  // The end has no row, whatever `row` holds, and here no partition.
  CHECK(json({Cause::kEnd, 4, std::nullopt, Timestamp::max(), Status::kNone, Timestamp{8}}) ==
        R"({"row":null,"partition":null,"cause":"end","clock":9223372036854775807,)"
        R"("status":null,"proc_time":8})");
}

TEST_CASE("the clock rows writer writes a line a row and reports a failed stream",
          "[output][clock-output]") {
  std::ostringstream out;
  JsonLinesClockWriter writer(out);
  writer.on_clock(
      {ClockChange::Cause::kRow, 2, 0, Timestamp{1}, ClockChange::Status::kNone, Timestamp{1}});
  writer.on_clock({ClockChange::Cause::kEnd, 0, std::nullopt, Timestamp::max(),
                   ClockChange::Status::kNone, Timestamp{1}});
  CHECK(out.str().empty());  // buffered until flush
  writer.flush();
  const std::string written = out.str();
  CHECK(std::count(written.begin(), written.end(), '\n') == 2);
  out.setstate(std::ios::badbit);
  writer.on_clock(
      {ClockChange::Cause::kRow, 3, 0, Timestamp{2}, ClockChange::Status::kNone, Timestamp{2}});
  CHECK_THROWS_AS(writer.flush(), WriteError);
}
