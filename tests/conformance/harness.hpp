#pragma once
// Conformance vectors run through the real `tidemark` command: each vector's records become a
// small trace CSV, `tidemark replay --profile P ...` runs it, and its JSON Lines results are
// spelled as the engine's tests spell them, so that the expected rows are transcribed verbatim.

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace conformance {

namespace fs = std::filesystem;

// One input record, written `key@ts:value`, optionally `#partition` and `~receive_time`; or a
// watermark row, written `W(ts)`, optionally `#partition`.
struct Record {
  std::string key;
  int64_t ts = 0;
  std::string value = "1";
  uint32_t partition = 0;
  int64_t receive = -1;  // -1: no receive_time column
  bool watermark = false;
};

// "A@0:1 B@1:2 k@5:3#1~0" (records separated by blanks).
inline std::vector<Record> records(const std::string& text) {
  std::vector<Record> out;
  std::istringstream in(text);
  for (std::string word; in >> word;) {
    Record r;
    std::string rest;
    if (word.rfind("W(", 0) == 0) {
      r.watermark = true;
      r.key.clear();
      rest = word.substr(2);
      rest.erase(rest.find(')'), 1);
    } else {
      const size_t at = word.find('@');
      r.key = word.substr(0, at);
      rest = word.substr(at + 1);
    }
    if (const size_t tilde = rest.find('~'); tilde != std::string::npos) {
      r.receive = std::stoll(rest.substr(tilde + 1));
      rest = rest.substr(0, tilde);
    }
    if (const size_t hash = rest.find('#'); hash != std::string::npos) {
      r.partition = uint32_t(std::stoul(rest.substr(hash + 1)));
      rest = rest.substr(0, hash);
    }
    if (const size_t colon = rest.find(':'); colon != std::string::npos) {
      r.value = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
    }
    r.ts = std::stoll(rest);
    out.push_back(r);
  }
  return out;
}

struct Scratch {
  fs::path path;
  Scratch() {
    static int n = 0;
    path = fs::temp_directory_path() /
           ("tidemark-conformance-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    fs::create_directories(path);
  }
  ~Scratch() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

inline std::string read_all(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline std::vector<nlohmann::json> json_lines(const std::string& path) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  }
  return rows;
}

struct Replay {
  int exit_code = -1;
  std::string err;
  std::vector<nlohmann::json> results, late;
};

// `tidemark replay TRACE --profile PROFILE ARGS -o results --late-output late`.
inline Replay replay(const std::vector<Record>& input, const std::vector<std::string>& args,
                     const std::string& profile = "kafka-streams") {
  Scratch dir;
  const bool receive = !input.empty() && input.front().receive >= 0;
  const bool kinds =
      std::any_of(input.begin(), input.end(), [](const Record& r) { return r.watermark; });
  {
    std::ofstream trace(dir / "trace.csv");
    trace << "partition,key,event_time,value" << (receive ? ",receive_time" : "")
          << (kinds ? ",kind" : "") << '\n';
    for (const Record& r : input) {
      trace << r.partition << ',' << r.key << ',' << r.ts << ',' << r.value;
      if (receive) trace << ',' << r.receive;
      if (kinds) trace << ',' << (r.watermark ? 'W' : 'E');
      trace << '\n';
    }
  }
  std::vector<std::string> argv = {TIDEMARK_BINARY, "replay", dir / "trace.csv", "--profile",
                                   profile};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const char* a : {"-o", "", "--late-output", ""}) argv.emplace_back(a);
  argv[argv.size() - 3] = dir / "results.jsonl";
  argv[argv.size() - 1] = dir / "late.jsonl";
  std::vector<char*> ptrs;
  for (std::string& a : argv) ptrs.push_back(a.data());
  ptrs.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string out_path = dir / "stdout", err_path = dir / "stderr";
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, ptrs.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  Replay r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = read_all(err_path);
  if (r.exit_code == 0) {
    r.results = json_lines(dir / "results.jsonl");
    r.late = json_lines(dir / "late.jsonl");
  }
  return r;
}

inline std::string number(const nlohmann::json& v) {
  const double d = v.get<double>();
  if (d == double(int64_t(d))) return std::to_string(int64_t(d));
  std::ostringstream s;
  s << d;
  return s.str();
}

// How the engine's test spells an aggregate.
enum class Agg {
  kCollect0,  // MockInitializer.STRING_INIT "0" + MockAggregator.TOSTRING_ADDER: "0+1+2"
  kCollect,   // initializer "" + "+v": "+1+2"
  kReduce,    // MockReducer.STRING_ADDER: "1+2"
  kCount,     // Long count
};

inline std::string spell_value(const nlohmann::json& row, Agg agg) {
  if (row["kind"] == "retract") return "null";  // Kafka's tombstone
  if (agg == Agg::kCount) return number(row["count"]);
  std::string s = agg == Agg::kCollect0 ? "0" : "";
  bool first = true;
  for (const auto& v : row["values"]) {
    if (!(agg == Agg::kReduce && first)) s += '+';
    s += number(v);
    first = false;
  }
  return s;
}

// Windows as the engines' tests print them: "[s,e)" for time windows, "[s,e]" for sliding and
// session windows (both ends inclusive).
enum class Bounds { kHalfOpen, kInclusive };

// "key [start,end) value @ts".
inline std::string spell(const nlohmann::json& row, Agg agg, Bounds b) {
  std::ostringstream s;
  s << row["key"].get<std::string>() << " [" << row["start"].get<int64_t>() << ','
    << row["end"].get<int64_t>() << (b == Bounds::kHalfOpen ? ")" : "]") << ' '
    << spell_value(row, agg) << " @" << row["ts"].get<int64_t>();
  return s.str();
}

inline std::vector<std::string> spelled(const Replay& r, Agg agg, Bounds b) {
  std::vector<std::string> out;
  for (const auto& row : r.results) out.push_back(spell(row, agg, b));
  return out;
}

// The sliding tests' gatherOutput: per window start, the set of "value@ts" forwarded.
inline std::map<int64_t, std::set<std::string>> gathered(const Replay& r, Agg agg) {
  std::map<int64_t, std::set<std::string>> out;
  for (const auto& row : r.results) {
    out[row["start"].get<int64_t>()].insert(spell_value(row, agg) + "@" +
                                            std::to_string(row["ts"].get<int64_t>()));
  }
  return out;
}

// "key@ts" of each late record, in order.
inline std::vector<std::string> late_records(const Replay& r) {
  std::vector<std::string> out;
  for (const auto& row : r.late) {
    out.push_back(row["key"].get<std::string>() + "@" +
                  std::to_string(row["extracted_time"].get<int64_t>()));
  }
  return out;
}

// The session store after the run, from the on-update stream: each forward puts its window, each
// tombstone removes it ("key [start,end] count").
inline std::set<std::string> session_store(const Replay& r) {
  std::map<std::string, std::string> store;
  for (const auto& row : r.results) {
    const std::string id = row["key"].get<std::string>() + " [" +
                           std::to_string(row["start"].get<int64_t>()) + "," +
                           std::to_string(row["end"].get<int64_t>()) + "]";
    if (row["kind"] == "retract") {
      store.erase(id);
    } else {
      store[id] = number(row["count"]);
    }
  }
  std::set<std::string> out;
  for (const auto& [id, count] : store) out.insert(id + " " + count);
  return out;
}

}  // namespace conformance
