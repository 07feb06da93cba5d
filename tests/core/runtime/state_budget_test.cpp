// --max-state: sizes as typed, the clock's size known before it is allocated, runs under the
// budget that emit what unlimited runs emit, and runs over it that stop with one line, before the
// steps that would take much memory at once; through the library and the `tidemark` command.
#include "tidemark/core/runtime/state_budget.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "support/command.hpp"
#include "test_support.hpp"
#include "tidemark/core/runtime/clock.hpp"
#include "tidemark/windows/spec/assigners.hpp"
#include "tidemark/windows/time/generic_time_window_operator.hpp"
#include "tidemark/windows/time/time_window_operator.hpp"

using namespace tidemark;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kMiB = uint64_t(1) << 20;

// `n` events of `keys` keys, `spread_ms` apart, up to `disorder_ms` early, values integers or
// with two decimals.
Trace make_trace(size_t n, int64_t keys, int64_t spread_ms, int64_t disorder_ms, bool fractional,
                 uint64_t seed) {
  Trace t;
  t.source = "test";
  t.columns = kColKey | kColValue;
  for (int64_t k = 0; k < keys; ++k) t.keys.intern(fmt::format("k{}", k));
  test::Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    Event e;
    e.row = i + 2;
    e.key = KeyId(rng.uniform(0, keys - 1));
    e.event_time = Timestamp{int64_t(i) * spread_ms - rng.uniform(0, disorder_ms)};
    e.value = fractional ? double(rng.uniform(0, 9999)) / 100 : double(rng.uniform(0, 99));
    t.events.push_back(e);
  }
  return t;
}

std::vector<std::string> render(const std::vector<Emission>& emissions) {
  std::vector<std::string> out;
  for (const Emission& e : emissions) {
    out.push_back(fmt::format("{} {} {} {} {} {} {} {} {} {} {} {}", e.key, e.window.start.ms,
                              e.window.end.ms, e.stats.count, e.stats.sum, e.stats.min, e.stats.max,
                              e.stats.mean, int(e.kind), e.clock.ms, e.proc_time.ms, e.seq));
  }
  return out;
}

RunConfig config_of(const std::string& window, const std::string& lateness,
                    uint64_t max_state = StateLimit::kUnlimited) {
  RunConfig c;
  c.window = WindowSpec::parse(window);
  c.lateness = LatenessPolicy::parse(lateness);
  c.max_state.bytes = max_state;
  return c;
}

}  // namespace

TEST_CASE("max-state sizes: a number and a binary unit", "[state_budget]") {
  const auto size = [](const char* text) { return parse_size(text, "--max-state"); };
  CHECK(size("512MiB") == 512 * kMiB);
  CHECK(size("2GiB") == uint64_t(2) << 30);
  CHECK(size("1.5G") == uint64_t(3) << 29);
  CHECK(size("1.5g") == uint64_t(3) << 29);
  CHECK(size("100") == 100);
  CHECK(size("100B") == 100);
  CHECK(size("1k") == 1024);
  CHECK(size("1KB") == 1024);
  CHECK(size("0.5K") == 512);
  CHECK(size("1.0009K") == 1024);  // rounded down to whole bytes
  CHECK(size("3T") == uint64_t(3) << 40);
  CHECK(size("18446744073709551615") == UINT64_MAX);
  for (const char* bad : {"", "0", "0.0001", "0.0K", "garbage", "1.5X", "-1", "1..5", ".", "1.2.3",
                          "MiB", "1 MiB", "1MiBs", "1e3", "16777216T", "18446744073709551616"}) {
    INFO(bad);
    CHECK_THROWS_AS(size(bad), ConfigError);
  }
  CHECK_THROWS_WITH(size("1.5X"), Catch::StartsWith("--max-state 1.5X: not a size"));
  CHECK_THROWS_WITH(size("0"), "--max-state 0: must be at least 1 byte");
  CHECK_THROWS_WITH(size("16777216T"), "--max-state 16777216T: out of range");
}

TEST_CASE("sizes for people", "[state_budget]") {
  CHECK(format_size(900) == "900 B");
  CHECK(format_size(4096) == "4 KiB");
  CHECK(format_size(uint64_t(3) << 29) == "1.5 GiB");
  CHECK(format_size(418 * kMiB + 300 * 1024) == "418.3 MiB");
  CHECK(default_max_state() > 0);
}

TEST_CASE("the clock's size is known before it is allocated", "[state_budget][clock]") {
  RunConfig watermark, idle, stream;
  idle.idle_timeout = Duration{1000};
  stream.clock = ClockMode::kStreamTime;
  for (const PartitionId p : {1u, 2u, 7u, 8u, 9u, 63u, 64u, 65u, 512u, 513u, 1000u, 4097u}) {
    for (const RunConfig* c : {&watermark, &idle, &stream}) {
      INFO(p);
      const EventClock clock(*c, p);
      CHECK(clock.bytes() == EventClock::bytes_for(*c, p));
    }
  }
  // About 26 bytes a partition for the common clock: 16M partitions take ~0.4 GB.
  const double per_partition =
      double(EventClock::bytes_for(watermark, kMaxPartitions)) / kMaxPartitions;
  CHECK(per_partition > 26);
  CHECK(per_partition < 27);
}

TEST_CASE("a clock beyond the budget is refused before it is allocated", "[state_budget]") {
  RunConfig config = config_of("tumbling:1s", "drop", 64 * kMiB);
  CHECK_THROWS_MATCHES(StateBudget(config, kMaxPartitions), StateLimitError,
                       Catch::Message("--max-state 64 MiB: the clock's state for 16777216 "
                                      "partitions alone takes 418.3 MiB (a watermark per "
                                      "partition), before any window; use fewer partitions "
                                      "(--partitions, or the ids in the trace) or a larger "
                                      "--max-state"));
  TimeWindowOperator op(TumblingAssigner(Duration{1000}, {}), config.lateness);
  NullSink sink;
  CHECK_THROWS_AS(Driver(config, kMaxPartitions, false, op, sink, sink), StateLimitError);
  const StateBudget budget(config, 4);
  CHECK(budget.window_limit() == 64 * kMiB - EventClock::bytes_for(config, 4));
  // compare's share.
  config.max_state.shared_by = 4;
  CHECK(StateBudget(config, 4).window_limit() == 16 * kMiB - EventClock::bytes_for(config, 4));
}

TEST_CASE("under the budget a run emits what an unlimited run emits, over it, it stops",
          "[state_budget]") {
  const Trace ints = make_trace(20'000, 200, 2, 300, false, 7);
  const Trace fractions = make_trace(20'000, 200, 2, 300, true, 7);
  for (const char* window :
       {"tumbling:100ms", "hopping:1s/100ms", "sliding:50ms", "session:30ms"}) {
    for (const char* lateness : {"drop", "grace:1s"}) {
      for (const Trace* trace : {&ints, &fractions}) {
        INFO(window << " " << lateness << (trace == &ints ? " integers" : " fractions"));
        CollectingSink unlimited;
        const Metrics want = run(*trace, config_of(window, lateness), unlimited, unlimited).metrics;
        REQUIRE(want.peak_state_bytes > 4096);

        // Ample: allocations may exceed the estimate that peak_state_bytes reports (sliding's
        // pool, which starts with a 256 KiB slab), never by this much.
        CollectingSink budgeted;
        const Metrics got =
            run(*trace, config_of(window, lateness, 4 * want.peak_state_bytes + kMiB), budgeted,
                budgeted)
                .metrics;
        CHECK(render(budgeted.emissions) == render(unlimited.emissions));
        CHECK(got.peak_state_bytes == want.peak_state_bytes);
        CHECK(got.late == want.late);

        NullSink sink;
        const RunConfig tight = config_of(window, lateness, want.peak_state_bytes / 2);
        CHECK_THROWS_MATCHES(
            run(*trace, tight, sink, sink), StateLimitError,
            Catch::Predicate<StateLimitError>([&](const StateLimitError& e) {
              const std::string m = e.what();
              return m.find(fmt::format("--max-state {} exceeded: the state of {} with lateness {}",
                                        format_size(tight.max_state.bytes), window, lateness)) ==
                         0 &&
                     m.find("reached ") != std::string::npos &&
                     m.find("or a larger --max-state") != std::string::npos &&
                     m.find('\n') == std::string::npos;
            }));
      }
    }
  }
}

TEST_CASE("an event in very many windows is refused before its windows are allocated",
          "[state_budget]") {
  // Fractional values: every window of hopping:1d/1s keeps its own aggregate, 86400 per event.
  const RunConfig config = config_of("hopping:1d/1s", "drop", kMiB);
  TimeWindowOperator op(HoppingAssigner(Duration{86'400'000}, Duration{1000}, {}), config.lateness);
  NullSink sink;
  Driver driver(config, 1, false, op, sink, sink);
  Event e;
  e.event_time = Timestamp{1'000'000};
  e.value = 0.5;
  CHECK_THROWS_WITH(driver.process(e),
                    Catch::StartsWith("--max-state 1 MiB exceeded: the state of hopping:1d/1s "
                                      "with lateness drop, watermark bounded:0 reached ") &&
                        Catch::Contains("(each event falls in up to 86400 windows); try a longer "
                                        "advance or a larger --max-state"));
  // Stopped within one check's worth of windows past the limit, not 86400 windows (~9.7 MB) on.
  CHECK(op.open_windows() < 86'400);
  CHECK(op.state_bytes() <= kMiB + 4096 * GenericTimeWindowOperator<HoppingAssigner>::bytes_for(1));
}

TEST_CASE("a key's ring of window aggregates is refused before it grows past the budget",
          "[state_budget]") {
  // hopping:1h/1s with fractions: a ring of 4096 aggregates (128 KiB) per key.
  const RunConfig config = config_of("hopping:1h/1s", "drop", kMiB);
  TimeWindowOperator op(HoppingAssigner(Duration{3'600'000}, Duration{1000}, {}), config.lateness);
  NullSink sink;
  Driver driver(config, 1, false, op, sink, sink);
  const StateBudget budget(config, 1);
  bool refused = false;
  for (KeyId k = 0; k < 100 && !refused; ++k) {
    Event e;
    e.key = k;
    e.event_time = Timestamp{1'000'000};
    e.value = 0.5;
    try {
      driver.process(e);
    } catch (const StateLimitError& error) {
      refused = true;
      CHECK_THAT(error.what(), Catch::Contains("(each event falls in 3600 windows)"));
    }
  }
  CHECK(refused);
  CHECK(op.state_bytes() <= budget.window_limit());
}

TEST_CASE("hopping slices leave their columns for rings where the budget would not hold them",
          "[state_budget]") {
  // In order, integer values, 2000 events of keys up to 40000: the columns would hold 65536 keys
  // per slice (~44 MiB for 11 slices); rings hold the keys seen (~6 MiB).
  const Trace trace = make_trace(2000, 40'000, 25, 0, false, 3);
  const auto replay = [&](uint64_t max_state, std::vector<Emission>& out) {
    const RunConfig config = config_of("hopping:10s/1s", "drop", max_state);
    TimeWindowOperator op(HoppingAssigner(Duration{10'000}, Duration{1000}, {}), config.lateness);
    CollectingSink sink;
    Driver driver(config, 1, false, op, sink, sink);
    driver.process(trace.records());
    driver.finish();
    out = sink.emissions;
    return op.in_columns();
  };
  std::vector<Emission> unlimited, budgeted;
  CHECK(replay(StateLimit::kUnlimited, unlimited));
  CHECK_FALSE(replay(16 * kMiB, budgeted));
  CHECK(render(budgeted) == render(unlimited));
}

// ---- through the command ------------------------------------------------------------------

namespace {

using Result = tidemark::test::CommandResult;
using tidemark::test::tidemark_cmd;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("tidemark-budget-" + std::to_string(::getpid()) +
                                               "-" + std::to_string(next()++));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  static int& next() {
    static int n = 0;
    return n;
  }
};

std::string generate(const TempDir& dir, const std::string& name, const std::string& events) {
  const std::string path = dir / name;
  const Result r = tidemark_cmd(
      {"generate", "--workload", "mixed", "--events", events, "--seed", "1", "-o", path});
  REQUIRE(r.code == 0);
  return path;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// One line on stderr, exit 2, naming the limit, and nothing that reads like a crash.
void check_refused(const Result& r, const std::string& command) {
  CHECK(r.code == 2);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_THAT(r.err, Catch::StartsWith("tidemark " + command + ": --max-state "));
}

}  // namespace

TEST_CASE("replay: the reproducers stop with one line naming spec, policy and what to change",
          "[state_budget][cli]") {
  TempDir dir;
  const std::string csv = generate(dir, "t.csv", "2000");
  const std::string tmt = generate(dir, "t.tmt", "20000");

  // hopping:1d/1s with fractional values: 86400 windows per event, one aggregate each.
  Result r = tidemark_cmd(
      {"replay", csv, "--window", "hopping:1d/1s", "-o", dir / "r.jsonl", "--max-state", "4MiB"});
  check_refused(r, "replay");
  CHECK_THAT(r.err, Catch::Contains("--max-state 4 MiB exceeded: the state of hopping:1d/1s with "
                                    "lateness drop, watermark bounded:0 reached") &&
                        Catch::Contains("86400 windows") && Catch::Contains("a longer advance"));

  // hopping:1000s/1ms: 10^6 windows per event.
  r = tidemark_cmd({"replay", csv, "--window", "hopping:1000s/1ms", "-o", dir / "r.jsonl",
                    "--max-state", "16MiB"});
  check_refused(r, "replay");
  CHECK_THAT(r.err, Catch::Contains("hopping:1000s/1ms with lateness drop") &&
                        Catch::Contains("1000000 windows"));

  // tumbling:1ms with ten years of grace: every window is kept.
  r = tidemark_cmd({"replay", tmt, "--window", "tumbling:1ms", "--lateness", "grace:3650d", "-o",
                    dir / "r.jsonl", "--max-state", "2MiB"});
  check_refused(r, "replay");
  CHECK_THAT(r.err, Catch::Contains("the state of tumbling:1ms with lateness grace:3650d") &&
                        Catch::Contains("try a longer window, a shorter grace or a larger "
                                        "--max-state"));

  // Without a budget that small, the same runs are fine under the default.
  r = tidemark_cmd({"replay", tmt, "--window", "tumbling:1ms", "--lateness", "grace:3650d", "-o",
                    dir / "r.jsonl"});
  CHECK(r.code == 0);
}

TEST_CASE(
    "replay: partitions claimed by --partitions or a .tmt header are counted before the "
    "clock allocates them",
    "[state_budget][cli]") {
  TempDir dir;
  const std::string csv = generate(dir, "t.csv", "200");
  const std::string tmt = generate(dir, "t.tmt", "200");
  const std::string expect =
      "--max-state 64 MiB: the clock's state for 16777216 partitions alone takes 418.3 MiB";
  Result r = tidemark_cmd({"replay", csv, "--window", "tumbling:1s", "--partitions", "16777216",
                           "--max-state", "64MiB"});
  check_refused(r, "replay");
  CHECK_THAT(r.err, Catch::Contains(expect));

  // The header says 16777216 partitions, the records use 4: without the budget this is found
  // only at the end of the stream, after the clock took ~0.4 GB.
  std::string bytes = slurp(tmt);
  const uint32_t lie = kMaxPartitions;
  std::memcpy(bytes.data() + 20, &lie, 4);
  const std::string liar = dir / "liar.tmt";
  std::ofstream(liar, std::ios::binary) << bytes;
  r = tidemark_cmd({"replay", liar, "--window", "tumbling:1s", "--max-state", "64MiB"});
  check_refused(r, "replay");
  CHECK_THAT(r.err, Catch::Contains(expect));
}

TEST_CASE("replay under the budget writes the same bytes as replay under the default",
          "[state_budget][cli]") {
  TempDir dir;
  const std::string trace = generate(dir, "t.tmt", "20000");
  for (const char* window : {"tumbling:1s", "hopping:10s/1s", "sliding:1s", "session:2s"}) {
    INFO(window);
    const auto replay = [&](const std::string& name, const std::vector<std::string>& extra) {
      cli::Args args{"replay",
                     trace,
                     "--window",
                     window,
                     "--lateness",
                     "grace:5s",
                     "-o",
                     dir / (name + ".jsonl"),
                     "--late-output",
                     dir / (name + ".late")};
      args.insert(args.end(), extra.begin(), extra.end());
      const Result r = tidemark_cmd(args);
      REQUIRE(r.code == 0);
      return slurp(dir / (name + ".jsonl")) + slurp(dir / (name + ".late"));
    };
    const std::string by_default = replay("default", {});
    CHECK(replay("budget", {"--max-state", "1GiB"}) == by_default);
    CHECK(by_default.size() > 1000);
  }
}

TEST_CASE("compare shares --max-state among the runs it holds at once", "[state_budget][cli]") {
  TempDir dir;
  const std::string trace = generate(dir, "t.csv", "2000");
  Result r = tidemark_cmd({"compare", trace, "--window", "tumbling:1ms", "--policies",
                           "drop,grace:1h", "--max-state", "1MiB", "-j", "2"});
  check_refused(r, "compare");
  CHECK_THAT(r.err, Catch::StartsWith(
                        "tidemark compare: --max-state 1 MiB (512 KiB for each of the 2 runs "
                        "held at once) exceeded: the state of ") &&
                        Catch::Contains("fewer --threads"));
  r = tidemark_cmd({"compare", trace, "--window", "tumbling:1ms", "--policies", "drop,grace:1h",
                    "--max-state", "1MiB", "-j", "1"});
  check_refused(r, "compare");
  CHECK_THAT(r.err, Catch::StartsWith("tidemark compare: --max-state 1 MiB exceeded: "));
  r = tidemark_cmd({"compare", trace, "--window", "tumbling:1s", "--policies", "drop,grace:1h",
                    "--max-state", "1GiB", "-j", "2"});
  CHECK(r.code == 0);
}

TEST_CASE("max-state: bad sizes are one line and exit 2, help names the option",
          "[state_budget][cli]") {
  TempDir dir;
  const std::string trace = generate(dir, "t.csv", "10");
  for (const char* command : {"replay", "compare"}) {
    for (const char* bad : {"0", "lots", "-5G", "2PiB"}) {
      INFO(command << " " << bad);
      const Result r =
          tidemark_cmd({command, trace, "--window", "tumbling:1s", "--max-state", bad});
      CHECK(r.code == 2);
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
      CHECK_THAT(r.err,
                 Catch::StartsWith(fmt::format("tidemark {}: --max-state {}: ", command, bad)));
    }
    CHECK_THAT(tidemark_cmd({command, "--help"}).out,
               Catch::Contains("--max-state") && Catch::Contains("a quarter of physical memory"));
  }
}
