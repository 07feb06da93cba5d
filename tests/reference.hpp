#pragma once
// A brute-force reference for tidemark, written from docs/design.md §2, §4 and §5 only (not from
// the window operators): it recomputes every window from the whole trace, or replays the trace one
// event at a time with a deliberately naive model of the clock and the lateness policy. O(n²) is
// fine; clarity beats speed here. Times are plain int64 ms; the tests keep them far from the
// limits, so no saturation is needed apart from the -inf/+inf clock sentinels.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <vector>

namespace tidemark::ref {

inline constexpr int64_t kNegInf = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kPosInf = std::numeric_limits<int64_t>::max();

// One data record, in arrival order.
struct Ev {
  uint64_t row = 0;
  uint32_t partition = 0;
  uint32_t key = 0;
  int64_t t = 0;  // extracted time
  double value = 0;
};

enum class Kind { kTumbling, kHopping, kSliding, kSession };

// Window spec: `size` is SIZE (tumbling, hopping), DIFF (sliding) or GAP (session).
struct Spec {
  Kind kind = Kind::kTumbling;
  int64_t size = 1;
  int64_t advance = 1;  // hopping only
  int64_t offset = 0;   // tumbling, hopping
};

// The end the policy is applied to: a session [s, e) can still grow by an event at e (touching
// sessions merge), so it completes only once the clock passes e, as if it ended at e + 1.
inline int64_t policy_end(const Spec& spec, int64_t end) {
  return spec.kind == Kind::kSession ? end + 1 : end;
}

// Lateness policy of docs/design.md §5 for a window ending at e.
struct Policy {
  enum class Kind { kDrop, kWait, kGrace };
  Kind kind = Kind::kDrop;
  int64_t amount = 0;
  int64_t fire_time(int64_t e) const { return kind == Kind::kWait ? e + amount : e; }
  int64_t close_time(int64_t e) const { return kind == Kind::kDrop ? e : e + amount; }
};

// The clock of docs/design.md §4: min over `partitions` of (max seen on p - delay), or stream time.
struct ClockSpec {
  bool stream_time = false;
  int64_t delay = 0;
  uint32_t partitions = 1;
};

// A final window result: (key, [start, end)).
struct WinId {
  uint32_t key = 0;
  int64_t start = 0, end = 0;
  friend auto operator<=>(const WinId&, const WinId&) = default;
};

// The values of the events in a window, summarised.
struct Stats {
  uint64_t count = 0;
  double sum = 0, min = 0, max = 0;
  void add(double v) {
    min = count == 0 ? v : std::min(min, v);
    max = count == 0 ? v : std::max(max, v);
    sum += v;
    ++count;
  }
  double mean() const { return sum / double(count); }
  friend bool operator==(const Stats&, const Stats&) = default;
};

using Results = std::map<WinId, Stats>;

// Floor modulo: the result is in [0, m) for m > 0, also for negative a.
inline int64_t floor_mod(int64_t a, int64_t m) {
  const int64_t r = a % m;
  return r < 0 ? r + m : r;
}

// The starts of the tumbling or hopping windows holding t, straight from the table of
// docs/design.md §2.
inline std::vector<int64_t> fixed_window_starts(const Spec& s, int64_t t) {
  std::vector<int64_t> starts;
  if (s.kind == Kind::kTumbling) {
    starts.push_back(t - floor_mod(t - s.offset, s.size));
    return starts;
  }
  // Every s ≡ OFFSET (mod ADVANCE) with t - SIZE < s <= t: walk down from the largest one.
  for (int64_t a = t - floor_mod(t - s.offset, s.advance); a > t - s.size; a -= s.advance) {
    starts.push_back(a);
  }
  return starts;
}

// C after each event's update (step 1 of docs/design.md §5), in arrival order.
inline std::vector<int64_t> clock_at_arrival(const std::vector<Ev>& events, const ClockSpec& c) {
  std::vector<int64_t> out(events.size());
  std::vector<int64_t> max_seen(c.partitions, kNegInf);  // per partition; -inf until it sends
  int64_t stream_time = kNegInf, clock = kNegInf;
  for (size_t i = 0; i < events.size(); ++i) {
    const Ev& e = events[i];
    max_seen.at(e.partition) = std::max(max_seen.at(e.partition), e.t);
    stream_time = std::max(stream_time, e.t);
    int64_t candidate = stream_time;
    if (!c.stream_time) {
      candidate = kPosInf;
      for (int64_t m : max_seen)
        candidate = std::min(candidate, m == kNegInf ? kNegInf : m - c.delay);
    }
    clock = std::max(clock, candidate);  // C never decreases
    out[i] = clock;
  }
  return out;
}

// The `--schedule event-time` order of docs/design.md §4: repeatedly the head of the partition
// whose next record has the smallest time, ties by partition id; a partition keeps its own
// arrival order.
inline std::vector<Ev> event_time_order(const std::vector<Ev>& events) {
  std::vector<Ev> out;
  std::vector<bool> taken(events.size(), false);
  while (out.size() < events.size()) {
    std::map<uint32_t, size_t> heads;  // partition -> its first record not yet taken
    for (size_t i = 0; i < events.size(); ++i) {
      if (!taken[i]) heads.try_emplace(events[i].partition, i);
    }
    size_t best = heads.begin()->second;
    for (const auto& [p, i] : heads) {
      if (events[i].t < events[best].t) best = i;  // ties keep the smaller partition id
    }
    taken[best] = true;
    out.push_back(events[best]);
  }
  return out;
}

namespace detail {

// Sessions of a set of times: sorted, an event at most GAP after the previous one joins.
inline void sessions_of(uint32_t key, std::vector<std::pair<int64_t, double>> pts, int64_t gap,
                        Results& out) {
  std::sort(pts.begin(), pts.end());
  size_t i = 0;
  while (i < pts.size()) {
    Stats st;
    const int64_t first = pts[i].first;
    int64_t last = first;
    while (i < pts.size() && pts[i].first <= last + gap) {
      last = pts[i].first;
      st.add(pts[i].second);
      ++i;
    }
    out[{key, first, last + gap}] = st;
  }
}

inline std::set<uint32_t> keys_of(const std::vector<Ev>& events) {
  std::set<uint32_t> keys;
  for (const Ev& e : events) keys.insert(e.key);
  return keys;
}

}  // namespace detail

// Every window of the whole trace with every event in it (no lateness at all).
inline Results whole_trace(const std::vector<Ev>& events, const Spec& s) {
  Results out;
  switch (s.kind) {
    case Kind::kTumbling:
    case Kind::kHopping:
      for (const Ev& e : events) {
        for (int64_t a : fixed_window_starts(s, e.t)) out[{e.key, a, a + s.size}].add(e.value);
      }
      break;
    case Kind::kSliding:
      // Candidate starts t - DIFF and t + 1; a window is [a, a + DIFF] (inclusive), kept when
      // non-empty, written [a, a + DIFF + 1).
      for (uint32_t k : detail::keys_of(events)) {
        std::set<int64_t> starts;
        for (const Ev& e : events) {
          if (e.key == k) starts.insert({e.t - s.size, e.t + 1});
        }
        for (int64_t a : starts) {
          Stats st;
          for (const Ev& e : events) {
            if (e.key == k && a <= e.t && e.t <= a + s.size) st.add(e.value);
          }
          if (st.count > 0) out[{k, a, a + s.size + 1}] = st;
        }
      }
      break;
    case Kind::kSession:
      for (uint32_t k : detail::keys_of(events)) {
        std::vector<std::pair<int64_t, double>> pts;
        for (const Ev& e : events) {
          if (e.key == k) pts.emplace_back(e.t, e.value);
        }
        detail::sessions_of(k, std::move(pts), s.size, out);
      }
      break;
  }
  return out;
}

// The outcome of replaying a trace event by event under a clock and a policy.
struct Replay {
  Results results;             // final content of every window (after the end-of-trace flush)
  std::vector<bool> accepted;  // per event: accepted by at least one window
  std::vector<int64_t> clock;  // C at each event's arrival
};

// Replays the trace in arrival order (docs/design.md §5): an event is accepted into a window iff
// C < close_time(end) at its arrival; a window's content is the events accepted into it.
//  - tumbling, hopping: exactly that, per (event, window) pair.
//  - sliding: the windows that exist are the candidate starts derived from accepted events
//    (x.t - DIFF and x.t + 1); an event t is accepted iff some existing window holding t (or its
//    own left window [t - DIFF, t]) is still open. A window [a, e) exists iff an accepted event x
//    derives a and C(x) < close(e) (it could be created), and its content is every accepted
//    event u in [a, a + DIFF] with C(u) < close(e): the clock is monotone, so those are exactly
//    the events that were accepted (or already stored) while it was open.
//  - session: a literal simulation: per key, retained sessions (purged once C >= close(end+1));
//    an event's proto-window [t, t + GAP) merges with every retained session it overlaps or
//    touches, and the merged window is accepted iff C < close(merged end). Final sessions are
//    those never merged away. (Recomputing sessions over just the accepted events would not be
//    sound: with GAP 10 under drop, [0,10) fires and is purged at C = 10, then an event at 5 opens
//    [5,15) and is accepted, so the final sessions overlap instead of forming [0,15).)
// Nothing here looks at the runtime's output: acceptance is derived, not read from the late output.
inline Replay replay(const std::vector<Ev>& events, const Spec& s, const Policy& p,
                     const ClockSpec& c) {
  Replay r;
  r.clock = clock_at_arrival(events, c);
  r.accepted.assign(events.size(), false);
  const auto& C = r.clock;
  switch (s.kind) {
    case Kind::kTumbling:
    case Kind::kHopping:
      for (size_t i = 0; i < events.size(); ++i) {
        const Ev& e = events[i];
        for (int64_t a : fixed_window_starts(s, e.t)) {
          if (C[i] < p.close_time(a + s.size)) {
            r.results[{e.key, a, a + s.size}].add(e.value);
            r.accepted[i] = true;
          }
        }
      }
      break;
    case Kind::kSliding: {
      const int64_t diff = s.size;
      auto window_end = [&](int64_t a) { return a + diff + 1; };
      for (size_t i = 0; i < events.size(); ++i) {
        const Ev& e = events[i];
        std::vector<int64_t> starts{e.t - diff};  // its own left window
        for (size_t j = 0; j < i; ++j) {
          if (events[j].key == e.key && r.accepted[j]) {
            starts.push_back(events[j].t - diff);
            starts.push_back(events[j].t + 1);
          }
        }
        for (int64_t a : starts) {
          if (a <= e.t && e.t <= a + diff && C[i] < p.close_time(window_end(a))) {
            r.accepted[i] = true;
          }
        }
      }
      for (uint32_t k : detail::keys_of(events)) {
        std::set<int64_t> starts;
        for (size_t i = 0; i < events.size(); ++i) {
          if (events[i].key != k || !r.accepted[i]) continue;
          for (int64_t a : {events[i].t - diff, events[i].t + 1}) {
            if (C[i] < p.close_time(window_end(a))) starts.insert(a);
          }
        }
        for (int64_t a : starts) {
          Stats st;
          for (size_t u = 0; u < events.size(); ++u) {
            const Ev& e = events[u];
            if (e.key == k && r.accepted[u] && a <= e.t && e.t <= a + diff &&
                C[u] < p.close_time(window_end(a))) {
              st.add(e.value);
            }
          }
          if (st.count > 0) r.results[{k, a, window_end(a)}] = st;
        }
      }
      break;
    }
    case Kind::kSession: {
      struct Session {
        uint32_t key;
        int64_t start, end;
        std::vector<double> values;  // of the events accepted into it (and its merged parts)
        bool retained = true;        // not yet purged
        bool superseded = false;     // merged into a later session
      };
      std::vector<Session> all;
      for (size_t i = 0; i < events.size(); ++i) {
        const Ev& e = events[i];
        for (Session& x : all) {
          if (x.retained && p.close_time(policy_end(s, x.end)) <= C[i]) x.retained = false;
        }
        Session next{e.key, e.t, e.t + s.size, {e.value}};
        std::vector<size_t> merged;
        for (bool grew = true; grew;) {  // to a fixpoint, however the sessions lie
          grew = false;
          for (size_t j = 0; j < all.size(); ++j) {
            const Session& x = all[j];
            if (!x.retained || x.superseded || x.key != e.key) continue;
            if (std::find(merged.begin(), merged.end(), j) != merged.end()) continue;
            if (x.start <= next.end && next.start <= x.end) {  // overlap or touch
              next.start = std::min(next.start, x.start);
              next.end = std::max(next.end, x.end);
              merged.push_back(j);
              grew = true;
            }
          }
        }
        if (!(C[i] < p.close_time(policy_end(s, next.end)))) continue;  // rejected: unchanged
        r.accepted[i] = true;
        for (size_t j : merged) {
          all[j].superseded = true;
          next.values.insert(next.values.end(), all[j].values.begin(), all[j].values.end());
        }
        all.push_back(std::move(next));
      }
      for (const Session& x : all) {
        if (x.superseded) continue;
        Stats st;
        for (double v : x.values) st.add(v);
        r.results[{x.key, x.start, x.end}] = st;
      }
      break;
    }
  }
  return r;
}

}  // namespace tidemark::ref
