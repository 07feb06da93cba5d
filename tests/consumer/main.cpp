// A downstream project: find_package(tidemark) and one run; prints the number of windows fired.
#include <iostream>

#include "tidemark/core/trace_io/csv_trace.hpp"
#include "tidemark/runner/run.hpp"
int main() {
  auto trace = tidemark::parse_csv_trace("event_time\n1\n2\n15\n", "x");
  tidemark::RunConfig c;
  c.window = tidemark::WindowSpec::parse("tumbling:10ms");
  tidemark::CollectingSink s;
  std::cout << tidemark::run(trace, c, s, s).metrics.windows_fired << "\n";
}
