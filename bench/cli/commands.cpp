#include "commands.hpp"

#include <fmt/format.h>

namespace tidemark::cli {

namespace {
constexpr Command kCommands[] = {
    {"replay", "run a trace through windows, a watermark and a late-event policy", replay},
    {"compare", "compare late-event policies, watermarks, timestamps and clocks against the oracle",
     compare},
    {"generate",
     "write a synthetic trace: a workload preset with delay, offline devices, skew, outages",
     generate},
    {"convert", "convert a trace between CSV and binary (.tmt), losslessly", convert},
    {"inspect", "describe a trace: size, disorder percentiles, watermark delays, silences, clocks",
     inspect},
};

void print_usage(std::ostream& out) {
  out << "tidemark: event-time windows, watermarks and late-event policies, measured.\n\n"
         "Usage: tidemark COMMAND [OPTIONS]   (tidemark COMMAND --help for its options)\n"
         "       tidemark --version\n\n"
         "Commands:\n";
  for (const Command& c : kCommands) out << fmt::format("  {:<10} {}\n", c.name, c.summary);
  out << "\nExample:\n"
         "  tidemark replay data/demo.csv --window tumbling:10s --watermark bounded:2s "
         "--lateness grace:30s\n";
}
}  // namespace

std::string_view version_line() {
  return "tidemark " TIDEMARK_VERSION;
}

std::span<const Command> commands() {
  return kCommands;
}

int main(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(args.empty() ? err : out);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    out << version_line() << '\n';
    return 0;
  }
  for (const Command& c : kCommands) {
    if (args[0] == c.name) return c.run(Args(args.begin() + 1, args.end()), out, err);
  }
  err << fmt::format("tidemark: unknown command \"{}\" (try tidemark --help)\n", args[0]);
  return 2;
}

}  // namespace tidemark::cli
