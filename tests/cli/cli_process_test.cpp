// The tidemark command as a process: what a closed pipe, a full stdout and a signal leave behind.
#include <catch2/catch.hpp>

#ifdef TIDEMARK_BINARY

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

extern char** environ;

namespace {

const std::string kDemo = std::string(TIDEMARK_SOURCE_DIR) + "/data/demo.csv";

struct Scratch {
  fs::path path = fs::temp_directory_path() / ("tidemark-process-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(path); }
  ~Scratch() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path)) names.push_back(e.path().filename());
    return names;
  }
};

// A running `tidemark ARGS`, stdout to `stdout_fd`, stderr to a file.
class Process {
 public:
  // `stdin_fd` -1: the test's own stdin.
  Process(const std::vector<std::string>& args, int stdout_fd, const std::string& stderr_path,
          int stdin_fd = -1) {
    std::vector<std::string> argv = {TIDEMARK_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> ptrs;
    for (std::string& a : argv) ptrs.push_back(a.data());
    ptrs.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (stdin_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawnattr_t attr;  // signals as a shell leaves them, whatever the test runner set
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int s : {SIGINT, SIGTERM, SIGPIPE}) sigaddset(&defaults, s);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    REQUIRE(posix_spawn(&pid_, argv[0].c_str(), &actions, &attr, ptrs.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  int wait() {
    int status = 0;
    REQUIRE(::waitpid(pid_, &status, 0) == pid_);
    return status;
  }
  void signal(int s) { ::kill(pid_, s); }

 private:
  pid_t pid_ = -1;
};

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Waits (at most 60 s) until the directory holds a file whose name contains `part`.
bool appears(const Scratch& dir, const std::string& part) {
  for (int i = 0; i < 6000; ++i) {
    for (const std::string& name : dir.entries()) {
      if (name.find(part) != std::string::npos) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

TEST_CASE("a full stdout is one line and exit 2", "[cli][process]") {
  Scratch dir;
  const int full = ::open("/dev/full", O_WRONLY);
  REQUIRE(full >= 0);
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"inspect", kDemo},
           {"inspect", kDemo, "--json"},
           {"compare", kDemo, "-w", "tumbling:10s"},
           {"replay", kDemo, "-w", "tumbling:10s", "-o", "/dev/null"},
       }) {
    INFO(args[0] << " " << args.back());
    const int status = Process(args, full, dir / "err").wait();
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(read_all(dir / "err") ==
          "tidemark " + args[0] + ": stdout: write failed: No space left on device\n");
  }
  ::close(full);
}

TEST_CASE("a closed pipe ends the command quietly, as SIGPIPE ends Unix tools", "[cli][process]") {
  Scratch dir;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);  // the reader is gone before the first write
  Process p({"replay", kDemo, "-w", "tumbling:10s", "--late-output", dir / "late.jsonl"}, fds[1],
            dir / "err");
  ::close(fds[1]);
  const int status = p.wait();
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGPIPE);
  CHECK(read_all(dir / "err").empty());
  CHECK(dir.entries() == std::vector<std::string>{"err"});  // no late file, no temporary one
}

namespace {

// Sends `sig` to a replay that is writing its late output to a file: its results go to a pipe
// nobody reads, so the run blocks on its first full block with the late output's temporary
// file open. Returns the wait status.
int signal_blocked_replay(const Scratch& dir, int sig) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  Process p({"replay", kDemo, "-w", "tumbling:10s", "--late-output", dir / "late.jsonl"}, fds[1],
            dir / "err");
  REQUIRE(appears(dir, ".late.jsonl.tidemark-"));
  p.signal(sig);
  const int status = p.wait();
  ::close(fds[0]);
  ::close(fds[1]);
  return status;
}

}  // namespace

TEST_CASE("SIGINT and SIGTERM remove unfinished outputs and exit 128 + the signal",
          "[cli][process]") {
  for (int sig : {SIGINT, SIGTERM}) {
    INFO(sig);
    Scratch dir;
    const int status = signal_blocked_replay(dir, sig);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 128 + sig);
    CHECK_THAT(read_all(dir / "err"), Catch::Contains("unfinished output files removed"));
    CHECK(dir.entries() == std::vector<std::string>{"err"});
  }
}

TEST_CASE("a killed run leaves no file at its target", "[cli][process]") {
  Scratch dir;
  const int status = signal_blocked_replay(dir, SIGKILL);
  CHECK(WIFSIGNALED(status));
  CHECK_FALSE(fs::exists(dir / "late.jsonl"));
}

namespace {

// `left | right`: their exit statuses; right's stdout goes to `out_path`, the stderrs to
// `left_err` and `right_err`.
std::pair<int, int> pipeline(const std::vector<std::string>& left,
                             const std::vector<std::string>& right, const Scratch& dir,
                             const std::string& out_path) {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);  // each child gets its end through dup2 only
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(out >= 0);
  Process writer(left, fds[1], dir / "left_err");
  Process reader(right, out, dir / "right_err", fds[0]);
  ::close(fds[0]);
  ::close(fds[1]);
  ::close(out);
  const int left_status = writer.wait();
  return {left_status, reader.wait()};
}

}  // namespace

TEST_CASE("generate -o - | replay - and | inspect -: a CSV trace through a pipe",
          "[cli][process]") {
  Scratch dir;
  const std::vector<std::string> generate = {"generate", "--workload", "mixed", "--events",
                                             "2e4",      "--seed",     "3",     "-o"};
  std::vector<std::string> to_file = generate;
  to_file.push_back(dir / "t.csv");
  const int out = ::open((dir / "gen_out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE(Process(to_file, out, dir / "gen_err").wait() == 0);
  ::close(out);
  std::vector<std::string> to_stdout = generate;
  to_stdout.push_back("-");
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"replay", "TRACE", "-w", "tumbling:10s", "--lateness",
                                              "grace:5s", "--summary", "/dev/null"},
                                             {"inspect", "TRACE", "--json"}}) {
    INFO(command[0]);
    std::vector<std::string> from_file = command, from_pipe = command;
    from_file[1] = dir / "t.csv";
    from_pipe[1] = "-";
    const int expected = ::open((dir / "expected").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(Process(from_file, expected, dir / "err").wait() == 0);
    ::close(expected);
    const auto [left, right] = pipeline(to_stdout, from_pipe, dir, dir / "piped");
    CHECK(left == 0);
    CHECK(right == 0);
    if (command[0] == "replay") {  // the summary table, on stderr beside results on stdout
      CHECK_THAT(read_all(dir / "right_err"),
                 Catch::StartsWith("tidemark replay -  tumbling:10s") && Catch::Contains("20000"));
    } else {
      CHECK(read_all(dir / "right_err").empty());
    }
    const std::string piped = read_all(dir / "piped");
    CHECK(std::count(piped.begin(), piped.end(), '\n') > 100);
    // The same output, but that inspect names its source: stdin.
    std::string expected_text = read_all(dir / "expected");
    for (size_t at; (at = expected_text.find(dir / "t.csv")) != std::string::npos;) {
      expected_text.replace(at, (dir / "t.csv").size(), "stdin");
    }
    CHECK(piped == expected_text);
  }
}

TEST_CASE("a .tmt on stdin is refused in one line", "[cli][process]") {
  Scratch dir;
  const int out = ::open((dir / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE(Process({"generate", "--workload", "mixed", "--events", "100", "--seed", "3", "-o",
                   dir / "t.tmt"},
                  out, dir / "err")
              .wait() == 0);
  const int tmt = ::open((dir / "t.tmt").c_str(), O_RDONLY);
  REQUIRE(tmt >= 0);
  const int status =
      Process({"replay", "-", "-w", "tumbling:10s"}, out, dir / "right_err", tmt).wait();
  ::close(tmt);
  ::close(out);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(read_all(dir / "right_err") ==
        "tidemark replay: stdin: a binary trace (it starts with TIDEMARK): a .tmt is read from a "
        "file, not from stdin; write it to a file, or pipe CSV\n");
}

#endif  // TIDEMARK_BINARY
