// The engine profiles against their brute-force references (tests/reference_flink.hpp,
// tests/reference_kafka.hpp) on random traces: every result row (key, bounds, stats, kind, record
// timestamp, clock) in emission order, and every late event.
//
// Emission order: Kafka's is defined by the engine (per record, ascending start; on-close in the
// store's order), so it is compared exactly. Flink leaves timers with equal timestamps to its
// heap; the profile documents (end, key id, start) for them, and that documented order is
// compared exactly too.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reference_flink.hpp"
#include "reference_kafka.hpp"
#include "test_support.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"
#include "tidemark/windows/profiles/flink.hpp"
#include "tidemark/windows/profiles/kafka_streams.hpp"

namespace {

using namespace tidemark;
using test::Rng;

// A random trace: times on a grain (ties and exact boundary hits), arrival order shuffled by a
// bounded jitter, optional receive_time (non-decreasing per arrival, with ties) and optional
// `kind=W` rows (a partition's watermark, somewhat behind its largest time so far).
struct GenParams {
  int n = 40;
  int keys = 2;
  int partitions = 2;
  int64_t grain = 1;
  int64_t max_gap = 10;
  int64_t jitter = 0;
  int64_t base = 0;
  bool receive_time = false;
  int watermark_percent = 0;  // W rows; 0: no kind column
};

GenParams random_params(Rng& rng) {
  GenParams g;
  g.n = int(rng.uniform(1, 50));
  g.keys = int(rng.uniform(1, 3));
  g.partitions = int(rng.uniform(1, 3));
  g.grain = std::array<int64_t, 3>{1, 5, 10}[rng.uniform(0, 2)];
  g.max_gap = rng.uniform(0, 4) * g.grain;
  g.jitter = rng.chance(20) ? 0 : rng.uniform(1, 30) * g.grain;
  g.base = rng.uniform(0, 300) * g.grain;
  return g;
}

struct Generated {
  std::string csv;
  Trace trace;
  int64_t grain = 1;
};

Generated generate(Rng& rng, const GenParams& g) {
  struct Rec {
    int64_t t, sort_key, value;
    int key, partition;
  };
  std::vector<Rec> recs;
  int64_t t = g.base;
  for (int i = 0; i < g.n; ++i) {
    t += rng.uniform(0, g.max_gap / g.grain) * g.grain;
    recs.push_back({t, t + rng.uniform(0, g.jitter), rng.uniform(-50, 50),
                    int(rng.uniform(0, g.keys - 1)), int(rng.uniform(0, g.partitions - 1))});
  }
  std::stable_sort(recs.begin(), recs.end(),
                   [](const Rec& a, const Rec& b) { return a.sort_key < b.sort_key; });
  Generated out;
  out.grain = g.grain;
  out.csv = "partition,key,event_time,value";
  if (g.receive_time) out.csv += ",receive_time";
  if (g.watermark_percent > 0) out.csv += ",kind";
  out.csv += "\n";
  int64_t receive = g.base, max_seen = g.base;
  for (const Rec& r : recs) {
    receive += rng.chance(40) ? 0 : rng.uniform(1, 3) * g.grain;
    max_seen = std::max(max_seen, r.t);
    auto row = [&](int partition, int64_t time, const char* kind) {
      out.csv += fmt::format("{},k{},{},{}", partition, r.key, time, r.value);
      if (g.receive_time) out.csv += fmt::format(",{}", receive);
      if (g.watermark_percent > 0) out.csv += fmt::format(",{}", kind);
      out.csv += "\n";
    };
    row(r.partition, r.t, "E");
    if (rng.chance(g.watermark_percent)) {
      row(int(rng.uniform(0, g.partitions - 1)), max_seen - rng.uniform(0, 3) * g.grain, "W");
    }
  }
  out.trace = parse_csv_trace(out.csv, "random.csv");
  return out;
}

// A result row as one comparable line.
std::string line(uint32_t key, int64_t start, int64_t end, const WindowStats& s,
                 std::string_view kind, int64_t ts, int64_t clock) {
  return fmt::format("key {} [{},{}] count {} sum {} min {} max {} mean {} {} ts {} clock {}", key,
                     start, end, s.count, s.sum, s.min, s.max, s.mean, kind, ts, clock);
}

WindowStats stats_of(const std::vector<double>& values) {
  ref::Stats s;
  for (double v : values) s.add(v);
  return {s.count, s.sum, s.min, s.max, s.count == 0 ? 0.0 : s.mean()};
}

std::vector<std::string> lines_of(const std::vector<ProfileResult>& rows) {
  std::vector<std::string> out;
  for (const ProfileResult& r : rows)
    out.push_back(line(r.key, r.start, r.end, r.stats, to_string(r.kind), r.ts, r.stream_time));
  return out;
}

std::string late_line(uint64_t row, const Event& e, int64_t clock) {
  return fmt::format("row {} partition {} key {} t {} clock {}", row, e.partition, e.key,
                     e.event_time.ms, clock);
}

// What a run produced against what the reference says: rows in order, late events by row.
struct Diff {
  std::vector<std::string> errors;
  void compare(const std::string& what, const std::vector<std::string>& got,
               const std::vector<std::string>& want) {
    for (size_t i = 0; i < std::max(got.size(), want.size()) && errors.size() < 6; ++i) {
      const std::string g = i < got.size() ? got[i] : "(none)";
      const std::string w = i < want.size() ? want[i] : "(none)";
      if (g != w) errors.push_back(fmt::format("{} {}: got {}\n   want {}", what, i, g, w));
    }
  }
};

struct Run {
  CollectingProfileSink results;
  CollectingSink late;
};

std::vector<std::string> late_lines(const Trace& trace, const std::vector<LateEvent>& late) {
  std::vector<std::string> out;
  for (const LateEvent& l : late) {
    const auto it = std::find_if(trace.events.begin(), trace.events.end(),
                                 [&](const Event& e) { return e.row == l.row; });
    if (it == trace.events.end()) {
      out.push_back(fmt::format("row {} not in the trace", l.row));
      continue;
    }
    Event e = *it;
    if (l.partition != e.partition || l.key != e.key || l.event_time != e.event_time)
      e.key = UINT32_MAX;  // fields that do not match the row show up as a bad key
    out.push_back(late_line(l.row, e, l.clock.ms));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---- flink ----

GenParams flink_params(Rng& rng) {
  GenParams gp = random_params(rng);
  gp.base -= rng.chance(20) ? 400 * gp.grain : 0;  // negative times are Flink's like any other
  gp.watermark_percent = rng.chance(50) ? int(rng.uniform(5, 40)) : 0;
  gp.receive_time = rng.chance(30);
  return gp;
}

struct FlinkCase {
  ref::flink::Config ref;
  FlinkConfig config;
};

FlinkCase random_flink_case(Rng& rng, const Generated& g) {
  FlinkCase c;
  ref::flink::Config& r = c.ref;
  const int64_t unit = rng.chance(60) ? g.grain : 1;
  switch (rng.uniform(0, 2)) {
    case 0:
      r.assigner = ref::flink::Assigner::kTumbling;
      r.size = r.slide = rng.uniform(1, 12) * unit;
      r.offset = rng.chance(50) ? 0 : rng.uniform(-(r.size - 1), r.size - 1);
      c.config.window = TumblingSpec(Duration{r.size}, Duration{r.offset});
      break;
    case 1:
      r.assigner = ref::flink::Assigner::kSliding;
      r.size = rng.uniform(2, 12) * unit;
      r.slide = rng.chance(50) ? std::max<int64_t>(1, r.size / rng.uniform(1, 4))
                               : rng.uniform(1, r.size);
      r.offset = rng.chance(50) ? 0 : rng.uniform(-(r.slide - 1), r.slide - 1);
      c.config.window = HoppingSpec(Duration{r.size}, Duration{r.slide}, Duration{r.offset});
      break;
    default:
      r.assigner = ref::flink::Assigner::kSession;
      r.size = rng.uniform(1, 4) * unit;
      c.config.window = SessionSpec(Duration{r.size});
      break;
  }
  r.lateness = rng.chance(40) ? 0 : rng.uniform(1, 6) * unit;
  r.punctuated = g.trace.has(kColKind) && rng.chance(70);
  r.delay = rng.uniform(0, 3) * unit;
  r.purging = rng.chance(30);
  r.end_of_input = rng.chance(75);
  r.partitions = std::max<uint32_t>(1, g.trace.partition_count());
  if (rng.chance(10)) {
    ++r.partitions;  // a partition with no records: nothing fires before the end
    c.config.partitions = r.partitions;
  }
  c.config.allowed_lateness = Duration{r.lateness};
  c.config.watermarks = r.punctuated ? FlinkWatermarks::kPunctuated : FlinkWatermarks::kBounded;
  c.config.out_of_orderness = Duration{r.punctuated ? 0 : r.delay};
  // After every record, or periodic (not with W rows, which would muddle processing time).
  if (!g.trace.has(kColKind) && rng.chance(50)) r.interval = rng.uniform(1, 40) * unit;
  c.config.watermark_interval = Duration{r.interval};
  c.config.trigger = r.purging ? FlinkTrigger::kPurging : FlinkTrigger::kEventTime;
  c.config.end_of_input_watermark = r.end_of_input;
  return c;
}

std::string describe(const FlinkCase& c) {
  const ref::flink::Config& r = c.ref;
  return fmt::format("flink {} lateness {} watermarks {} trigger {} end {} partitions {}",
                     c.config.window.to_string(), r.lateness,
                     r.punctuated ? std::string("punctuated")
                                  : fmt::format("bounded:{} interval {}", r.delay, r.interval),
                     r.purging ? "purging" : "event-time", r.end_of_input ? "flush" : "keep",
                     r.partitions);
}

std::vector<ref::flink::Rec> flink_records(const Trace& trace) {
  std::vector<ref::flink::Rec> out;
  for (const Event& e : trace.records()) {
    std::optional<int64_t> receive;
    if (trace.has(kColReceiveTime)) receive = e.receive_time.ms;
    out.push_back({e.row, e.partition, e.key, e.event_time.ms, e.value,
                   e.kind == RecordKind::kWatermark, receive});
  }
  return out;
}

std::vector<std::string> flink_want_rows(const ref::flink::Output& want) {
  std::vector<std::string> out;
  for (const ref::flink::Row& r : want.rows) {
    out.push_back(line(r.key, r.start, r.end, stats_of(r.values),
                       to_string(r.immediate ? EmissionKind::kUpdate : EmissionKind::kOnTime),
                       r.end - 1, r.clock));
  }
  return out;
}

void want_late(const Trace& trace, uint64_t row, int64_t clock, std::vector<std::string>& out) {
  for (const Event& e : trace.events)
    if (e.row == row) out.push_back(late_line(row, e, clock));
}

std::vector<std::string> flink_errors(const Generated& g, const FlinkCase& c, const Run& run) {
  const ref::flink::Output want = ref::flink::run(flink_records(g.trace), c.ref);
  std::vector<std::string> late;
  for (const ref::flink::Late& l : want.late) want_late(g.trace, l.row, l.clock, late);
  std::sort(late.begin(), late.end());
  Diff d;
  d.compare("row", lines_of(run.results.results), flink_want_rows(want));
  d.compare("late", late_lines(g.trace, run.late.late), late);
  for (size_t i = 0; i < run.results.results.size(); ++i) {
    if (run.results.results[i].seq != i + 1) {
      d.errors.push_back(fmt::format("row {} has seq {}", i, run.results.results[i].seq));
      break;
    }
  }
  return d.errors;
}

Run run_flink_case(const Generated& g, const FlinkCase& c) {
  Run r;
  run_flink(g.trace, c.config, r.results, r.late);
  return r;
}

void check(const std::string& what, const std::string& csv,
           const std::vector<std::string>& errors) {
  std::string report;
  for (const std::string& e : errors) report += e + "\n";
  INFO(what << "\n" << report << (csv.size() < 2500 ? csv : std::string("(trace too long)")));
  CHECK(errors.empty());
}

// ---- kafka-streams ----

GenParams kafka_params(Rng& rng) {
  GenParams gp = random_params(rng);
  gp.receive_time = rng.chance(40);
  if (rng.chance(15)) gp.base = -rng.uniform(0, 4) * gp.max_gap;  // some dropped at the source
  return gp;
}

struct KafkaCase {
  ref::kafka::Config ref;
  KafkaStreamsConfig config;
};

KafkaCase random_kafka_case(Rng& rng, const Generated& g) {
  KafkaCase c;
  ref::kafka::Config& r = c.ref;
  const int64_t unit = rng.chance(60) ? g.grain : 1;
  switch (rng.uniform(0, 3)) {
    case 3:
      r.sliding = true;
      r.size = rng.uniform(1, 12) * unit;
      c.config.window = SlidingSpec(Duration{r.size});
      break;
    case 0:
      r.size = r.advance = rng.uniform(1, 12) * unit;
      c.config.window = TumblingSpec(Duration{r.size});
      break;
    case 1:
      r.size = rng.uniform(2, 12) * unit;
      r.advance = rng.chance(50) ? std::max<int64_t>(1, r.size / rng.uniform(1, 4))
                                 : rng.uniform(1, r.size);
      c.config.window = HoppingSpec(Duration{r.size}, Duration{r.advance});
      break;
    default:
      r.session = true;
      r.size = rng.uniform(1, 4) * unit;
      c.config.window = SessionSpec(Duration{r.size});
      break;
  }
  r.grace = rng.chance(40) ? 0 : rng.uniform(1, 6) * unit;
  r.on_close = rng.chance(40);
  r.retention = (r.sliding ? 2 * r.size : r.size) + r.grace;  // the DSL's defaults
  if (rng.chance(20)) {
    r.retention += rng.uniform(1, 10) * unit;
    c.config.retention = Duration{r.retention};
  }
  c.config.grace = Duration{r.grace};
  c.config.emit = r.on_close ? KafkaEmit::kOnClose : KafkaEmit::kOnUpdate;
  return c;
}

std::string describe(const KafkaCase& c) {
  return fmt::format("kafka-streams {} grace {} emit {} retention {}", c.config.window.to_string(),
                     c.ref.grace, c.ref.on_close ? "on-close" : "on-update", c.ref.retention);
}

std::vector<ref::kafka::Rec> kafka_records(const Trace& trace) {
  std::vector<ref::kafka::Rec> out;
  for (const Event& e : trace.records()) {
    std::optional<int64_t> receive;
    if (trace.has(kColReceiveTime)) receive = e.receive_time.ms;
    out.push_back({e.row, e.partition, e.key, e.event_time.ms, e.value, receive});
  }
  return out;
}

std::vector<std::string> kafka_want_rows(const ref::kafka::Output& want) {
  std::vector<std::string> out;
  for (const ref::kafka::Row& r : want.rows) {
    const EmissionKind kind = r.kind == ref::kafka::RowKind::kUpdate    ? EmissionKind::kUpdate
                              : r.kind == ref::kafka::RowKind::kOnClose ? EmissionKind::kOnTime
                                                                        : EmissionKind::kRetract;
    out.push_back(line(r.key, r.start, r.end, stats_of(r.values), to_string(kind), r.ts, r.clock));
  }
  return out;
}

std::vector<std::string> kafka_errors(const Generated& g, const KafkaCase& c, const Run& run) {
  std::vector<std::string> names;
  for (KeyId k = 0; k < g.trace.keys.size(); ++k) names.emplace_back(g.trace.keys.name(k));
  const ref::kafka::Output want = ref::kafka::run(kafka_records(g.trace), c.ref, names);
  std::vector<std::string> late;
  for (const ref::kafka::Late& l : want.late) want_late(g.trace, l.row, l.clock, late);
  std::sort(late.begin(), late.end());
  Diff d;
  d.compare("row", lines_of(run.results.results), kafka_want_rows(want));
  d.compare("late", late_lines(g.trace, run.late.late), late);
  return d.errors;
}

Run run_kafka_case(const Generated& g, const KafkaCase& c) {
  Run r;
  run_kafka_streams(g.trace, c.config, r.results, r.late);
  return r;
}

// What the random cases exercised, so that a generator change cannot make them vacuous.
struct Coverage {
  int runs = 0, with_rows = 0, with_late = 0, updates = 0, retracts = 0, on_close = 0;
  void count(const Run& r) {
    ++runs;
    with_rows += !r.results.results.empty();
    with_late += !r.late.late.empty();
    for (const ProfileResult& p : r.results.results) {
      updates += p.kind == EmissionKind::kUpdate;
      retracts += p.kind == EmissionKind::kRetract;
      on_close += p.kind == EmissionKind::kOnTime;
    }
  }
};

}  // namespace

TEST_CASE("profile reference: flink on random traces", "[reference][flink]") {
  Rng rng(26001);
  Coverage cov;
  for (int i = 0; i < 3000; ++i) {
    const Generated g = generate(rng, flink_params(rng));
    const FlinkCase c = random_flink_case(rng, g);
    const Run run = run_flink_case(g, c);
    cov.count(run);
    check(describe(c) + fmt::format(" (case {})", i), g.csv, flink_errors(g, c, run));
  }
  // Timer firings, immediate re-firings within allowed lateness, and late events all occur.
  CHECK(cov.with_rows > cov.runs * 3 / 4);
  CHECK(cov.with_late > cov.runs / 10);
  CHECK(cov.updates > 500);
  CHECK(cov.on_close > 10 * cov.runs);
}

TEST_CASE("profile reference: kafka-streams on random traces", "[reference][kafka]") {
  Rng rng(26002);
  Coverage cov;
  for (int i = 0; i < 3000; ++i) {
    const Generated g = generate(rng, kafka_params(rng));
    const KafkaCase c = random_kafka_case(rng, g);
    const Run run = run_kafka_case(g, c);
    cov.count(run);
    check(describe(c) + fmt::format(" (case {})", i), g.csv, kafka_errors(g, c, run));
  }
  // Updates, session tombstones, on-close emissions and late records all occur.
  CHECK(cov.with_rows > cov.runs * 3 / 4);
  CHECK(cov.with_late > cov.runs / 10);
  CHECK(cov.retracts > 500);
  CHECK(cov.on_close > 2 * cov.runs);
}

// The comparison itself can fail: a correct run passes, and each corruption of its rows or late
// events is reported.
TEST_CASE("profile reference: the comparison rejects corrupted results", "[reference]") {
  const auto corruptions = [](const auto& errors_of, const Run& run) {
    REQUIRE(errors_of(run).empty());
    const auto rejected = [&](auto&& corrupt) {
      Run bad = run;
      corrupt(bad);
      return !errors_of(bad).empty();
    };
    auto& rows = run.results.results;
    CHECK(rejected([](Run& b) { b.results.results.back().stats.sum += 1; }));
    CHECK(rejected([](Run& b) { b.results.results.front().ts += 1; }));
    CHECK(rejected([](Run& b) { b.results.results.front().stream_time += 1; }));
    CHECK(rejected([](Run& b) { b.results.results.front().kind = EmissionKind::kRetract; }));
    CHECK(rejected([](Run& b) { b.results.results.pop_back(); }));
    CHECK(rejected([](Run& b) { b.results.results.push_back(b.results.results.back()); }));
    // Two rows that differ, swapped: the order is compared too.
    for (size_t i = 1; i < rows.size(); ++i) {
      if (lines_of({rows[i - 1]}) == lines_of({rows[i]})) continue;
      CHECK(rejected([&](Run& b) { std::swap(b.results.results[i - 1], b.results.results[i]); }));
      break;
    }
    CHECK(rejected([](Run& b) { b.late.late.pop_back(); }));
    CHECK(rejected([](Run& b) { b.late.late.front().clock.ms += 1; }));
    CHECK(rejected([](Run& b) { b.late.late.push_back(b.late.late.front()); }));
  };
  bool flink_done = false, kafka_done = false;
  Rng rng(4226);
  for (int attempt = 0; attempt < 2000 && !(flink_done && kafka_done); ++attempt) {
    if (!flink_done) {
      const Generated g = generate(rng, flink_params(rng));
      const FlinkCase c = random_flink_case(rng, g);
      const Run run = run_flink_case(g, c);
      if (run.results.results.size() >= 3 && !run.late.late.empty()) {
        corruptions([&](const Run& r) { return flink_errors(g, c, r); }, run);
        flink_done = true;
      }
    }
    if (!kafka_done) {
      const Generated g = generate(rng, kafka_params(rng));
      const KafkaCase c = random_kafka_case(rng, g);
      const Run run = run_kafka_case(g, c);
      if (run.results.results.size() >= 3 && !run.late.late.empty()) {
        corruptions([&](const Run& r) { return kafka_errors(g, c, r); }, run);
        kafka_done = true;
      }
    }
  }
  CHECK(flink_done);
  CHECK(kafka_done);
}
