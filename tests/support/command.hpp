#pragma once
// The tidemark command run in-process: its exit code, stdout and stderr.
#include <sstream>
#include <string>

#include "commands.hpp"

namespace tidemark::test {

struct CommandResult {
  int code;
  std::string out, err;
};

inline CommandResult tidemark_cmd(const cli::Args& args) {
  std::ostringstream out, err;
  const int code = cli::main(args, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace tidemark::test
