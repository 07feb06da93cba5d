#include "tidemark/windows/compare.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <future>
#include <thread>

#include "tidemark/core/emission.hpp"
#include "tidemark/windows/run.hpp"

namespace tidemark {

std::vector<RunConfig> CompareGrid::configurations() const {
  std::vector<RunConfig> out;
  for (const TimestampSource t : timestamps) {
    for (const WatermarkSpec& w : watermarks) {
      for (const ClockMode c : clocks) {
        for (const LatenessPolicy& p : policies) {
          RunConfig config = base;
          config.timestamp = t;
          config.watermark = w;
          config.clock = c;
          config.lateness = p;
          out.push_back(config);
        }
      }
    }
  }
  return out;
}

namespace {

// Keeps emissions, counts nothing else: late events are already counted in Metrics.
class EmissionSink final : public ResultSink, public LateSink {
 public:
  void on_emission(const Emission& e) override { emissions.push_back(e); }
  void on_late(const LateEvent&) override {}
  std::vector<Emission> emissions;
};

}  // namespace

std::vector<ConfigurationResult> compare(const Trace& trace, std::span<const RunConfig> configs,
                                         unsigned threads, const Stopwatch& now) {
  // Distinct oracle timestamps, in order of first use; validation before any work.
  std::vector<TimestampSource> sources;
  std::vector<size_t> source_of(configs.size());
  std::vector<RunConfig> oracle_configs;
  for (size_t i = 0; i < configs.size(); ++i) {
    validate(trace, configs[i]);
    const TimestampSource s = oracle_time_source(trace, configs[i].timestamp);
    const auto it = std::find(sources.begin(), sources.end(), s);
    source_of[i] = size_t(it - sources.begin());
    if (it == sources.end()) {
      sources.push_back(s);
      oracle_configs.push_back(oracle_config(configs[i], s));
      validate(trace, oracle_configs.back());
    }
  }

  // Tasks 0..S-1 build the oracles, then one task per configuration. A task is taken only after
  // every earlier one was, so an oracle a configuration waits for is always under way.
  std::vector<std::promise<Oracle>> promises(sources.size());
  std::vector<std::shared_future<Oracle>> oracles;
  for (auto& p : promises) oracles.push_back(p.get_future().share());
  std::vector<ConfigurationResult> rows(configs.size());
  std::vector<std::exception_ptr> errors(sources.size() + configs.size());
  std::atomic<size_t> next{0};
  const size_t tasks = errors.size();

  auto work = [&] {
    for (size_t task = next++; task < tasks; task = next++) {
      try {
        if (task < sources.size()) {
          EmissionSink sink;
          run(trace, oracle_configs[task], sink, sink);
          promises[task].set_value(Oracle::from_emissions(sink.emissions));
          continue;
        }
        const size_t i = task - sources.size();
        EmissionSink sink;
        const double start = now();
        const RunResult r = run(trace, configs[i], sink, sink);
        ConfigurationResult& row = rows[i];
        row.wall_seconds = now() - start;
        row.config = configs[i];
        row.oracle_source = sources[source_of[i]];
        row.metrics = r.metrics;
        const Oracle& oracle = oracles[source_of[i]].get();
        row.evaluation =
            evaluate(trace, configs[i], row.oracle_source, sink.emissions, r.metrics, oracle);
      } catch (...) {
        errors[task] = std::current_exception();
        if (task < sources.size()) promises[task].set_exception(std::current_exception());
      }
    }
  };

  const size_t n = std::clamp<size_t>(threads, 1, tasks == 0 ? 1 : tasks);
  std::vector<std::thread> pool;
  for (size_t t = 1; t < n; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return rows;
}

}  // namespace tidemark
