// run() on a small trace and a configuration both made from the input bytes. Every run:
//  - is deterministic: a second run, and a run streamed from the trace written as .tmt, give the
//    same emissions, late events and counts;
//  - conserves events: events = accepted + late, each late record once and an event, the counts
//    match the outputs; with --end flush, a tumbling or session run's final windows hold each
//    accepted event once;
//  - when the times are small and the options within its model, matches the brute-force
//    reference (tests/reference.hpp): the same late records and the same final windows.

#include <array>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "fuzz/fuzz_support.hpp"
#include "reference.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/runtime/timestamp_extractor.hpp"
#include "tidemark/core/time/iso_time.hpp"
#include "tidemark/core/trace_io/binary_trace.hpp"
#include "tidemark/core/trace_io/csv_writer.hpp"
#include "tidemark/runner/run.hpp"

using namespace tidemark;
using fuzz::check;

namespace {

// Window sizes for traces near the ends of time: from 1 ms to the largest sliding DIFF.
constexpr int64_t kWideSizes[] = {1, 7, 1000, 86'400'000, int64_t(1) << 40, int64_t(1) << 62};

struct Input {
  Trace trace;
  RunConfig config;
  bool wide = false;  // times near the ends of time, or windows larger than the trace
};

Timestamp clamp(int64_t ms) {
  return Timestamp{std::clamp(ms, kEarliestTime.ms, kLatestTime.ms)};
}

// A value in (-bound, bound); 0 for bound 1.
int64_t within(fuzz::Bytes& in, int64_t bound) {
  return int64_t(in.bits(8) % (2 * uint64_t(bound) - 1)) - (bound - 1);
}

WindowSpec window_of(fuzz::Bytes& in, int kind, bool wide) {
  const int64_t size = wide ? kWideSizes[in.byte() % 6] : in.small(1, 64);
  switch (kind) {
    case 0:
      return TumblingSpec(Duration{size}, Duration{within(in, size)});
    case 1: {  // at most 64 windows per event
      const int64_t advance = std::max<int64_t>(1, size / in.small(1, 64));
      return HoppingSpec(Duration{size}, Duration{advance}, Duration{within(in, advance)});
    }
    case 2:
      return SlidingSpec(Duration{size});
    default:
      return SessionSpec(Duration{size});
  }
}

Input input_of(fuzz::Bytes& in) {
  Input x;
  const uint8_t options = in.byte(), more = in.byte();
  x.wide = (more & 1) != 0;
  const bool transport = (more & 2) != 0, kinds = (more & 4) != 0;
  RunConfig& c = x.config;
  c.window = window_of(in, options & 3, x.wide);
  const Duration amount{in.small(0, 40)};
  c.lateness =
      std::array{LatenessPolicy::drop(), LatenessPolicy::wait(amount),
                 LatenessPolicy::grace(amount), LatenessPolicy::grace(amount)}[(options >> 2) & 3];
  c.clock = options & 16 ? ClockMode::kStreamTime : ClockMode::kWatermark;
  c.watermark = options & 32 ? WatermarkSpec::punctuated()
                             : WatermarkSpec::bounded(Duration{in.small(0, 40)});
  c.schedule = options & 64 ? Schedule::kEventTime : Schedule::kArrival;
  c.end = options & 128 ? EndMode::kKeep : EndMode::kFlush;
  const TimestampSource sources[] = {TimestampSource::kEvent, TimestampSource::kTrue,
                                     TimestampSource::kReceive, TimestampSource::kCorrected};
  c.timestamp = sources[(more >> 3) & (transport ? 3 : 1)];
  if (more & 32) c.idle_timeout = Duration{in.small(1, 100)};
  const auto partitions = PartitionId(1 + (more >> 6) % 3);
  if (in.byte() % 4 == 0) c.partitions = partitions + in.byte() % 2;

  Trace& t = x.trace;
  t.columns = kColPartition | kColKey | kColValue | kColTrueTime;
  if (transport) t.columns |= kColSendTime | kColReceiveTime;
  if (kinds) t.columns |= kColKind;
  const size_t n = in.byte() % 49;
  int64_t base = 0;
  if (x.wide) base = std::array{kEarliestTime.ms, int64_t(0), kLatestTime.ms - 200}[in.byte() % 3];
  for (size_t i = 0; i < n; ++i) {
    Event e;
    base += in.small(0, 6);
    e.event_time = clamp(base + in.small(-20, 60));
    e.true_time = clamp(e.event_time.ms - in.small(0, 10));
    if (transport) {
      e.send_time = clamp(e.event_time.ms + in.small(-5, 5));
      e.receive_time = clamp(e.send_time.ms + in.small(0, 30));
    }
    e.value = double(in.small(-8, 8));
    e.row = i + 1;
    // Interned in order of first use, as a .tmt file numbers them.
    e.key = t.keys.intern(std::string(1, char('a' + in.small(0, 3))));
    e.partition = PartitionId(in.byte()) % partitions;
    if (kinds) {
      const uint8_t kind = in.byte() % 8;
      if (kind == 0) e.kind = RecordKind::kWatermark;
      if (kind == 1) e.kind = RecordKind::kIdle;
    }
    t.events.push_back(e);
  }
  return x;
}

// The run as options of `tidemark replay` and the trace as CSV.
std::string describe(const Input& x) {
  const RunConfig& c = x.config;
  std::string s = fmt::format(
      "--window {} --lateness {} --watermark {} --clock {} --schedule {} --end {} --timestamp {}",
      c.window.to_string(), c.lateness.to_string(), c.watermark.to_string(), to_string(c.clock),
      to_string(c.schedule), to_string(c.end), to_string(c.timestamp));
  if (c.idle_timeout) s += " --idle-timeout " + format_duration(*c.idle_timeout);
  if (c.partitions) s += fmt::format(" --partitions {}", *c.partitions);
  std::ostringstream csv;
  write_csv_trace(csv, x.trace);
  return s + "\n" + csv.str();
}

struct Outcome {
  CollectingSink sink;
  Metrics metrics;
};

bool same(const Emission& a, const Emission& b) {
  return a.key == b.key && a.window == b.window && a.stats == b.stats && a.kind == b.kind &&
         a.clock == b.clock && a.proc_time == b.proc_time && a.seq == b.seq;
}
bool same(const LateEvent& a, const LateEvent& b) {
  return a.row == b.row && a.partition == b.partition && a.key == b.key &&
         a.event_time == b.event_time && a.extracted_time == b.extracted_time && a.clock == b.clock;
}
bool same(const Metrics& a, const Metrics& b) {
  return a.events == b.events && a.accepted == b.accepted && a.late == b.late &&
         a.punctuations == b.punctuations && a.windows_fired == b.windows_fired &&
         a.updates == b.updates && a.retractions == b.retractions &&
         a.open_windows_at_end == b.open_windows_at_end && a.final_clock == b.final_clock;
}

void check_same(const Outcome& a, const Outcome& b, std::string_view what) {
  const std::vector<Emission>&ea = a.sink.emissions, &eb = b.sink.emissions;
  const std::vector<LateEvent>&la = a.sink.late, &lb = b.sink.late;
  check(ea.size() == eb.size(), "{}: {} emissions, not {}", what, eb.size(), ea.size());
  for (size_t i = 0; i < ea.size(); ++i) check(same(ea[i], eb[i]), "{}: emission {}", what, i + 1);
  check(la.size() == lb.size(), "{}: {} late events, not {}", what, lb.size(), la.size());
  for (size_t i = 0; i < la.size(); ++i)
    check(same(la[i], lb[i]), "{}: late event {}", what, i + 1);
  check(same(a.metrics, b.metrics), "{}: other counts", what);
}

// Each window's final result: its last emission, unless a retract of it follows.
std::map<ref::WinId, WindowStats> final_windows(const std::vector<Emission>& emissions) {
  std::map<ref::WinId, WindowStats> out;
  for (const Emission& e : emissions) {
    const ref::WinId id{e.key, e.window.start.ms, e.window.end.ms};
    if (e.kind == EmissionKind::kRetract) {
      const auto it = out.find(id);
      check(it != out.end() && it->second == e.stats, "seq {}: retract of no such window", e.seq);
      out.erase(it);
    } else {
      out[id] = e.stats;
    }
  }
  return out;
}

void check_conservation(const Input& x, const Outcome& o) {
  const Metrics& m = o.metrics;
  std::map<uint64_t, const Event*> by_row;
  uint64_t events = 0;
  for (const Event& e : x.trace.events) {
    by_row[e.row] = &e;
    events += e.kind == RecordKind::kEvent;
  }
  check(m.events == events && m.punctuations == x.trace.events.size() - events,
        "counted {} events and {} punctuations", m.events, m.punctuations);
  check(m.accepted + m.late == m.events, "accepted {} + late {} != events {}", m.accepted, m.late,
        m.events);
  check(m.late == o.sink.late.size(), "late {} but {} late events", m.late, o.sink.late.size());
  std::set<uint64_t> late_rows;
  for (const LateEvent& l : o.sink.late) {
    const auto it = by_row.find(l.row);
    check(it != by_row.end() && it->second->kind == RecordKind::kEvent, "late row {}", l.row);
    check(late_rows.insert(l.row).second, "row {} late twice", l.row);
    const Event& e = *it->second;
    check(l.partition == e.partition && l.key == e.key && l.event_time == e.event_time &&
              l.extracted_time == extract(e, x.config.timestamp),
          "late row {}: fields differ", l.row);
  }
  uint64_t fired = 0, updates = 0, retractions = 0;
  for (size_t i = 0; i < o.sink.emissions.size(); ++i) {
    const Emission& e = o.sink.emissions[i];
    check(e.seq == i + 1, "emission {} has seq {}", i + 1, e.seq);
    check(i == 0 || o.sink.emissions[i - 1].clock <= e.clock, "seq {}: the clock went back", e.seq);
    fired += e.kind == EmissionKind::kOnTime;
    updates += e.kind == EmissionKind::kUpdate;
    retractions += e.kind == EmissionKind::kRetract;
  }
  check(m.windows_fired == fired && m.updates == updates && m.retractions == retractions,
        "counts of emissions differ");
  if (x.config.end != EndMode::kFlush) return;
  check(m.open_windows_at_end == 0, "{} windows open after the flush", m.open_windows_at_end);
  // Only tumbling windows and sessions hold each accepted event exactly once.
  const bool each_event_once = x.config.window.visit(Overloaded{
      [](const TumblingSpec&) { return true; },
      [](const SessionSpec&) { return true; },
      [](const auto&) { return false; },
  });
  if (!each_event_once) return;
  uint64_t counted = 0;
  for (const auto& [id, stats] : final_windows(o.sink.emissions)) counted += stats.count;
  check(counted == m.accepted, "final windows hold {} events, {} accepted", counted, m.accepted);
}

// The reference's model: a bounded watermark or stream time, no W or I records, no
// idleness, every window flushed at the end, times far from the limits.
bool reference_applies(const Input& x) {
  const RunConfig& c = x.config;
  bool punctuations = false;
  for (const Event& e : x.trace.events) punctuations |= e.kind != RecordKind::kEvent;
  return !x.wide && !punctuations && !c.idle_timeout && c.end == EndMode::kFlush &&
         (c.clock == ClockMode::kStreamTime || c.watermark.kind == WatermarkSpec::Kind::kBounded);
}

void check_reference(const Input& x, const Outcome& o) {
  const RunConfig& c = x.config;
  std::vector<ref::Ev> events;
  for (const Event& e : x.trace.events) {
    events.push_back({e.row, e.partition, e.key, extract(e, c.timestamp).ms, e.value});
  }
  if (c.schedule == Schedule::kEventTime) events = ref::event_time_order(events);
  const ref::Spec spec = c.window.visit(Overloaded{
      [](const TumblingSpec& w) {
        return ref::Spec{ref::Kind::kTumbling, w.size().ms, w.size().ms, w.offset().ms};
      },
      [](const HoppingSpec& w) {
        return ref::Spec{ref::Kind::kHopping, w.size().ms, w.advance().ms, w.offset().ms};
      },
      [](const SlidingSpec& w) {
        return ref::Spec{ref::Kind::kSliding, w.difference().ms, w.difference().ms, 0};
      },
      [](const SessionSpec& w) {
        return ref::Spec{ref::Kind::kSession, w.gap().ms, w.gap().ms, 0};
      },
  });
  const ref::Policy::Kind policies[] = {ref::Policy::Kind::kDrop, ref::Policy::Kind::kWait,
                                        ref::Policy::Kind::kGrace};
  const ref::Policy policy{policies[int(c.lateness.kind())], c.lateness.amount().ms};
  const ref::ClockSpec clock{
      c.clock == ClockMode::kStreamTime, c.watermark.delay.ms,
      c.partitions.value_or(std::max<PartitionId>(1, x.trace.partition_count()))};
  const ref::Replay want = ref::replay(events, spec, policy, clock);

  std::set<uint64_t> late_rows;
  for (const LateEvent& l : o.sink.late) late_rows.insert(l.row);
  for (size_t i = 0; i < events.size(); ++i) {
    check(late_rows.contains(events[i].row) != want.accepted[i], "row {}: {}, the reference: {}",
          events[i].row, want.accepted[i] ? "late" : "accepted",
          want.accepted[i] ? "accepted" : "late");
  }
  const auto got = final_windows(o.sink.emissions);
  check(got.size() == want.results.size(), "{} final windows, the reference {}", got.size(),
        want.results.size());
  for (const auto& [id, st] : want.results) {
    const auto it = got.find(id);
    check(it != got.end(), "key {} [{}, {}) missing", id.key, id.start, id.end);
    check(it->second == WindowStats{st.count, st.sum, st.min, st.max, st.mean()},
          "key {} [{}, {}): other contents", id.key, id.start, id.end);
  }
}

Outcome run_in_memory(const Input& x) {
  Outcome o;
  o.metrics = run(x.trace, x.config, o.sink, o.sink).metrics;
  return o;
}

Outcome run_streamed(const Input& x) {
  static const fuzz::TempFile file("run.tmt");
  {
    std::ofstream out(file.path, std::ios::binary | std::ios::trunc);
    write_binary_trace(out, x.trace);
  }
  BinaryTraceReader reader(file.path);
  Outcome o;
  o.metrics = run(reader, x.config, o.sink, o.sink).metrics;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes in(data, size);
  const Input x = input_of(in);
  fuzz::describe_input = [&x] { return describe(x); };
  Outcome first;
  try {
    first = run_in_memory(x);
  } catch (const ConfigError&) {  // e.g. --partitions below the trace's largest id
    return 0;
  }
  check_conservation(x, first);
  check_same(first, run_in_memory(x), "a second run");
  check_same(first, run_streamed(x), "a run streamed from .tmt");
  if (reference_applies(x)) check_reference(x, first);
  return 0;
}
