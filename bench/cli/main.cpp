#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  return tidemark::cli::main(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
}
