#include "tidemark/runner/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_map>

#include "tidemark/core/runtime/schedule.hpp"
#include "tidemark/core/runtime/timestamp_extractor.hpp"

namespace tidemark {

namespace {

auto order_key(KeyId key, Window w) {
  return std::tuple(key, w.start, w.end);
}

// (key, window) as a hash-map key.
struct KeyWindow {
  KeyId key;
  Window window;
  friend bool operator==(const KeyWindow&, const KeyWindow&) = default;
};

struct KeyWindowHash {
  size_t operator()(const KeyWindow& k) const noexcept {
    uint64_t x = uint64_t(k.window.start.ms) * 0x9E3779B97F4A7C15ull;
    x ^= uint64_t(k.window.end.ms) * 0xC2B2AE3D27D4EB4Full + (uint64_t(k.key) << 1);
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    return size_t(x ^ (x >> 32));
  }
};

// The starts of the tumbling or hopping windows containing t (docs/design.md §2). A trace's
// consecutive times mostly share their latest window, so the division of align_down is done only
// when t leaves the one of the previous call.
class FixedWindowStarts {
 public:
  explicit FixedWindowStarts(const TumblingSpec& s)
      : size_(s.size()), advance_(s.size()), offset_(s.offset()) {}
  explicit FixedWindowStarts(const HoppingSpec& s)
      : size_(s.size()), advance_(s.advance()), offset_(s.offset()) {}

  // The latest start: align_down(t, advance, offset); for tumbling windows the only one.
  Timestamp latest(Timestamp t) {
    if (t < lo_ || t >= hi_) [[unlikely]]
      move_to(t);
    return lo_;
  }
  // All of them, ascending.
  void all(Timestamp t, std::vector<Timestamp>& out) {
    out.clear();
    const Timestamp lowest_excluded = t - size_;
    for (Timestamp s = latest(t); s > lowest_excluded; s = s - advance_) out.push_back(s);
    std::reverse(out.begin(), out.end());
  }

 private:
  // Out of line, so that the callers' per-event loops stay small enough to inline.
  [[gnu::noinline]] void move_to(Timestamp t) {
    lo_ = align_down(t, advance_, offset_);
    hi_ = lo_ + advance_;  // saturating: then [lo_, +inf), still within the step
  }

  Duration size_, advance_, offset_;
  Timestamp lo_ = Timestamp::max(), hi_ = Timestamp::min();  // empty: the first call divides
};

const WindowHistory* find_history(std::span<const WindowHistory> hs, KeyId key, Window w) {
  const auto it = std::lower_bound(
      hs.begin(), hs.end(), order_key(key, w),
      [](const WindowHistory& h, const auto& k) { return order_key(h.key, h.window) < k; });
  return it != hs.end() && it->key == key && it->window == w ? &*it : nullptr;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / double(v.size());
}

}  // namespace

TimestampSource oracle_time_source(const Trace& trace, TimestampSource run_source) {
  return trace.has(kColTrueTime) ? TimestampSource::kTrue : run_source;
}

RunConfig oracle_config(const RunConfig& base, TimestampSource source) {
  RunConfig c = base;
  c.timestamp = source;
  c.watermark = WatermarkSpec::bounded(Duration{0});
  c.clock = ClockMode::kWatermark;
  c.idle_timeout.reset();
  c.schedule = Schedule::kArrival;
  // Fire time end + inf saturates to +inf: nothing fires before the final flush.
  c.lateness = LatenessPolicy::wait(Duration{std::numeric_limits<int64_t>::max()});
  c.end = EndMode::kFlush;
  return c;
}

std::vector<WindowHistory> window_histories(std::span<const Emission> emissions) {
  std::vector<WindowHistory> out;
  std::unordered_map<KeyWindow, size_t, KeyWindowHash> index;
  for (const Emission& e : emissions) {
    const auto [it, inserted] = index.try_emplace(KeyWindow{e.key, e.window}, out.size());
    if (inserted) out.push_back(WindowHistory{e.key, e.window, {}, {}, {}, {}, 0, false, false});
    WindowHistory& h = out[it->second];
    if (e.kind == EmissionKind::kRetract) {
      h.retracted = true;
      continue;
    }
    if (h.emissions == 0) {
      h.first = e.stats;
      h.first_proc = e.proc_time;
      h.flushed = e.clock == Timestamp::max();
    }
    h.last = e.stats;
    h.last_proc = e.proc_time;
    h.retracted = false;
    ++h.emissions;
  }
  std::sort(out.begin(), out.end(), [](const WindowHistory& a, const WindowHistory& b) {
    return order_key(a.key, a.window) < order_key(b.key, b.window);
  });
  return out;
}

Oracle Oracle::from_emissions(std::span<const Emission> emissions) {
  Oracle o;
  for (const WindowHistory& h : window_histories(emissions)) {
    if (h.emissions > 0 && !h.retracted) o.windows_.push_back({h.key, h.window, h.last});
  }
  return o;
}

const WindowAnswer* Oracle::find(KeyId key, Window w) const {
  const auto it = std::lower_bound(
      windows_.begin(), windows_.end(), order_key(key, w),
      [](const WindowAnswer& a, const auto& k) { return order_key(a.key, a.window) < k; });
  return it != windows_.end() && it->key == key && it->window == w ? &*it : nullptr;
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  // Integer-valued products (p * n) are exact; the epsilon keeps 99 * 100 / 100 at rank 99.
  const double rank = std::ceil(p * double(values.size()) / 100.0 - 1e-9);
  const size_t i = size_t(std::clamp(rank, 1.0, double(values.size()))) - 1;
  return values[i];
}

// Counts the contributions of each event to the tumbling or hopping windows of `spec`, and
// those that the run's final emission of the window holds.
template <class Spec>
void count_fixed_window_contributions(const Trace& trace, TimestampSource run_time,
                                      TimestampSource oracle_source,
                                      std::span<const uint32_t> order,
                                      std::span<const Emission> emissions, const Spec& spec,
                                      Completeness& c) {
  // Per run window: the count of its last emission, and how many of its events were seen. The
  // windows sit in (key, start) order with each key's range indexed, so an event finds its
  // window by a short binary search instead of a hash-map lookup per event and window.
  struct Tally {
    Timestamp start;
    uint64_t final_count = 0;
    uint64_t seen = 0;
  };
  std::vector<Tally> tallies;
  std::vector<uint32_t> first_of_key(trace.keys.size() + 1, 0);
  for (const WindowHistory& h : window_histories(emissions)) {  // sorted by key, start
    if (h.emissions == 0 || h.retracted) continue;
    tallies.push_back({h.window.start, h.last.count, 0});
    if (h.key + size_t(1) >= first_of_key.size()) first_of_key.resize(h.key + size_t(2), 0);
    ++first_of_key[h.key + size_t(1)];
  }
  for (size_t k = 1; k < first_of_key.size(); ++k) first_of_key[k] += first_of_key[k - 1];
  auto tally_of = [&](KeyId key, Timestamp start) -> Tally* {
    if (size_t(key) + 1 >= first_of_key.size()) return nullptr;
    const auto lo = tallies.begin() + first_of_key[key],
               hi = tallies.begin() + first_of_key[key + 1];
    const auto it =
        std::lower_bound(lo, hi, start, [](const Tally& t, Timestamp s) { return t.start < s; });
    return it != hi && it->start == start ? &*it : nullptr;
  };
  FixedWindowStarts run_windows(spec), oracle_windows(spec);
  std::vector<Timestamp> run_starts, oracle_starts;
  std::vector<bool> in_final;
  auto visit_tumbling = [&](const Event& e) {  // one window per time: no lists
    if (e.kind != RecordKind::kEvent) return;
    const Timestamp start = run_windows.latest(extract(e, run_time));
    Tally* t = tally_of(e.key, start);
    ++c.contributions;
    if (t != nullptr && t->seen++ < t->final_count &&
        oracle_windows.latest(extract(e, oracle_source)) == start) {
      ++c.delivered;
    }
  };
  auto visit_hopping = [&](const Event& e) {
    if (e.kind != RecordKind::kEvent) return;
    run_windows.all(extract(e, run_time), run_starts);
    in_final.assign(run_starts.size(), false);
    for (size_t i = 0; i < run_starts.size(); ++i) {
      Tally* t = tally_of(e.key, run_starts[i]);
      in_final[i] = t != nullptr && t->seen++ < t->final_count;
    }
    oracle_windows.all(extract(e, oracle_source), oracle_starts);
    c.contributions += oracle_starts.size();
    // Both lists ascend without repeats: one merge pass finds the starts they share.
    size_t i = 0;
    for (const Timestamp s : oracle_starts) {
      while (i < run_starts.size() && run_starts[i] < s) ++i;
      if (i == run_starts.size()) break;
      if (run_starts[i] == s && in_final[i]) ++c.delivered;
    }
  };
  auto visit_all = [&](auto&& visit) {
    const std::span<const Event> events = trace.records();
    if (order.empty()) {
      for (const Event& e : events) visit(e);
    } else {
      for (const uint32_t i : order) visit(events[i]);
    }
  };
  if constexpr (std::is_same_v<Spec, TumblingSpec>) {
    visit_all(visit_tumbling);
  } else {
    visit_all(visit_hopping);
  }
}

Completeness completeness(const Trace& trace, const RunConfig& config,
                          TimestampSource oracle_source, std::span<const Emission> emissions,
                          const Metrics& metrics) {
  const std::vector<uint32_t> order =
      config.schedule == Schedule::kArrival
          ? std::vector<uint32_t>{}
          : processing_order(trace, config.schedule, config.timestamp);
  return completeness(trace, config.window, config.timestamp, order, oracle_source, emissions,
                      metrics);
}

Completeness completeness(const Trace& trace, const WindowSpec& window, TimestampSource run_time,
                          std::span<const uint32_t> order, TimestampSource oracle_source,
                          std::span<const Emission> emissions, const Metrics& metrics) {
  Completeness c;
  window.visit(Overloaded{
      [&](const TumblingSpec& s) {
        count_fixed_window_contributions(trace, run_time, oracle_source, order, emissions, s, c);
      },
      [&](const HoppingSpec& s) {
        count_fixed_window_contributions(trace, run_time, oracle_source, order, emissions, s, c);
      },
      [&](const auto&) {  // sliding, session: an event contributes to its run's windows only
        c.contributions = metrics.events;
        c.delivered = metrics.accepted;
      },
  });
  c.ratio = c.contributions ? double(c.delivered) / double(c.contributions) : 1.0;
  return c;
}

Completeness completeness_of_disjoint_windows(std::span<const Emission> emissions,
                                              const Metrics& metrics) {
  Completeness c;
  c.contributions = metrics.events;
  for (const WindowHistory& h : window_histories(emissions)) {
    if (h.emissions > 0 && !h.retracted) c.delivered += h.last.count;
  }
  c.ratio = c.contributions ? double(c.delivered) / double(c.contributions) : 1.0;
  return c;
}

double relative_error(double run, double oracle) {
  if (oracle == 0) return run == 0 ? 0.0 : 1.0;
  return std::abs(run - oracle) / std::abs(oracle);
}

bool same_result(const WindowStats& run, const WindowStats& oracle) {
  if (run.count != oracle.count) return false;
  const double scale = std::max({1.0, std::abs(run.sum), std::abs(oracle.sum)});
  return std::abs(run.sum - oracle.sum) <= 1e-9 * scale;
}

Evaluation evaluate_windows(std::span<const Emission> emissions, const Oracle& oracle) {
  Evaluation ev;
  const std::vector<WindowHistory> histories = window_histories(emissions);
  ev.windows_emitted = histories.size();

  uint64_t updates = 0, retractions = 0;
  for (const Emission& e : emissions) {
    updates += e.kind == EmissionKind::kUpdate;
    retractions += e.kind == EmissionKind::kRetract;
  }
  if (ev.windows_emitted > 0) {
    ev.updates_per_window = double(updates) / double(ev.windows_emitted);
    ev.retractions_per_window = double(retractions) / double(ev.windows_emitted);
  }

  std::vector<double> first_latency, last_latency;
  for (const WindowHistory& h : histories) {
    if (h.emissions > 0 && !h.retracted && oracle.find(h.key, h.window) == nullptr) {
      ++ev.extra_windows;
    }
    ev.windows_flushed += h.flushed;
    if (h.emissions == 0 || h.flushed || !h.first_proc.is_finite() || !h.window.end.is_finite()) {
      continue;
    }
    first_latency.push_back(double((h.first_proc - h.window.end).ms));
    last_latency.push_back(double((h.last_proc - h.window.end).ms));
  }
  auto latency = [](std::vector<double>& v) {
    LatencyStats s;
    s.samples = v.size();
    if (v.empty()) return s;
    s.p50 = percentile(v, 50);
    s.p99 = percentile(v, 99);
    s.max = v.back();  // sorted by percentile()
    return s;
  };
  ev.latency_first = latency(first_latency);
  ev.latency_last = latency(last_latency);

  std::vector<double> count_error, sum_error;
  const auto answers = oracle.windows();
  ev.oracle_windows = answers.size();
  count_error.reserve(answers.size());
  sum_error.reserve(answers.size());
  for (const WindowAnswer& a : answers) {
    const WindowHistory* h = find_history(histories, a.key, a.window);
    const bool emitted = h != nullptr && h->emissions > 0;
    const WindowStats first = emitted ? h->first : WindowStats{};
    if (emitted && !h->retracted && same_result(h->last, a.stats)) ++ev.exact_windows;
    if (emitted && same_result(first, a.stats)) ++ev.first_exact_windows;
    count_error.push_back(relative_error(double(first.count), double(a.stats.count)));
    sum_error.push_back(relative_error(first.sum, a.stats.sum));
  }
  if (ev.oracle_windows > 0) {
    ev.exact_share = double(ev.exact_windows) / double(ev.oracle_windows);
    ev.first_exact_share = double(ev.first_exact_windows) / double(ev.oracle_windows);
  }
  if (!answers.empty()) {
    ev.first_count_error = {mean(count_error), percentile(count_error, 99)};
    ev.first_sum_error = {mean(sum_error), percentile(sum_error, 99)};
  }
  return ev;
}

Evaluation evaluate(const Trace& trace, const RunConfig& config, TimestampSource oracle_source,
                    std::span<const Emission> emissions, const Metrics& metrics,
                    const Oracle& oracle) {
  Evaluation ev = evaluate_windows(emissions, oracle);
  ev.completeness = completeness(trace, config, oracle_source, emissions, metrics);
  return ev;
}

}  // namespace tidemark
