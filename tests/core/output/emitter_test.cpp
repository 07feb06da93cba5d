#include "tidemark/core/output/emitter.hpp"

#include <catch2/catch.hpp>

using namespace tidemark;

namespace {
const Window kWindow{Timestamp{0}, Timestamp{10}};
}  // namespace

TEST_CASE("emitter: emissions are numbered from 1 in emission order", "[emitter]") {
  CollectingSink sink;
  Emitter emitter(sink);
  const WindowStats stats{2, 3.0, 1.0, 2.0, 1.5};
  emitter.emit(7, kWindow, stats, EmissionKind::kOnTime);
  emitter.emit(8, Window{Timestamp{10}, Timestamp{20}}, {}, EmissionKind::kUpdate);
  emitter.emit(7, kWindow, stats, EmissionKind::kRetract);

  REQUIRE(sink.emissions.size() == 3);
  for (size_t i = 0; i < 3; ++i) CHECK(sink.emissions[i].seq == i + 1);
  const Emission& first = sink.emissions[0];
  CHECK(first.key == 7);
  CHECK(first.window == kWindow);
  CHECK(first.stats == stats);
  CHECK(first.kind == EmissionKind::kOnTime);
  CHECK(sink.emissions[1].key == 8);
  CHECK(sink.emissions[1].window.start == Timestamp{10});
  CHECK(sink.emissions[2].kind == EmissionKind::kRetract);
}

TEST_CASE("emitter: an emission carries the clock and processing time current when emitted",
          "[emitter]") {
  CollectingSink sink;
  Emitter emitter(sink);
  CHECK(emitter.clock() == Timestamp::min());  // before any time is set: -inf
  CHECK(emitter.proc_time() == Timestamp::min());

  emitter.emit(1, kWindow, {}, EmissionKind::kOnTime);
  emitter.set_time(Timestamp{100}, Timestamp{150});
  emitter.emit(1, kWindow, {}, EmissionKind::kOnTime);
  emitter.set_clock(Timestamp{120});
  emitter.emit(1, kWindow, {}, EmissionKind::kOnTime);

  REQUIRE(sink.emissions.size() == 3);
  CHECK(sink.emissions[0].clock == Timestamp::min());
  CHECK(sink.emissions[0].proc_time == Timestamp::min());
  CHECK(sink.emissions[1].clock == Timestamp{100});
  CHECK(sink.emissions[1].proc_time == Timestamp{150});
  CHECK(sink.emissions[2].clock == Timestamp{120});  // set_clock leaves the processing time
  CHECK(sink.emissions[2].proc_time == Timestamp{150});
}

TEST_CASE("emitter: processing time is only raised, never lowered", "[emitter]") {
  CollectingSink sink;
  Emitter emitter(sink);
  emitter.raise_proc_time(Timestamp{50});
  CHECK(emitter.proc_time() == Timestamp{50});
  emitter.raise_proc_time(Timestamp{40});
  CHECK(emitter.proc_time() == Timestamp{50});
  emitter.raise_proc_time(Timestamp::max());
  CHECK(emitter.proc_time() == Timestamp::max());
  CHECK(emitter.clock() == Timestamp::min());  // the clock is not the processing time's
  // set_time, unlike raise_proc_time, takes what it is given.
  emitter.set_time(Timestamp{1}, Timestamp{2});
  CHECK(emitter.proc_time() == Timestamp{2});
}

TEST_CASE("emitter: counts each kind it emitted into the metrics", "[emitter]") {
  CollectingSink sink;
  Emitter emitter(sink);
  Metrics before;
  emitter.add_counts_to(before);
  CHECK(before.windows_fired == 0);
  CHECK(before.updates == 0);
  CHECK(before.retractions == 0);

  for (int i = 0; i < 4; ++i) emitter.emit(1, kWindow, {}, EmissionKind::kOnTime);
  for (int i = 0; i < 2; ++i) emitter.emit(1, kWindow, {}, EmissionKind::kUpdate);
  emitter.emit(1, kWindow, {}, EmissionKind::kRetract);
  Metrics m;
  emitter.add_counts_to(m);
  CHECK(m.windows_fired == 4);
  CHECK(m.updates == 2);
  CHECK(m.retractions == 1);
  CHECK(sink.emissions.size() == 7);
}
