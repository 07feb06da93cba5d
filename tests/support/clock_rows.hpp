#pragma once
// What the --clock-output tests share: a file's lines, and one clock row as docs/commands.md
// spells it.
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tidemark::test {

inline std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// One row; `r` and `partition` -1 for null, `status` empty for null.
inline std::string clock_row(int64_t r, int64_t partition, const std::string& cause, int64_t clock,
                             const std::string& status, int64_t proc) {
  std::ostringstream s;
  s << "{\"row\":" << (r < 0 ? std::string("null") : std::to_string(r))
    << ",\"partition\":" << (partition < 0 ? std::string("null") : std::to_string(partition))
    << ",\"cause\":\"" << cause << "\",\"clock\":" << clock
    << ",\"status\":" << (status.empty() ? std::string("null") : "\"" + status + "\"")
    << ",\"proc_time\":" << proc << "}";
  return s.str();
}

}  // namespace tidemark::test
