#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"
#include "tidemark/runner/trace_stats.hpp"

using namespace tidemark;

namespace {
// Two partitions, devices a (p0) and b (p1); both go quiet for 98.8 s of processing time.
// Its figures are worked out by hand in trace_stats_test.cpp.
constexpr const char* kTrace =
    "partition,key,event_time,send_time,receive_time,true_time\n"
    "0,a,1000,1000,1000,900\n"        // behind max 0;    r-s 0;    e-t 100;  corrected 1000
    "1,b,2000,2000,1100,1050\n"       // behind max 0;    r-s -900; e-t 950;  corrected 1100
    "0,a,500,1150,1200,400\n"         // behind max 1500; r-s 50;   e-t 100;  corrected 550
    "1,b,1500,2250,1300,500\n"        // behind max 500;  r-s -950; e-t 1000; corrected 550
    "0,a,3000,99910,100000,2900\n"    // behind max 0;    r-s 90;   e-t 100;  corrected 3090
    "1,b,2500,101000,100100,1500\n";  // behind max 500;  r-s -900; e-t 1000; corrected 1600
}  // namespace

TEST_CASE("tidemark inspect prints the table or JSON", "[inspect]") {
  const std::string path =
      (std::filesystem::temp_directory_path() / "tidemark-inspect-test.csv").string();
  {
    std::ofstream f(path);
    f << kTrace;
  }
  std::ostringstream out, err;
  REQUIRE(cli::main({"inspect", path, "--json"}, out, err) == 0);
  const auto j = nlohmann::json::parse(out.str());
  CHECK(j["events"] == 6);
  CHECK(j["behind_max_ms"]["p90"] == 1500);
  CHECK(j["bounded_delay_for_on_time_share"][2]["watermark"] == "bounded:500ms");
  CHECK(j["corrected_error_ms"]["max"] == 190);
  std::ostringstream table, err2;
  REQUIRE(cli::main({"inspect", path}, table, err2) == 0);
  CHECK(table.str().find("--watermark bounded:500ms") != std::string::npos);
  std::ostringstream out3, err3;
  CHECK(cli::main({"inspect", path, "--timestamp", "sideways"}, out3, err3) == 2);
  CHECK(err3.str().rfind("tidemark inspect: ", 0) == 0);
  std::remove(path.c_str());
}
