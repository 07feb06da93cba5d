// `tidemark convert IN OUT`: CSV <-> binary, losslessly.
#include <fmt/format.h>

#include "commands.hpp"
#include "distinct_files.hpp"
#include "options.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/trace_io/binary_trace.hpp"
#include "tidemark/core/trace_io/csv_writer.hpp"
#include "tidemark/generators/time_format.hpp"

namespace tidemark::cli {

int convert(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app(
      "Convert a trace between CSV and the binary format (.tmt, fixed 64-byte records "
      "that load at memory speed). Lossless both ways: binary -> CSV -> binary and "
      "CSV -> binary -> CSV give the same bytes (for CSV as tidemark writes it).",
      "convert");
  std::string input, output, time_format = "epoch";
  app.add_option("input", input,
                 "Trace to read: .tmt = binary, anything else CSV, - = CSV from stdin")
      ->required();
  app.add_option("output", output, "Trace to write: .tmt = binary, anything else CSV, - = stdout")
      ->required();
  app.add_option("--time-format", time_format,
                 "CSV times: epoch | iso | iso:+09:00 | iso:Asia/Seoul. Example: --time-format "
                 "iso:+05:30")
      ->capture_default_str();
  app.footer(
      "\nExamples:\n"
      "  tidemark convert trace.csv trace.tmt\n"
      "  tidemark convert trace.tmt trace.csv --time-format iso:America/New_York\n");
  return run_app(app, args, out, err, [&] {
    require_distinct_files({"input", input}, {{"output", output}});
    const bool binary = is_binary_trace_path(output);
    if (binary && time_format != "epoch") {
      throw ConfigError(
          fmt::format("--time-format {}: binary traces hold epoch milliseconds", time_format));
    }
    const CsvTimeFormat format = gen::parse_time_format(time_format);
    const Trace trace = load_trace(input);
    if (binary) binary_header_comment(trace);  // a comment it cannot hold: before the file exists
    Output written(output, out);
    written.write([&](std::ostream& s) {
      if (binary) {
        write_binary_trace(s, trace);
      } else {
        write_csv_trace(s, trace, format);
      }
    });
    (output == "-" ? err : out) << fmt::format("tidemark convert: {} records {} -> {}\n",
                                               trace.records().size(), input, output);
    commit_outputs(out, {&written});
    return 0;
  });
}

}  // namespace tidemark::cli
