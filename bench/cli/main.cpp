#include <signal.h>
#include <unistd.h>

#include <iostream>

#include "commands.hpp"
#include "fd_stream.hpp"
#include "interrupts.hpp"
#include "options.hpp"

int main(int argc, char** argv) {
  tidemark::cli::install_signal_handlers();
  // stdout through a buffer that keeps the reason of a failed write (a full disk, a closed pipe).
  tidemark::cli::FdStreamBuf stdout_buffer(STDOUT_FILENO, false);
  std::ostream out(&stdout_buffer);
  const int code =
      tidemark::cli::main(std::vector<std::string>(argv + 1, argv + argc), out, std::cerr);
  if (code == tidemark::cli::kBrokenPipeExit) {  // end as a Unix tool does on a closed pipe
    ::signal(SIGPIPE, SIG_DFL);
    ::raise(SIGPIPE);
  }
  return code;
}
