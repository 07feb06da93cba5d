#include "tidemark/runner/compare.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <future>
#include <system_error>
#include <thread>

#include "tidemark/core/error.hpp"
#include "tidemark/core/output/emission.hpp"
#include "tidemark/runner/profile_runs.hpp"
#include "tidemark/runner/run.hpp"

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

// The work comes in tasks: an oracle; a configuration's run; the completeness of a run (which
// needs no oracle); the evaluation of a run against its oracle. Short tasks keep every thread
// busy to the end, where one task per configuration left one thread idle for most of the last.
enum class Stage { kOracle, kRun, kCompleteness, kEvaluation };
struct Task {
  Stage stage;
  size_t index;  // of the oracle or the configuration
};

// The order in which threads take the tasks. The oracles come first, since every evaluation
// needs one; each configuration's completeness and evaluation trail its run by `lag` runs, so a
// thread taking them seldom waits for that run, and about lag + 1 runs' emissions are held at
// once. A task's inputs come from tasks before it, which were taken first and are under way, so
// waiting for them never deadlocks.
std::vector<Task> task_order(size_t oracles, size_t configs, size_t lag) {
  std::vector<Task> order;
  for (size_t s = 0; s < oracles; ++s) order.push_back({Stage::kOracle, s});
  for (size_t i = 0; i < configs + lag; ++i) {
    if (i < configs) order.push_back({Stage::kRun, i});
    if (i >= lag) {
      order.push_back({Stage::kCompleteness, i - lag});
      order.push_back({Stage::kEvaluation, i - lag});
    }
  }
  return order;
}

// What a configuration's run hands to its completeness and evaluation tasks.
struct RunOutput {
  std::promise<void> done;
  std::shared_future<void> ready = done.get_future().share();
  std::vector<Emission> emissions;
  std::vector<uint32_t> order;  // the records as an engine profile took them; empty: trace order
  std::atomic<int> readers{2};  // the last of the two tasks to finish frees the emissions

  void release() {
    if (--readers == 0) {
      std::vector<Emission>().swap(emissions);
      std::vector<uint32_t>().swap(order);
    }
  }
};

// One compare() call: the configurations, checked on construction, their oracles, and what the
// tasks have produced so far.
class Comparison {
 public:
  Comparison(const Trace& trace, PartitionId present, std::span<const RunConfig> configs,
             const Rules& rules, const Stopwatch& now)
      : trace_(trace),
        configs_(configs),
        rules_(rules),
        now_(now),
        runs_(configs.size()),
        rows_(configs.size()),
        complete_(configs.size()) {
    // Distinct oracle timestamps, in order of first use.
    for (const RunConfig& c : configs) {
      partitions_.push_back(validate(trace, present, c));
      check_profile(c);
      const TimestampSource s = oracle_time_source(trace, c.timestamp);
      const auto it = std::find(sources_.begin(), sources_.end(), s);
      source_of_.push_back(size_t(it - sources_.begin()));
      if (it == sources_.end()) {
        sources_.push_back(s);
        oracle_configs_.push_back(oracle_config(c, s));
        oracle_partitions_.push_back(validate(trace, present, oracle_configs_.back()));
      }
    }
    oracle_done_ = std::vector<std::promise<Oracle>>(sources_.size());
    for (auto& p : oracle_done_) oracles_.push_back(p.get_future().share());
  }

  // Runs every task on up to `threads` threads; rethrows the first task's exception, if any.
  // `*threads_started`, where given: how many were started (no more than there are tasks, nor than
  // the system would start).
  std::vector<ConfigurationResult> results(unsigned threads, unsigned* threads_started) {
    const size_t n = std::max<size_t>(threads, 1);
    const size_t lag = std::min(n, std::max<size_t>(configs_.size(), 1)) - 1;
    const std::vector<Task> order = task_order(sources_.size(), configs_.size(), lag);
    std::vector<std::exception_ptr> errors(order.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t k = next++; k < order.size(); k = next++) {
        try {
          perform(order[k]);
        } catch (...) {
          errors[k] = std::current_exception();
          fail(order[k], errors[k]);
        }
      }
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < std::min(n, order.size()); ++t) {
      try {
        pool.emplace_back(work);
      } catch (const std::system_error&) {  // no more threads to be had: those running share it all
        break;
      }
    }
    if (threads_started) *threads_started = unsigned(pool.size() + 1);
    work();
    for (std::thread& t : pool) t.join();
    for (const std::exception_ptr& e : errors) {
      if (e) std::rethrow_exception(e);
    }
    for (size_t i = 0; i < rows_.size(); ++i) rows_[i].evaluation.completeness = complete_[i];
    return std::move(rows_);
  }

 private:
  void perform(Task t) {
    switch (t.stage) {
      case Stage::kOracle:
        return build_oracle(t.index);
      case Stage::kRun:
        return run_configuration(t.index);
      case Stage::kCompleteness:
        return measure_completeness(t.index);
      case Stage::kEvaluation:
        return evaluate_run(t.index);
    }
  }

  // A failed task hands its exception to the tasks waiting for it.
  void fail(Task t, const std::exception_ptr& e) {
    if (t.stage == Stage::kOracle) oracle_done_[t.index].set_exception(e);
    if (t.stage == Stage::kRun) runs_[t.index].done.set_exception(e);
  }

  void build_oracle(size_t s) {
    EmissionSink sink;
    run(trace_, oracle_configs_[s], oracle_partitions_[s], sink, sink);
    oracle_done_[s].set_value(Oracle::from_emissions(sink.emissions));
  }

  // An engine profile's configuration is checked before anything runs, as run() checks its own.
  void check_profile(const RunConfig& c) const {
    std::visit(Overloaded{[](const GenericRules&) {},
                          [&](const FlinkRules& r) { flink_config(c, r.options); },
                          [&](const KafkaStreamsRules& r) {
                            const KafkaStreamsConfig k = kafka_streams_config(c, r.options);
                            if (k.emit == KafkaEmit::kOnClose &&
                                std::holds_alternative<SlidingSpec>(k.window.kinds())) {
                              throw ConfigError(
                                  "--window sliding with --emit on-close under --profile "
                                  "kafka-streams: compare cannot tell which events the closed "
                                  "windows hold; use --emit on-update, or replay");
                            }
                          }},
               rules_);
  }

  void run_configuration(size_t i) {
    ConfigurationResult& row = rows_[i];
    const double start = now_();
    std::visit(Overloaded{[&](const GenericRules&) {
                            EmissionSink sink;
                            row.metrics =
                                run(trace_, configs_[i], partitions_[i], sink, sink).metrics;
                            runs_[i].emissions = std::move(sink.emissions);
                          },
                          [&](const auto& engine) {
                            ProfileRunOutput out = run_profile(trace_, configs_[i], engine);
                            row.metrics = out.metrics;
                            runs_[i].emissions = std::move(out.emissions);
                            runs_[i].order = std::move(out.order);
                          }},
               rules_);
    row.wall_seconds = now_() - start;
    row.config = configs_[i];
    row.oracle_source = sources_[source_of_[i]];
    runs_[i].done.set_value();
  }

  // Written to complete_[i], not rows_[i], which evaluate_run may be assigning at the same time.
  void measure_completeness(size_t i) {
    runs_[i].ready.get();
    const RunConfig& c = configs_[i];
    const TimestampSource oracle = rows_[i].oracle_source;
    const std::span<const Emission> emissions = runs_[i].emissions;
    const Metrics& m = rows_[i].metrics;
    // Time windows: the accepted prefix of each window, in the order the run took the records.
    // Sliding and session windows: every accepted event is in a final emission (the flush, or
    // Flink's MAX_WATERMARK, fires them all), except under kafka-streams, which flushes nothing
    // and retracts merged-away sessions.
    const bool kafka_sessions = std::holds_alternative<KafkaStreamsRules>(rules_) &&
                                std::holds_alternative<SessionSpec>(c.window.kinds());
    complete_[i] =
        std::holds_alternative<GenericRules>(rules_) ? completeness(trace_, c, oracle, emissions, m)
        : kafka_sessions
            ? completeness_of_disjoint_windows(emissions, m)
            : completeness(trace_, c.window, c.timestamp, runs_[i].order, oracle, emissions, m);
    runs_[i].release();
  }

  void evaluate_run(size_t i) {
    runs_[i].ready.get();
    rows_[i].evaluation = evaluate_windows(runs_[i].emissions, oracles_[source_of_[i]].get());
    runs_[i].release();
  }

  const Trace& trace_;
  std::span<const RunConfig> configs_;
  const Rules& rules_;
  const Stopwatch& now_;
  std::vector<PartitionId> partitions_;   // by configuration, as validate() resolved them
  std::vector<size_t> source_of_;         // by configuration: its oracle
  std::vector<TimestampSource> sources_;  // by oracle
  std::vector<RunConfig> oracle_configs_;
  std::vector<PartitionId> oracle_partitions_;

  std::vector<std::promise<Oracle>> oracle_done_;
  std::vector<std::shared_future<Oracle>> oracles_;
  std::vector<RunOutput> runs_;            // by configuration
  std::vector<ConfigurationResult> rows_;  // by configuration
  std::vector<Completeness> complete_;     // by configuration, joins rows_ at the end
};

}  // namespace

std::vector<ConfigurationResult> compare(const Trace& trace, std::span<const RunConfig> configs,
                                         unsigned threads, const Stopwatch& now) {
  return compare(trace, trace.partition_count(), configs, GenericRules{}, threads, now, nullptr);
}

std::vector<ConfigurationResult> compare(const Trace& trace, PartitionId present,
                                         std::span<const RunConfig> configs, const Rules& rules,
                                         unsigned threads, const Stopwatch& now,
                                         unsigned* threads_started) {
  return Comparison(trace, present, configs, rules, now).results(threads, threads_started);
}

}  // namespace tidemark
