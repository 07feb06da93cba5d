// `tidemark generate` streams the trace a round at a time.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "commands.hpp"
#include "support/generated_traces.hpp"
#include "support/temp_dir.hpp"
#include "tidemark/core/trace_io/csv_writer.hpp"
#include "tidemark/generators/time_format.hpp"

using namespace tidemark;
using namespace tidemark::gen;
using namespace tidemark::test;

TEST_CASE("tidemark generate streams the bytes of the whole trace written at once",
          "[generators]") {
  const TempDir dir;
  const std::string tmt = dir / "t.tmt";
  for (const char* preset : {"mixed", "offline-device"}) {
    INFO(preset);
    const Overrides o = {{"seed", "4"}, {"events", "150000"}};
    const Trace whole = make(preset, o);
    std::ostringstream out, err;
    REQUIRE(cli::main(
                {"generate", "--workload", preset, "--events", "150000", "--seed", "4", "-o", tmt},
                out, err) == 0);
    std::ifstream in(tmt, std::ios::binary);
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == bytes(whole));
    std::ostringstream csv, csv_err, want;
    REQUIRE(cli::main({"generate", "--workload", preset, "--events", "150000", "--seed", "4", "-o",
                       "-", "--time-format", "iso:+09:00"},
                      csv, csv_err) == 0);
    CsvTimeFormat iso = gen::parse_time_format("iso:+09:00");
    write_csv_trace(want, whole, iso);
    CHECK(csv.str() == want.str());
  }
  // Readings beyond year 9999 are found before a byte is written: no file, nothing on stdout.
  std::filesystem::remove(tmt);
  for (const std::string& to : {tmt, std::string("-")}) {
    std::ostringstream out, err;
    CHECK(cli::main({"generate", "--workload", "clock-skew", "--events", "100", "--seed", "1",
                     "--start", "8999-12-31T23:59:00Z", "--skew", "uniform:100000000d", "-o", to},
                    out, err) == 2);
    CHECK(err.str().find("leave years 0000..9999") != std::string::npos);
    CHECK(out.str().empty());
  }
  CHECK(!std::filesystem::exists(tmt));
}
