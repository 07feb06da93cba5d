#pragma once
// The `tidemark` command: subcommands in one table that also prints the list.

#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tidemark::cli {

using Args = std::vector<std::string>;

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(const Args& args, std::ostream& out, std::ostream& err);
};

std::span<const Command> commands();

// "tidemark X.Y.Z", what --version prints (on the command and on every subcommand).
std::string_view version_line();

// Dispatches `args` (without the program name). Exit codes: 0 ok, 2 bad options or input.
int main(const Args& args, std::ostream& out, std::ostream& err);

int replay(const Args& args, std::ostream& out, std::ostream& err);
int compare(const Args& args, std::ostream& out, std::ostream& err);
int generate(const Args& args, std::ostream& out, std::ostream& err);
int convert(const Args& args, std::ostream& out, std::ostream& err);
int inspect(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace tidemark::cli
