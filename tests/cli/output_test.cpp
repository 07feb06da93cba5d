// Output files: written beside their target, moved into place only on commit; failed writes keep
// the system's reason.
#include "output.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "fd_stream.hpp"
#include "tidemark/core/error.hpp"

namespace fs = std::filesystem;
using tidemark::ConfigError;
using tidemark::cli::BrokenPipe;
using tidemark::cli::FdStreamBuf;
using tidemark::cli::Output;

namespace {

struct Scratch {
  fs::path path = fs::temp_directory_path() / ("tidemark-output-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(path); }
  ~Scratch() { fs::remove_all(path); }
  size_t entries() const {
    return size_t(std::distance(fs::directory_iterator(path), fs::directory_iterator()));
  }
};

std::string contents(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("an output reaches its path only when committed", "[output]") {
  Scratch dir;
  const std::string target = (dir.path / "r.jsonl").string();
  std::ostringstream fallback;
  {
    Output out(target, fallback);
    out.stream() << "one\n";
    out.close();
    CHECK_FALSE(fs::exists(target));
    CHECK(dir.entries() == 1);  // the temporary file, beside its target
    out.commit();
  }
  CHECK(contents(target) == "one\n");
  CHECK(dir.entries() == 1);
  CHECK(fallback.str().empty());
}

TEST_CASE("an output never committed leaves its path as it was and no file behind", "[output]") {
  Scratch dir;
  const fs::path target = dir.path / "r.jsonl";
  std::ofstream(target) << "before\n";
  std::ostringstream fallback;
  {
    Output out(target.string(), fallback);
    out.stream() << "half a result";
    out.close();
  }
  CHECK(contents(target) == "before\n");
  CHECK(dir.entries() == 1);
}

TEST_CASE("a committed output keeps the mode of the file it replaces and writes through links",
          "[output]") {
  Scratch dir;
  const fs::path real = dir.path / "real.json", link = dir.path / "link.json";
  std::ofstream(real) << "old";
  fs::permissions(real, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  fs::create_symlink(real, link);
  std::ostringstream fallback;
  Output out(link.string(), fallback);
  out.stream() << "new";
  out.commit();
  CHECK(fs::is_symlink(link));
  CHECK(contents(real) == "new");
  CHECK((fs::status(real).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
}

TEST_CASE("a directory or a missing folder is refused when the output is opened", "[output]") {
  Scratch dir;
  std::ostringstream fallback;
  CHECK_THROWS_WITH(Output(dir.path.string(), fallback),
                    Catch::Contains("cannot write") && Catch::Contains("Is a directory"));
  CHECK_THROWS_WITH(Output((dir.path / "missing/x").string(), fallback),
                    Catch::Contains("No such file or directory"));
  CHECK(dir.entries() == 0);
}

TEST_CASE("devices are written directly, - is the fallback stream", "[output]") {
  std::ostringstream fallback;
  Output null("/dev/null", fallback);
  CHECK_FALSE(null.is_fallback());
  null.stream() << "discarded";
  null.commit();
  Output dash("-", fallback);
  CHECK(dash.is_fallback());
  dash.stream() << "shown";
  dash.commit();
  CHECK(fallback.str() == "shown");
}

TEST_CASE("a failed write keeps the system's reason: a full device, a closed pipe", "[output]") {
  std::ostringstream fallback;
  Output full("/dev/full", fallback);
  full.stream() << std::string(1 << 17, 'x');
  CHECK_THROWS_WITH(full.close(), "/dev/full: write failed: No space left on device");

  ::signal(SIGPIPE, SIG_IGN);  // as the tidemark command does
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  FdStreamBuf pipe(fds[1], true);
  std::ostream s(&pipe);
  s << "to nobody" << std::flush;
  CHECK_FALSE(s);
  CHECK(pipe.error() == EPIPE);
  CHECK_THROWS_AS(tidemark::cli::check_written(s), BrokenPipe);
}

TEST_CASE("FdStreamBuf writes small and large pieces in order", "[output]") {
  Scratch dir;
  const fs::path p = dir.path / "f";
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE(fd >= 0);
  std::string expected;
  {
    FdStreamBuf buf(fd, true);
    std::ostream s(&buf);
    for (size_t n : {size_t(3), size_t(70000), size_t(1), size_t(65535), size_t(200000)}) {
      const std::string piece(n, char('a' + n % 26));
      s.write(piece.data(), std::streamsize(n));
      expected += piece;
      s << '|';
      expected += '|';
    }
    CHECK(buf.close());
  }
  CHECK(contents(p) == expected);
}

TEST_CASE("/dev/stdout names a descriptor: written directly, even onto a regular file",
          "[output]") {
  Scratch dir;
  const fs::path p = dir.path / "redirected";
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE(fd >= 0);
  const std::string via = "/proc/self/fd/" + std::to_string(fd);
  std::ostringstream fallback;
  {
    Output out(via, fallback);
    out.stream() << "direct";
    out.close();  // no commit: a descriptor has nothing to move into place
  }
  ::close(fd);
  CHECK(contents(p) == "direct");
  CHECK(dir.entries() == 1);
}
