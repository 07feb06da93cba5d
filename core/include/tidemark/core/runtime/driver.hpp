#pragma once
// The runtime loop (docs/design.md §5): for each record in processing order, (1) update the
// partition's watermark and the clock, (2) fire and purge due windows, (3) assign the event to its
// windows under the lateness policy. Templated on the window operator so the kind is chosen once
// per run, and on the clock observer (clock_observer.hpp), so that a run without --clock-output
// has no clock tracing in its loop.

#include <algorithm>
#include <span>

#include "tidemark/core/output/emission.hpp"
#include "tidemark/core/output/emitter.hpp"
#include "tidemark/core/runtime/clock.hpp"
#include "tidemark/core/runtime/clock_observer.hpp"
#include "tidemark/core/runtime/metrics.hpp"
#include "tidemark/core/runtime/run_config.hpp"
#include "tidemark/core/runtime/state_budget.hpp"
#include "tidemark/core/runtime/timestamp_extractor.hpp"
#include "tidemark/core/runtime/window_operator.hpp"
#include "tidemark/core/trace_io/record_prefetch.hpp"

namespace tidemark {

template <WindowOperator Op, class Observer = NoClockObserver>
class Driver {
 public:
  // `has_receive_time`: processing time is receive_time; otherwise the largest extracted time.
  Driver(const RunConfig& config, PartitionId partitions, bool has_receive_time, Op& op,
         ResultSink& results, LateSink& late, Observer observer = {})
      : config_(config),
        clock_(StateBudget::admit_clock(config, partitions), partitions),
        op_(op),
        emitter_(results),
        late_(late),
        has_receive_time_(has_receive_time),
        budget_(config, partitions),
        observer_(observer) {
    metrics_.partitions = partitions;
    if constexpr (BudgetedOperator<Op>) op_.set_state_budget(&budget_);
    if constexpr (Observer::kActive) clock_.set_status_listener(&observer_);
  }
  Driver(const Driver&) = delete;  // the clock holds a pointer to observer_
  Driver& operator=(const Driver&) = delete;

  void process(const Event& e) {
    with_sources(
        [&]<TimestampSource kSource, bool kReceiveTime>() { process<kSource, kReceiveTime>(e); });
  }

  // Records in processing order. The timestamp source, where processing time comes from and how
  // records are fetched ahead are chosen here, once per call, not once per record.
  void process(std::span<const Event> events) {
    with_sources([&]<TimestampSource kSource, bool kReceiveTime>() {
      if constexpr (!PrefetchingOperator<Op>) {
        for (const Event& e : events) process<kSource, kReceiveTime>(e);
      } else if (record_prefetch_ == RecordPrefetch::kNonTemporal) {
        process_all<kSource, kReceiveTime, RecordPrefetch::kNonTemporal>(events);
      } else {
        process_all<kSource, kReceiveTime, RecordPrefetch::kTemporal>(events);
      }
    });
  }

  // End of trace: with --end flush the clock jumps to +inf and every window fires.
  Metrics finish() {
    flush_lag();
    if constexpr (Observer::kActive) observer_.on_end();
    if (config_.end == EndMode::kFlush) advance(Timestamp::max());
    metrics_.open_windows_at_end = op_.open_windows();
    metrics_.final_clock = emitter_.clock();
    emitter_.add_counts_to(metrics_);
    if (metrics_.lag_samples > 0) metrics_.lag_mean_ms = lag_sum_ / double(metrics_.lag_samples);
    return metrics_;
  }

 private:
  // Calls f.template operator()<source, has receive time>() for this run's configuration.
  template <class F>
  void with_sources(F&& f) {
    auto with = [&]<TimestampSource kSource>() {
      if (has_receive_time_) {
        f.template operator()<kSource, true>();
      } else {
        f.template operator()<kSource, false>();
      }
    };
    switch (config_.timestamp) {
      case TimestampSource::kEvent:
        return with.template operator()<TimestampSource::kEvent>();
      case TimestampSource::kReceive:
        return with.template operator()<TimestampSource::kReceive>();
      case TimestampSource::kCorrected:
        return with.template operator()<TimestampSource::kCorrected>();
      case TimestampSource::kTrue:
        return with.template operator()<TimestampSource::kTrue>();
    }
  }

  // Always inlined: called from two loops, it would otherwise become a call per record.
  template <TimestampSource kSource, bool kReceiveTime>
  [[gnu::always_inline]] void process(const Event& e) {
    if constexpr (Observer::kActive) observer_.on_record(e);
    if (e.kind != RecordKind::kEvent) [[unlikely]] {
      process_mark<kReceiveTime>(e);
      return;
    }
    const Timestamp t = extract(e, kSource);
    emitter_.raise_proc_time(kReceiveTime ? e.receive_time : t);
    const Timestamp clock = clock_.on_event(e.partition, t, emitter_.proc_time());
    advance(clock);

    ++metrics_.events;
    if (op_.add(e.key, t, e.value, clock, emitter_)) {
      ++metrics_.accepted;
    } else {
      ++metrics_.late;
      late_.on_late(LateEvent{e.row, e.partition, e.key, e.event_time, t, clock});
    }
    sample(clock);
  }

  // A W or I row (counted together as punctuations). Out of line: the loop over events keeps
  // its registers.
  template <bool kReceiveTime>
  [[gnu::noinline]] void process_mark(const Event& e) {
    if constexpr (kReceiveTime) emitter_.raise_proc_time(e.receive_time);
    ++metrics_.punctuations;
    advance(e.kind == RecordKind::kWatermark
                ? clock_.on_punctuation(e.partition, e.event_time, emitter_.proc_time())
                : clock_.on_idle_mark(e.partition, emitter_.proc_time()));
  }

  // Operators that can prefetch get each key a few records ahead, so that with many keys the
  // state lookups overlap instead of waiting on memory one by one. The records themselves are
  // fetched further ahead than the keys, far enough to cover a miss to memory even when an
  // event costs only ~7 ns, with the hint that suits the processor (record_prefetch.hpp). The
  // last records, with nothing left to fetch ahead, go through a loop of their own, so the main
  // loop has no bounds checks.
  template <TimestampSource kSource, bool kReceiveTime, RecordPrefetch kHint>
  void process_all(std::span<const Event> events) {
    constexpr size_t kAhead = 8, kRecordsAhead = records_ahead(kHint);
    const Event* e = events.data();
    const Event* const end = e + events.size();
    const Event* const last_ahead = events.size() > kRecordsAhead ? end - kRecordsAhead : e;
    for (; e != last_ahead; ++e) {
      __builtin_prefetch(e + kRecordsAhead, 0, kHint == RecordPrefetch::kNonTemporal ? 0 : 3);
      op_.prefetch(e[kAhead].key);
      if constexpr (DeepPrefetchingOperator<Op>) op_.prefetch_deep(e[kAhead / 2].key);
      process<kSource, kReceiveTime>(*e);
    }
    for (; e != end; ++e) {
      if (end - e > ptrdiff_t(kAhead)) op_.prefetch(e[kAhead].key);
      if constexpr (DeepPrefetchingOperator<Op>) {
        if (end - e > ptrdiff_t(kAhead / 2)) op_.prefetch_deep(e[kAhead / 2].key);
      }
      process<kSource, kReceiveTime>(*e);
    }
  }

  void advance(Timestamp clock) {
    if (clock != emitter_.clock()) {
      emitter_.set_clock(clock);
      if constexpr (Observer::kActive) observer_.on_clock(clock, emitter_.proc_time());
      op_.fire(clock, emitter_);
    }
  }

  // After an event, at clock c.
  [[gnu::always_inline]] void sample(Timestamp c) {
    if constexpr (RevisionedOperator<Op>) {
      // Peaks only move when the sizes do; a fast-path add changes neither.
      if (op_.revision() != sampled_revision_) {
        sampled_revision_ = op_.revision();
        sample_sizes(c);
      }
    } else {
      sample_sizes(c);
    }
    // Lag = processing time - clock after each event. Both change far less often than events
    // arrive, so events are counted and the lag is accounted once per change.
    const Timestamp proc = emitter_.proc_time();
    if (c != lag_clock_ || proc != lag_proc_) {
      flush_lag();
      lag_clock_ = c;
      lag_proc_ = proc;
    }
    ++lag_pending_;
  }

  // State grows in add() (firing mostly frees it), so checking --max-state here, where the size
  // is read anyway, catches growth one event late at most; operators check steps that allocate
  // much at once before they take them (set_state_budget).
  [[gnu::always_inline]] void sample_sizes(Timestamp c) {
    metrics_.peak_open_windows = std::max<uint64_t>(metrics_.peak_open_windows, op_.open_windows());
    const uint64_t bytes = op_.state_bytes();
    if constexpr (AllocationReportingOperator<Op>) {
      // allocated_bytes() costs ~50 instructions, more than the estimate, which is read after
      // every event: it is read once the estimate has grown by 1/64 (or 64 KiB) since, and every
      // 1024 events besides (blocks freed may be allocated anew in other sizes).
      if (bytes >= recheck_at_ || (metrics_.events & 1023) == 0) {
        budget_.check(op_.allocated_bytes(), c);
        recheck_at_ = bytes + std::max<uint64_t>(bytes / 64, uint64_t(64) << 10);
      }
    } else {
      budget_.check(bytes, c);
    }
    metrics_.peak_state_bytes = std::max<uint64_t>(metrics_.peak_state_bytes, bytes);
  }

  void flush_lag() {
    if (lag_pending_ == 0) return;
    if (!lag_clock_.is_finite()) {
      metrics_.events_at_unbounded_clock += lag_pending_;
    } else {
      const int64_t lag = std::max<int64_t>(0, (lag_proc_ - lag_clock_).ms);
      metrics_.lag_samples += lag_pending_;
      lag_sum_ += double(lag) * double(lag_pending_);
      metrics_.lag_max_ms = std::max(metrics_.lag_max_ms, lag);
    }
    lag_pending_ = 0;
  }

  const RunConfig& config_;
  EventClock clock_;
  Op& op_;
  Emitter emitter_;
  LateSink& late_;
  bool has_receive_time_;
  RecordPrefetch record_prefetch_ = record_prefetch_for_this_cpu();
  Metrics metrics_;
  double lag_sum_ = 0;
  Timestamp lag_clock_ = Timestamp::min(), lag_proc_ = Timestamp::min();
  uint64_t lag_pending_ = 0;
  uint64_t sampled_revision_ = ~uint64_t{0};  // op_.revision() at the last size sample
  uint64_t recheck_at_ = 0;  // the estimate at which to read allocated_bytes() again
  StateBudget budget_;       // near the end: the hot members above keep their short offsets
  [[no_unique_address]] Observer observer_;
};

}  // namespace tidemark
