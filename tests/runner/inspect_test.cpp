#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "support/quiet_devices_trace.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"
#include "tidemark/runner/trace_stats.hpp"

using namespace tidemark;

namespace {
constexpr const char* kTrace = test::kQuietDevicesTrace;
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
