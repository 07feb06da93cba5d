#pragma once
// Output paths checked against the input trace and each other before anything is written: an
// output over the trace would truncate it while it is read (a mapped .tmt faults, a CSV is
// replaced), and two outputs in one file would keep only the last one written.

#include <initializer_list>
#include <string>
#include <string_view>

namespace tidemark::cli {

// A file named on the command line: the option (or argument) that named it, and its path.
struct NamedFile {
  std::string_view option;
  const std::string& path;
};

// Throws ConfigError naming both options when an output is the same file as the input or as an
// earlier output. "-" (stdout), "" (none) and anything that is not a regular file, such as
// /dev/null, may repeat.
void require_distinct_files(const NamedFile& input, std::initializer_list<NamedFile> outputs);

}  // namespace tidemark::cli
