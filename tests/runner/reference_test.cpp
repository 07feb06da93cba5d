// The runtime against the brute-force reference (tests/reference.hpp) on random traces: results,
// late events, conservation, emission order and determinism.

#include "reference.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "test_support.hpp"
#include "tidemark/core/output/outputs.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"
#include "tidemark/runner/run.hpp"

namespace {

using namespace tidemark;

using test::Rng;

// A random trace: sorted true times (with ties), arrival order shuffled by a bounded jitter, so
// every event arrives after at most `jitter` ms of disorder: an earlier arrival u has
// u.t + j_u <= t + j_t, hence u.t <= t + jitter. The max seen at any arrival is then <= t + jitter.
struct GenParams {
  int n = 100;
  int keys = 2;
  int partitions = 2;
  int64_t jitter = 0;
  int64_t max_gap = 30;
  int64_t grain = 1;  // all times are multiples of this (more exact boundary coincidences)
  int64_t base = 0;
};

struct Generated {
  std::string csv;
  std::vector<uint64_t> rows;  // expected CSV line of each record, in arrival order
  Trace trace;
  std::vector<ref::Ev> events;
};

GenParams random_params(Rng& rng, int max_n) {
  GenParams g;
  g.n = int(rng.uniform(1, max_n));
  g.keys = int(rng.uniform(1, 4));
  g.partitions = int(rng.uniform(1, 3));
  g.grain = std::array<int64_t, 3>{1, 10, 50}[rng.uniform(0, 2)];
  g.max_gap = rng.uniform(0, 4) * g.grain;
  g.jitter = rng.chance(15) ? 0 : rng.uniform(1, 40) * g.grain;
  g.base = rng.chance(30) ? -rng.uniform(0, 2000) * g.grain : rng.uniform(0, 2000) * g.grain;
  return g;
}

Generated generate(Rng& rng, const GenParams& g) {
  struct Rec {
    int64_t t, sort_key;
    int64_t value;
    int key, partition, index;
  };
  std::vector<Rec> recs;
  int64_t t = g.base;
  for (int i = 0; i < g.n; ++i) {
    t += rng.uniform(0, g.max_gap / g.grain) * g.grain;
    recs.push_back({t, t + rng.uniform(0, g.jitter), rng.uniform(-100, 100),
                    int(rng.uniform(0, g.keys - 1)), int(rng.uniform(0, g.partitions - 1)), i});
  }
  std::stable_sort(recs.begin(), recs.end(),
                   [](const Rec& a, const Rec& b) { return a.sort_key < b.sort_key; });
  Generated out;
  out.csv = "partition,key,event_time,value\n";
  uint64_t line = 1;
  for (const Rec& r : recs) {
    if (rng.chance(5)) {  // blank lines are skipped but still counted as lines
      out.csv += "\n";
      ++line;
    }
    out.csv += fmt::format("{},k{},{},{}\n", r.partition, r.key, r.t, r.value);
    out.rows.push_back(++line);
  }
  out.trace = parse_csv_trace(out.csv, "random.csv");
  for (const Event& e : out.trace.events) {
    out.events.push_back({e.row, e.partition, e.key, e.event_time.ms, e.value});
  }
  return out;
}

// One configuration, in the reference's terms; converted to a RunConfig for the runtime.
struct Case {
  ref::Spec spec;
  ref::Policy policy;
  bool stream_time = false;
  int64_t delay = 0;
  std::optional<uint32_t> partitions;  // --partitions, else 1 + the largest id in the trace
  Schedule schedule = Schedule::kArrival;
};

RunConfig to_config(const Case& c) {
  RunConfig cfg;
  const Duration size{c.spec.size};
  switch (c.spec.kind) {
    case ref::Kind::kTumbling:
      cfg.window = TumblingSpec(size, Duration{c.spec.offset});
      break;
    case ref::Kind::kHopping:
      cfg.window = HoppingSpec(size, Duration{c.spec.advance}, Duration{c.spec.offset});
      break;
    case ref::Kind::kSliding:
      cfg.window = SlidingSpec(size);
      break;
    case ref::Kind::kSession:
      cfg.window = SessionSpec(size);
      break;
  }
  switch (c.policy.kind) {
    case ref::Policy::Kind::kDrop:
      cfg.lateness = LatenessPolicy::drop();
      break;
    case ref::Policy::Kind::kWait:
      cfg.lateness = LatenessPolicy::wait(Duration{c.policy.amount});
      break;
    case ref::Policy::Kind::kGrace:
      cfg.lateness = LatenessPolicy::grace(Duration{c.policy.amount});
      break;
  }
  cfg.clock = c.stream_time ? ClockMode::kStreamTime : ClockMode::kWatermark;
  cfg.watermark = WatermarkSpec::bounded(Duration{c.delay});
  cfg.partitions = c.partitions;
  cfg.schedule = c.schedule;
  return cfg;
}

ref::ClockSpec clock_of(const Case& c, const Trace& trace) {
  return {c.stream_time, c.delay,
          c.partitions.value_or(std::max<uint32_t>(1, trace.partition_count()))};
}

std::string describe(const Case& c) {
  const RunConfig cfg = to_config(c);
  return fmt::format("window {} lateness {} clock {} partitions {} schedule {}",
                     cfg.window.to_string(), cfg.lateness.to_string(),
                     c.stream_time ? std::string("stream-time") : cfg.watermark.to_string(),
                     c.partitions ? std::to_string(*c.partitions) : std::string("auto"),
                     to_string(c.schedule));
}

// A random window spec of the given kind; sizes are multiples of the trace's grain half the time.
ref::Spec random_spec(Rng& rng, ref::Kind kind, bool with_offset, int64_t grain) {
  const int64_t unit = rng.chance(50) ? grain : 1;
  ref::Spec s;
  s.kind = kind;
  switch (kind) {
    case ref::Kind::kTumbling:
      s.size = rng.uniform(1, 60) * unit;
      s.advance = s.size;
      if (with_offset) s.offset = rng.uniform(-(s.size - 1), s.size - 1);
      break;
    case ref::Kind::kHopping:
      s.size = rng.uniform(2, 60) * unit;
      // Several advances per size; some divide it, some do not.
      s.advance = rng.chance(50) ? std::max<int64_t>(1, s.size / rng.uniform(1, 5))
                                 : rng.uniform(1, s.size);
      s.offset = rng.chance(50) ? rng.uniform(-(s.advance - 1), s.advance - 1) : 0;
      break;
    case ref::Kind::kSliding:
      s.size = rng.uniform(1, 40) * unit;
      break;
    case ref::Kind::kSession:
      s.size = rng.uniform(1, 8) * unit;
      break;
  }
  return s;
}

struct Outcome {
  CollectingSink sink;
  Metrics metrics;
};

Outcome run_case(const Generated& g, const Case& c) {
  Outcome o;
  o.metrics = run(g.trace, to_config(c), o.sink, o.sink).metrics;
  return o;
}

// The final result of each window: its last emission that is not a retract, unless a later
// retract of the same (key, start, end) follows. Retracts must name a live emitted window with
// its last emitted contents.
std::map<ref::WinId, WindowStats> final_results(const std::vector<Emission>& emissions,
                                                std::vector<std::string>& errors) {
  std::map<ref::WinId, WindowStats> out;
  for (const Emission& e : emissions) {
    const ref::WinId id{e.key, e.window.start.ms, e.window.end.ms};
    if (e.kind != EmissionKind::kRetract) {
      out[id] = e.stats;
      continue;
    }
    const auto it = out.find(id);
    if (it == out.end()) {
      errors.push_back(fmt::format("seq {}: retract of a window that is not live", e.seq));
    } else {
      if (!(it->second == e.stats))
        errors.push_back(fmt::format("seq {}: retract contents differ", e.seq));
      out.erase(it);
    }
  }
  return out;
}

std::string show(const ref::WinId& w) {
  return fmt::format("key {} [{}, {})", w.key, w.start, w.end);
}

void compare_results(const std::map<ref::WinId, WindowStats>& got, const ref::Results& want,
                     std::vector<std::string>& errors) {
  for (const auto& [id, st] : want) {
    const auto it = got.find(id);
    if (it == got.end()) {
      errors.push_back(fmt::format("missing window {} (count {})", show(id), st.count));
      continue;
    }
    const WindowStats expected{st.count, st.sum, st.min, st.max, st.mean()};
    const WindowStats& g = it->second;
    if (!(g == expected)) {
      errors.push_back(
          fmt::format("window {}: got count {} sum {} min {} max {} mean {}, want "
                      "count {} sum {} min {} max {} mean {}",
                      show(id), g.count, g.sum, g.min, g.max, g.mean, expected.count, expected.sum,
                      expected.min, expected.max, expected.mean));
    }
  }
  for (const auto& [id, st] : got) {
    if (!want.contains(id))
      errors.push_back(fmt::format("extra window {} (count {})", show(id), st.count));
  }
}

// Everything that must hold of one run, given the reference's replay of it:
//  - the final results equal `want`, and the late events are exactly the rejected ones;
//  - conservation: events = accepted + late, each late event once, with its CSV row and fields;
//  - emissions: seq 1, 2, 3, ...; clocks are the reference's clock values, non-decreasing;
//    on_time emissions of one clock advance come first and are ordered by (fire time, end, key,
//    start), each fired by the first advance that reached its fire time; updates only under
//    grace, within [fire, close); retracts only for sessions.
std::vector<std::string> run_errors(const Generated& g, const Case& c, const Outcome& o,
                                    const ref::Replay& replay, const ref::Results& want) {
  std::vector<std::string> errors;
  const auto& events = g.events;
  const Metrics& m = o.metrics;
  if (m.events != events.size()) errors.push_back(fmt::format("metrics.events {}", m.events));
  if (m.accepted + m.late != m.events) errors.push_back("accepted + late != events");
  if (m.late != o.sink.late.size()) errors.push_back("metrics.late != late output size");
  const auto ref_accepted =
      uint64_t(std::count(replay.accepted.begin(), replay.accepted.end(), true));
  if (m.accepted != ref_accepted) {
    errors.push_back(fmt::format("accepted {}, reference {}", m.accepted, ref_accepted));
  }

  std::map<uint64_t, size_t> index_of_row;
  for (size_t i = 0; i < events.size(); ++i) index_of_row[g.rows[i]] = i;
  std::vector<bool> late(events.size(), false);
  for (const LateEvent& l : o.sink.late) {
    const auto it = index_of_row.find(l.row);
    if (it == index_of_row.end()) {
      errors.push_back(fmt::format("late event with unknown row {}", l.row));
      continue;
    }
    const size_t i = it->second;
    const ref::Ev& e = events[i];
    if (late[i]) errors.push_back(fmt::format("row {} late twice", l.row));
    late[i] = true;
    if (l.partition != e.partition || l.key != e.key || l.event_time.ms != e.t ||
        l.extracted_time.ms != e.t || l.clock.ms != replay.clock[i]) {
      errors.push_back(fmt::format("late row {}: fields differ (clock {} vs {})", l.row, l.clock.ms,
                                   replay.clock[i]));
    }
  }
  for (size_t i = 0; i < events.size(); ++i) {
    if (late[i] == replay.accepted[i]) {
      errors.push_back(fmt::format("row {} (key {} t {} clock {}): runtime {}, reference {}",
                                   g.rows[i], events[i].key, events[i].t, replay.clock[i],
                                   late[i] ? "late" : "accepted",
                                   replay.accepted[i] ? "accepted" : "late"));
    }
  }

  std::set<int64_t> clocks(replay.clock.begin(), replay.clock.end());
  clocks.insert(ref::kPosInf);  // the end-of-trace flush
  auto previous_clock = [&](int64_t c) {
    const auto it = clocks.lower_bound(c);
    return it == clocks.begin() ? ref::kNegInf : *std::prev(it);
  };
  const bool grace = c.policy.kind == ref::Policy::Kind::kGrace;
  const bool session = c.spec.kind == ref::Kind::kSession;
  uint64_t fired = 0, updates = 0, retracts = 0;
  std::optional<Emission> prev_on_time;
  std::optional<int64_t> other_clock;  // clock of the last update or retract
  for (size_t i = 0; i < o.sink.emissions.size() && errors.size() < 30; ++i) {
    const Emission& e = o.sink.emissions[i];
    const int64_t clock = e.clock.ms, end = e.window.end.ms;
    if (e.seq != i + 1) errors.push_back(fmt::format("emission {} has seq {}", i + 1, e.seq));
    if (!clocks.contains(clock))
      errors.push_back(fmt::format("seq {}: clock {} never reached", e.seq, clock));
    if (i > 0 && clock < o.sink.emissions[i - 1].clock.ms)
      errors.push_back(fmt::format("seq {}: clock went back", e.seq));
    if (e.kind != EmissionKind::kRetract && e.stats.count == 0)
      errors.push_back(fmt::format("seq {}: empty window", e.seq));
    switch (e.kind) {
      case EmissionKind::kOnTime: {
        ++fired;
        const int64_t fire = c.policy.fire_time(ref::policy_end(c.spec, end));
        if (!(previous_clock(clock) < fire && fire <= clock)) {
          errors.push_back(fmt::format(
              "seq {}: on_time for {} at clock {} (fire time {}, previous clock {})", e.seq,
              show({e.key, e.window.start.ms, end}), clock, fire, previous_clock(clock)));
        }
        if (other_clock == clock)
          errors.push_back(fmt::format("seq {}: on_time after an update at the same clock", e.seq));
        if (prev_on_time && prev_on_time->clock.ms == clock) {
          const Emission& p = *prev_on_time;
          const auto order = [&](const Emission& x) {
            return std::tuple(c.policy.fire_time(ref::policy_end(c.spec, x.window.end.ms)),
                              x.window.end.ms, x.key, x.window.start.ms);
          };
          if (!(order(p) < order(e)))
            errors.push_back(fmt::format("seq {}: on_time out of order", e.seq));
        }
        prev_on_time = e;
        break;
      }
      case EmissionKind::kUpdate: {
        ++updates;
        other_clock = clock;
        const int64_t pend = ref::policy_end(c.spec, end);
        if (!grace || !(c.policy.fire_time(pend) <= clock && clock < c.policy.close_time(pend))) {
          errors.push_back(fmt::format("seq {}: update for {} at clock {}", e.seq,
                                       show({e.key, e.window.start.ms, end}), clock));
        }
        break;
      }
      case EmissionKind::kRetract:
        ++retracts;
        other_clock = clock;
        if (!session) errors.push_back(fmt::format("seq {}: retract outside sessions", e.seq));
        break;
    }
  }
  if (m.windows_fired != fired || m.updates != updates || m.retractions != retracts) {
    errors.push_back("metrics do not count the emissions");
  }
  compare_results(final_results(o.sink.emissions, errors), want, errors);
  return errors;
}

void check_run(const Generated& g, const Case& c, const Outcome& o, const ref::Replay& replay,
               const ref::Results& want) {
  std::vector<std::string> errors = run_errors(g, c, o, replay, want);
  if (errors.size() > 12) errors.resize(12);
  std::string report;
  for (const std::string& s : errors) report += s + "\n";
  INFO(describe(c) << "\n" << report << (g.csv.size() < 1500 ? g.csv : std::string()));
  CHECK(errors.empty());
}

const ref::Policy::Kind kPolicies[] = {ref::Policy::Kind::kDrop, ref::Policy::Kind::kWait,
                                       ref::Policy::Kind::kGrace};
struct KindCase {
  ref::Kind kind;
  bool offset;
  const char* name;
};
const KindCase kKinds[] = {{ref::Kind::kTumbling, false, "tumbling"},
                           {ref::Kind::kTumbling, true, "tumbling with offset"},
                           {ref::Kind::kHopping, false, "hopping"},
                           {ref::Kind::kSliding, false, "sliding"},
                           {ref::Kind::kSession, false, "session"}};

}  // namespace

TEST_CASE("reference: documented examples", "[reference]") {
  using ref::Ev;
  SECTION("sliding, DIFF 5000: events 8000, 9200, 12400") {
    const std::vector<Ev> events{{2, 0, 0, 8000, 1}, {3, 0, 0, 9200, 1}, {4, 0, 0, 12400, 1}};
    const ref::Results r = ref::whole_trace(events, {ref::Kind::kSliding, 5000});
    std::vector<std::pair<ref::WinId, uint64_t>> got;
    for (const auto& [id, st] : r) got.emplace_back(id, st.count);
    const std::vector<std::pair<ref::WinId, uint64_t>> want{{{0, 3000, 8001}, 1},
                                                            {{0, 4200, 9201}, 2},
                                                            {{0, 7400, 12401}, 3},
                                                            {{0, 8001, 13002}, 2},
                                                            {{0, 9201, 14202}, 1}};
    CHECK(got == want);
  }
  SECTION("session, GAP 5 (Kafka's table): 10, 12, 20, then 16 bridges them") {
    std::vector<Ev> events{{2, 0, 0, 10, 1}, {3, 0, 0, 12, 1}, {4, 0, 0, 20, 1}};
    ref::Results r = ref::whole_trace(events, {ref::Kind::kSession, 5});
    REQUIRE(r.size() == 2);
    CHECK(r.contains({0, 10, 17}));
    CHECK(r.contains({0, 20, 25}));
    events.push_back({5, 0, 0, 16, 1});
    r = ref::whole_trace(events, {ref::Kind::kSession, 5});
    REQUIRE(r.size() == 1);
    CHECK(r.begin()->first == ref::WinId{0, 10, 25});
    CHECK(r.begin()->second.count == 4);
  }
  SECTION("tumbling and hopping starts for negative times") {
    CHECK(ref::fixed_window_starts({ref::Kind::kTumbling, 10, 10, 3}, -1) ==
          std::vector<int64_t>{-7});
    CHECK(ref::fixed_window_starts({ref::Kind::kHopping, 10, 4, 1}, -2) ==
          std::vector<int64_t>{-3, -7, -11});
  }
  SECTION("the clock is the min over partitions, -inf until each has sent") {
    const std::vector<Ev> events{
        {2, 0, 0, 100, 1}, {3, 1, 0, 50, 1}, {4, 0, 0, 300, 1}, {5, 1, 0, 40, 1}};
    CHECK(ref::clock_at_arrival(events, {false, 10, 2}) ==
          std::vector<int64_t>{ref::kNegInf, 40, 40, 40});
    CHECK(ref::clock_at_arrival(events, {true, 0, 2}) == std::vector<int64_t>{100, 100, 300, 300});
  }
}

// With W = max - DELAY and DELAY >= the disorder J, an event t arrives with C <= t + J - DELAY
// <= t < end of each of its windows, so nothing is late and the whole-trace reference applies.
// "Disorder" is measured against the global max seen (the generator guarantees max <= t + J at
// every arrival): the min over partitions is at most any one partition's max - DELAY, and a
// partition that has not sent yet only holds C lower, so the bound holds for both clocks.
// Sessions complete only once the clock passes their end (an event at exactly last + GAP still
// joins), so the same bound holds for them. With stream time there is no delay: the allowed
// lateness (wait/grace) plays its role, and drop is only exact for an in-order trace (J = 0).
TEST_CASE("reference: no late events when the delay covers the disorder", "[reference]") {
  Rng rng(20261121);
  for (const KindCase& kc : kKinds) {
    for (const ref::Policy::Kind pk : kPolicies) {
      for (const bool stream_time : {false, true}) {
        for (int round = 0; round < 12; ++round) {
          GenParams gp = random_params(rng, round == 0 ? 1500 : 300);
          if (stream_time && pk == ref::Policy::Kind::kDrop) gp.jitter = 0;
          const Generated g = generate(rng, gp);
          Case c;
          c.spec = random_spec(rng, kc.kind, kc.offset, gp.grain);
          c.policy.kind = pk;
          c.stream_time = stream_time;
          if (pk != ref::Policy::Kind::kDrop) {
            c.policy.amount = stream_time ? gp.jitter + rng.uniform(0, 3) * gp.grain
                                          : rng.uniform(0, 20) * gp.grain;
          }
          if (!stream_time)
            c.delay = gp.jitter + (rng.chance(50) ? 0 : rng.uniform(0, 5) * gp.grain);
          INFO(kc.name << " round " << round << ": " << describe(c));
          const ref::Results want = ref::whole_trace(g.events, c.spec);
          const ref::Replay replay = ref::replay(g.events, c.spec, c.policy, clock_of(c, g.trace));
          REQUIRE(std::count(replay.accepted.begin(), replay.accepted.end(), false) == 0);
          REQUIRE(replay.results == want);  // the replay agrees with the whole-trace reference
          const Outcome o = run_case(g, c);
          CHECK(o.metrics.late == 0);
          check_run(g, c, o, replay, want);
        }
      }
    }
  }
}

// With delays below the disorder some events are late. The reference replays the trace (see
// ref::replay): tumbling and hopping per (event, window) pair from the clock at arrival; sliding
// from the candidate windows that accepted events create; sessions by simulating retained
// sessions. Every window's final result and the set of late events must match exactly.
TEST_CASE("reference: late events and partial windows with small delays", "[reference]") {
  Rng rng(7);
  for (const KindCase& kc : kKinds) {
    for (const ref::Policy::Kind pk : kPolicies) {
      for (int round = 0; round < 24; ++round) {
        GenParams gp = random_params(rng, round == 0 ? 1500 : 300);
        gp.jitter = rng.uniform(2, 60) * gp.grain;
        gp.partitions = int(rng.uniform(1, 3));
        const Generated g = generate(rng, gp);
        Case c;
        c.spec = random_spec(rng, kc.kind, kc.offset, gp.grain);
        c.policy.kind = pk;
        if (pk != ref::Policy::Kind::kDrop) {
          // Sessions: allowed lateness up to several gaps, so late events bridge and retract.
          c.policy.amount = rng.uniform(0, kc.kind == ref::Kind::kSession ? 40 : 10) * gp.grain;
        }
        c.stream_time = round % 4 == 3;
        c.delay = c.stream_time ? 0 : rng.uniform(0, gp.jitter - 1);
        // Now and then a partition that never sends: C stays -inf until the end-of-trace flush.
        if (!c.stream_time && round % 6 == 5) c.partitions = g.trace.partition_count() + 1;
        INFO(kc.name << " round " << round << ": " << describe(c));
        const ref::Replay replay = ref::replay(g.events, c.spec, c.policy, clock_of(c, g.trace));
        const Outcome o = run_case(g, c);
        check_run(g, c, o, replay, replay.results);
      }
    }
  }
}

// Same trace, same options: byte-identical results and late output, in arrival order and with
// the event-time schedule; the event-time run also matches the reference replayed in the
// reference's own event-time order.
TEST_CASE("reference: two runs give byte-identical outputs", "[reference]") {
  Rng rng(99);
  for (const KindCase& kc : kKinds) {
    for (const ref::Policy::Kind pk : kPolicies) {
      const GenParams gp = random_params(rng, 400);
      const Generated g = generate(rng, gp);
      Case c;
      c.spec = random_spec(rng, kc.kind, kc.offset, gp.grain);
      c.policy.kind = pk;
      if (pk != ref::Policy::Kind::kDrop) c.policy.amount = rng.uniform(0, 10) * gp.grain;
      c.delay = rng.uniform(0, gp.jitter);
      for (const Schedule schedule : {Schedule::kArrival, Schedule::kEventTime}) {
        c.schedule = schedule;
        const RunConfig cfg = to_config(c);
        auto once = [&] {
          std::ostringstream results, late;
          JsonLinesResultSink rs(results, g.trace.keys);
          JsonLinesLateSink ls(late, g.trace.keys);
          run(g.trace, cfg, rs, ls);
          rs.flush();
          ls.flush();
          return std::pair(results.str(), late.str());
        };
        const auto first = once();
        const auto second = once();
        INFO(kc.name << ": " << describe(c));
        CHECK(!first.first.empty());
        CHECK(first.first == second.first);
        CHECK(first.second == second.second);
        if (schedule == Schedule::kEventTime) {
          Generated scheduled = g;  // the same records in the reference's processing order
          scheduled.events = ref::event_time_order(g.events);
          scheduled.rows.clear();
          for (const ref::Ev& e : scheduled.events) scheduled.rows.push_back(e.row);
          const ref::Replay replay =
              ref::replay(scheduled.events, c.spec, c.policy, clock_of(c, g.trace));
          check_run(scheduled, c, run_case(g, c), replay, replay.results);
        }
      }
    }
  }
}

// The checks themselves can fail: a correct run passes them, and each kind of corruption of its
// output is caught.
TEST_CASE("reference: the checks catch corrupted runs", "[reference]") {
  Rng rng(4242);
  for (int attempt = 0; attempt < 200; ++attempt) {
    GenParams gp = random_params(rng, 300);
    gp.jitter = rng.uniform(5, 40) * gp.grain;
    const Generated g = generate(rng, gp);
    Case c;
    c.spec = random_spec(rng, ref::Kind::kHopping, false, gp.grain);
    c.policy = {ref::Policy::Kind::kGrace, rng.uniform(0, 5) * gp.grain};
    c.delay = rng.uniform(0, gp.jitter / 2);
    const ref::Replay replay = ref::replay(g.events, c.spec, c.policy, clock_of(c, g.trace));
    const Outcome o = run_case(g, c);
    // A run with a late event and two on_time emissions of one clock advance.
    size_t pair = 0;
    for (size_t i = 1; i < o.sink.emissions.size() && pair == 0; ++i) {
      const Emission &a = o.sink.emissions[i - 1], &b = o.sink.emissions[i];
      if (a.kind == EmissionKind::kOnTime && b.kind == EmissionKind::kOnTime && a.clock == b.clock)
        pair = i;
    }
    if (o.sink.late.empty() || pair == 0) continue;
    REQUIRE(run_errors(g, c, o, replay, replay.results).empty());
    auto corrupted = [&](auto&& corrupt) {
      Outcome bad = o;
      corrupt(bad);
      return !run_errors(g, c, bad, replay, replay.results).empty();
    };
    CHECK(corrupted([](Outcome& b) { b.sink.emissions.back().stats.sum += 1; }));
    CHECK(corrupted([&](Outcome& b) {
      std::swap(b.sink.emissions[pair - 1], b.sink.emissions[pair]);
      std::swap(b.sink.emissions[pair - 1].seq, b.sink.emissions[pair].seq);
    }));
    CHECK(corrupted([](Outcome& b) { b.sink.emissions.pop_back(); }));
    CHECK(corrupted([](Outcome& b) { b.sink.emissions.front().seq += 1; }));
    CHECK(corrupted([](Outcome& b) { b.sink.late.pop_back(); }));
    CHECK(corrupted([](Outcome& b) { b.sink.late.front().row += 1; }));
    CHECK(corrupted([](Outcome& b) { b.sink.late.push_back(b.sink.late.front()); }));
    CHECK(corrupted([](Outcome& b) { b.metrics.accepted += 1; }));
    return;
  }
  FAIL("no random run with a late event and a multi-window clock advance");
}
