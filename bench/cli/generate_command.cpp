// `tidemark generate`: a synthetic trace from a workload preset and parameter overrides.
#include <fmt/format.h>

#include <optional>
#include <span>

#include "commands.hpp"
#include "options.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/trace_io/binary_trace.hpp"
#include "tidemark/core/trace_io/csv_writer.hpp"
#include "tidemark/generators/time_format.hpp"
#include "tidemark/generators/workload.hpp"

namespace tidemark::cli {

namespace {

// Writes the trace of `spec` to `path` as binary (`.tmt`) or CSV (anything else, `-` for
// stdout), generating it twice (a survey, then the records) so that memory stays with the
// generator's rounds whatever the trace's length.
void write_generated_trace(const std::string& path, const gen::WorkloadSpec& spec,
                           const std::string& time_format, std::optional<Output>& written,
                           std::ostream& out) {
  const bool binary = is_binary_trace_path(path);
  if (binary && time_format != "epoch") {
    throw ConfigError(
        fmt::format("--time-format {}: binary traces hold epoch milliseconds; "
                    "use a .csv output for ISO times",
                    time_format));
  }
  const CsvTimeFormat format = gen::parse_time_format(time_format);
  const Trace header = gen::generated_trace_header(spec);
  // The first pass: any error of the spec (readings beyond year 9999) before a byte is written,
  // and for a binary trace what its header needs from the records.
  if (binary) binary_header_comment(header);
  BinaryTraceSurvey survey(header.keys.size());
  gen::generate_events(spec, [&](std::span<const Event> events) {
    if (binary) survey.add(events);
  });
  written.emplace(path, out);
  written->write([&](std::ostream& s) {
    if (binary) {
      BinaryTraceWriter writer(s, header, survey.key_order(), survey.partitions(), spec.events);
      gen::generate_events(spec, [&](std::span<const Event> events) { writer.write(events); });
      writer.finish();
    } else {
      CsvTraceWriter writer(s, header, format);
      gen::generate_events(spec, [&](std::span<const Event> events) { writer.write(events); });
      writer.finish();
    }
  });
}

}  // namespace

int generate(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app(
      "Generate a synthetic trace: a base process of true events (a Poisson process over "
      "devices = keys) distorted by network delay, offline devices, clock skew and "
      "producer outages, written in arrival (receive) order. Every column is written: "
      "partition, key, event_time, value, send_time, receive_time, true_time. The first "
      "line (CSV comment or binary header) records the full spec and seed; the same spec "
      "and seed give byte-identical output.",
      "generate");
  std::string workload, output, time_format = "epoch";
  uint64_t events = 0, seed = 0;
  app.add_option("--workload", workload,
                 "Preset: out-of-order | offline-device | clock-skew | producer-outage | mixed "
                 "(see below). Example: --workload mixed")
      ->required();
  check_unsigned(
      app.add_option(
          "--events", events,
          "Number of events; counts (here and --keys, --partitions) may be written 1e6 or "
          "2.5e3. Example: --events 1e6"),
      UINT64_MAX)
      ->required();
  check_unsigned(
      app.add_option("--seed", seed, "Random seed (any 64-bit integer). Example: --seed 42"),
      UINT64_MAX)
      ->required();
  app.add_option("--output,-o", output,
                 "Output file: .tmt = binary, anything else CSV, - = CSV on stdout. Example: "
                 "-o trace.tmt")
      ->required();
  app.add_option("--time-format", time_format,
                 "CSV times: epoch (ms), iso (UTC), iso:+09:00 (fixed offset) or iso:Asia/Seoul "
                 "(IANA zone). Example: --time-format iso:Europe/Berlin")
      ->capture_default_str();
  const auto params = gen::workload_params();
  std::vector<std::string> values(params.size());
  std::vector<CLI::Option*> options;
  for (size_t i = 0; i < params.size(); ++i) {
    options.push_back(app.add_option(fmt::format("--{}", params[i].name), values[i],
                                     std::string(params[i].help)));
  }
  std::string footer = "\nPresets (every parameter above overrides the preset's value):\n";
  for (const gen::WorkloadPreset& p : gen::workload_presets()) {
    footer += fmt::format("  {:<16} {}\n", p.name, p.simulates);
    footer += fmt::format("  {:<16} defaults: {}\n", "", p.make().to_string());
  }
  footer +=
      "\nExamples:\n"
      "  tidemark generate --workload out-of-order --events 100000 --seed 1 -o ooo.csv\n"
      "  tidemark generate --workload mixed --events 10000000 --seed 42 -o mixed.tmt\n"
      "  tidemark generate --workload clock-skew --skew uniform:5s --events 1000 --seed 7 "
      "--time-format iso:Asia/Seoul -o skew.csv\n";
  app.footer(footer);

  return run_app(app, args, out, err, [&] {
    std::vector<std::pair<std::string, std::string>> overrides = {
        {"seed", std::to_string(seed)}, {"events", std::to_string(events)}};
    for (size_t i = 0; i < params.size(); ++i) {
      if (options[i]->count() > 0) overrides.emplace_back(std::string(params[i].name), values[i]);
    }
    const gen::WorkloadSpec spec = gen::make_workload_spec(workload, overrides);
    std::optional<Output> written;
    write_generated_trace(output, spec, time_format, written, out);
    (output == "-" ? err : out) << fmt::format("tidemark generate: {} events -> {}\n  {}\n",
                                               spec.events, output, spec.to_string());
    commit_outputs(out, {&*written});
    return 0;
  });
}

}  // namespace tidemark::cli
