#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <tuple>

#include "commands.hpp"
#include "tidemark/core/binary_trace.hpp"
#include "tidemark/core/csv_writer.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/trace_stats.hpp"
#include "tidemark/generators/base_process.hpp"
#include "tidemark/generators/offline_devices.hpp"
#include "tidemark/generators/time_format.hpp"
#include "tidemark/generators/workload.hpp"

using namespace tidemark;
using namespace tidemark::gen;

namespace {

using Overrides = std::vector<std::pair<std::string, std::string>>;

Trace make(const std::string& preset, Overrides o) {
  return generate_trace(make_workload_spec(preset, o));
}

std::string bytes(const Trace& t) {
  std::ostringstream out;
  write_binary_trace(out, t);
  return out.str();
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[size_t(q * double(v.size() - 1))];
}

// receive - send of every event: the network delay when nothing else moves the times.
std::vector<double> delays(const Trace& t) {
  std::vector<double> d;
  for (const Event& e : t.events) d.push_back(double((e.receive_time - e.send_time).ms));
  return d;
}

}  // namespace

TEST_CASE("same spec and seed give the same bytes; another seed does not", "[generators]") {
  for (const auto& preset : workload_presets()) {
    INFO(preset.name);
    const Overrides o = {{"seed", "11"}, {"events", "2000"}, {"outage-start", "0"}};
    const std::string a = bytes(make(std::string(preset.name), o));
    CHECK(a == bytes(make(std::string(preset.name), o)));
    CHECK(a != bytes(make(std::string(preset.name), {{"seed", "12"}, {"events", "2000"}})));
  }
}

TEST_CASE("the spec text parses back to the same spec", "[generators]") {
  const WorkloadSpec s = make_workload_spec("mixed", {{"seed", "5"},
                                                      {"events", "10"},
                                                      {"delay", "pareto:20ms,1.5"},
                                                      {"start", "2026-03-01T09:00:00+09:00"},
                                                      {"outage-partitions", "3,1"}});
  CHECK(s.start == Timestamp{1'772'323'200'000});
  const std::string text = s.to_string();
  CHECK(text.find("outage-partitions=1,3") != std::string::npos);
  CHECK(parse_workload_spec(text).to_string() == text);
  const Trace t = generate_trace(s);
  CHECK(t.header_comment == text);
  CHECK(bytes(generate_trace(parse_workload_spec(t.header_comment))) == bytes(t));
}

TEST_CASE("network delays follow their distributions", "[generators]") {
  // 100k events. Tolerances are about 5 standard errors: for a mean, sd/sqrt(n); for a
  // q-quantile, sqrt(q(1-q)/n)/f(x_q); plus 0.5 ms for rounding delays to whole ms.
  const Overrides base = {{"seed", "3"}, {"events", "100000"}, {"rate", "10000"}};
  auto with = [&](const std::string& delay) {
    Overrides o = base;
    o.emplace_back("delay", delay);
    return delays(make("out-of-order", o));
  };
  SECTION("fixed") {
    const auto d = with("fixed:100ms");
    CHECK(*std::min_element(d.begin(), d.end()) == 100);
    CHECK(*std::max_element(d.begin(), d.end()) == 100);
  }
  SECTION("uniform") {
    const auto d = with("uniform:10ms,30ms");
    CHECK(*std::min_element(d.begin(), d.end()) >= 10);
    CHECK(*std::max_element(d.begin(), d.end()) <= 30);
    CHECK(mean(d) == Approx(20).margin(0.2));  // sd 5.8 / sqrt(1e5) = 0.02
  }
  SECTION("exponential") {
    const auto d = with("exponential:100ms");
    CHECK(mean(d) == Approx(100).margin(2));                             // se 0.32
    CHECK(quantile(d, 0.5) == Approx(100 * std::log(2)).margin(2));      // se 0.32
    CHECK(quantile(d, 0.99) == Approx(100 * std::log(100)).margin(12));  // se 3.2
  }
  SECTION("lognormal") {
    const auto d = with("lognormal:50ms,1");
    CHECK(quantile(d, 0.5) == Approx(50).margin(1.5));         // se 0.2
    CHECK(quantile(d, 0.9) == Approx(180.1).margin(5.5));      // se 1.0
    CHECK(mean(d) == Approx(50 * std::exp(0.5)).margin(2.5));  // sd 108, se 0.34
  }
  SECTION("pareto (heavy tail)") {
    const auto d = with("pareto:10ms,2");
    CHECK(*std::min_element(d.begin(), d.end()) >= 10);
    CHECK(quantile(d, 0.5) == Approx(10 * std::sqrt(2)).margin(1));  // se 0.03
    CHECK(quantile(d, 0.99) == Approx(100).margin(8));               // se 1.6
  }
  SECTION("arrival order is receive order") {
    const Trace t = make("out-of-order", {{"seed", "3"}, {"events", "20000"}});
    for (size_t i = 1; i < t.events.size(); ++i) {
      REQUIRE(t.events[i - 1].receive_time <= t.events[i].receive_time);
      REQUIRE(t.events[i].row == i + 1);
    }
  }
}

TEST_CASE("offline devices send their buffered events in bursts on reconnect", "[generators]") {
  // Half of 100 devices alternate 10 s online / 10 s offline over 100 s; no network delay.
  const Trace t = make("offline-device", {{"seed", "9"},
                                          {"events", "100000"},
                                          {"delay", "none"},
                                          {"offline-fraction", "0.5"},
                                          {"offline-online", "10s"},
                                          {"offline-offline", "10s"}});
  std::map<KeyId, std::vector<const Event*>> by_device;
  for (const Event& e : t.events) by_device[e.key].push_back(&e);
  size_t flaky = 0, flaky_events = 0, buffered = 0;
  std::vector<double> lateness;
  for (auto& [key, events] : by_device) {
    std::sort(events.begin(), events.end(),
              [](const Event* a, const Event* b) { return a->true_time < b->true_time; });
    bool any = false;
    for (size_t i = 0; i < events.size(); ++i) {
      const Event& e = *events[i];
      REQUIRE(e.send_time >= e.true_time);
      if (e.send_time == e.true_time) continue;
      any = true;
      ++buffered;
      lateness.push_back(double((e.send_time - e.true_time).ms));
      // Sent only at reconnect: every later event up to the send time is buffered too and
      // leaves in the same burst.
      for (size_t j = i + 1; j < events.size() && events[j]->true_time < e.send_time; ++j) {
        REQUIRE(events[j]->send_time == e.send_time);
      }
    }
    if (any) {
      ++flaky;
      flaky_events += events.size();
    }
  }
  // Exactly 50 devices are flaky; each is offline at some point over 10 cycles (P(not) ~ e^-10).
  CHECK(flaky == 50);
  // Offline half the time: the buffered share of their events is about 0.5 (some hundreds of
  // periods; +-0.08 is several standard deviations of a share built from ~250 periods).
  CHECK(double(buffered) / double(flaky_events) == Approx(0.5).margin(0.08));
  // Lateness of a buffered event: length-biased exponential periods give a mean of the mean
  // period (10 s); the maximum is below the longest period (a few times 10 s).
  CHECK(mean(lateness) == Approx(10'000).margin(3'000));
  CHECK(*std::max_element(lateness.begin(), lateness.end()) < 100'000);
}

TEST_CASE("offline holds of more than 2^32 ms (49 days) keep their exact send times",
          "[generators]") {
  // Offline periods of 200 days on average: many events wait longer than 32 bits of ms hold.
  const WorkloadSpec spec = make_workload_spec("offline-device", {{"seed", "4"},
                                                                  {"events", "3000"},
                                                                  {"rate", "0.001"},
                                                                  {"delay", "none"},
                                                                  {"offline-fraction", "0.5"},
                                                                  {"offline-online", "1h"},
                                                                  {"offline-offline", "200d"}});
  const Trace t = generate_trace(spec);
  // The reference: the base process and the offline devices queried one event at a time.
  BaseProcess base(spec);
  OfflineDevices offline(spec);
  std::vector<std::tuple<int64_t, KeyId, int64_t>> expected, got;  // true time, key, send
  for (uint64_t i = 0; i < spec.events; ++i) {
    const TrueEvent e = base.next();
    expected.emplace_back(e.time, e.device, offline.send_time(e.device, e.time));
  }
  size_t long_holds = 0;
  for (const Event& e : t.events) {
    got.emplace_back(e.true_time.ms, e.key, e.send_time.ms);
    if ((e.send_time - e.true_time).ms > int64_t(UINT32_MAX)) ++long_holds;
  }
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  CHECK(got == expected);
  CHECK(long_holds > 100);
}

TEST_CASE("OfflineDevices matches a device state machine stepped at every query", "[generators]") {
  // The reference: the same draws (stream 5, partial Fisher-Yates, then toggles in query order),
  // with `online` tested and the ceiling taken at every query.
  for (const char* offline_mean : {"30m", "1ms", "200d"}) {
    const WorkloadSpec spec = make_workload_spec("offline-device", {{"seed", "8"},
                                                                    {"events", "20000"},
                                                                    {"offline-fraction", "0.3"},
                                                                    {"offline-online", "1s"},
                                                                    {"offline-offline", offline_mean}});
    struct Device {
      double next_toggle = INFINITY;
      bool online = true;
    };
    std::vector<Device> devices(spec.keys);
    Rng rng = stream_rng(spec.seed, 5);
    const uint32_t flaky = uint32_t(std::floor(spec.offline_fraction * spec.keys + 0.5));
    std::vector<uint32_t> ids(spec.keys);
    for (uint32_t d = 0; d < spec.keys; ++d) ids[d] = d;
    for (uint32_t i = 0; i < flaky; ++i) {
      std::swap(ids[i], ids[i + rng.below(spec.keys - i)]);
      devices[ids[i]].next_toggle =
          double(spec.start.ms) + sample_exponential(rng, double(spec.offline_online.ms));
    }
    auto reference_send = [&](uint32_t device, int64_t t) {
      Device& s = devices[device];
      while (s.next_toggle <= double(t)) {
        s.online = !s.online;
        s.next_toggle += sample_exponential(
            rng, double(s.online ? spec.offline_online.ms : spec.offline_offline.ms));
      }
      return s.online ? t : int64_t(std::ceil(s.next_toggle));
    };
    BaseProcess base(spec);
    OfflineDevices offline(spec);
    size_t held = 0;
    for (uint64_t i = 0; i < spec.events; ++i) {
      const TrueEvent e = base.next();
      const int64_t send = offline.send_time(e.device, e.time);
      REQUIRE(send == reference_send(e.device, e.time));
      held += send != e.time;
    }
    CHECK(held > 0);  // some events are held back in every case
  }
}

TEST_CASE("clock skew: corrected recovers true time within the network delay", "[generators]") {
  const Trace t = make("clock-skew", {{"seed", "4"},
                                      {"events", "50000"},
                                      {"keys", "400"},
                                      {"delay", "uniform:0ms,20ms"},
                                      {"skew", "normal:2s"},
                                      {"drift-ppm", "0"}});
  std::map<KeyId, int64_t> offset;
  for (const Event& e : t.events) {
    const int64_t o = (e.event_time - e.true_time).ms;
    auto [it, fresh] = offset.emplace(e.key, o);
    REQUIRE(it->second == o);  // one constant offset per device
    const int64_t corrected = (e.event_time + (e.receive_time - e.send_time) - e.true_time).ms;
    REQUIRE(corrected >= 0);
    REQUIRE(corrected <= 20);
  }
  // Offsets are normal(0, 2 s) over 400 devices: sample sd within 2000 +- 5 * 2000/sqrt(800).
  double sum = 0, sq = 0;
  for (auto [k, o] : offset) sum += double(o), sq += double(o) * double(o);
  const double n = double(offset.size()), m = sum / n;
  CHECK(std::sqrt(sq / n - m * m) == Approx(2000).margin(360));
  CHECK(std::abs(m) < 5 * 2000 / std::sqrt(n));
  // inspect's per-device estimate: median(receive - send) = median delay - offset.
  const TraceStats s = compute_trace_stats(t);
  REQUIRE(s.corrected_error);
  CHECK(s.corrected_error->min >= 0);
  CHECK(s.corrected_error->max <= 20);
  for (const DeviceOffset& d : s.device_offsets) {
    REQUIRE(std::abs(d.median + offset.at(d.key) - 10) <= 10);
  }
  // With drift the offset grows with time: over 50 s at <= 100 ppm, at most 5 ms.
  const Trace drift = make("clock-skew", {{"seed", "4"},
                                          {"events", "50000"},
                                          {"keys", "400"},
                                          {"delay", "none"},
                                          {"skew", "none"},
                                          {"drift-ppm", "100"}});
  for (const Event& e : drift.events) REQUIRE(std::abs((e.event_time - e.true_time).ms) <= 6);
}

TEST_CASE("an outaged partition delivers nothing inside its interval, then its backlog",
          "[generators]") {
  const Trace t = make("producer-outage", {{"seed", "2"},
                                           {"events", "100000"},
                                           {"rate", "2000"},
                                           {"outage-partitions", "1"},
                                           {"outage-start", "10s"},
                                           {"outage-duration", "20s"}});
  const Timestamp from{1'767'225'600'000 + 10'000}, to = from + Duration{20'000};
  size_t others_inside = 0, backlog = 0;
  for (const Event& e : t.events) {
    const bool inside = e.receive_time >= from && e.receive_time < to;
    if (e.partition == 1) {
      REQUIRE_FALSE(inside);
      backlog += e.receive_time == to;
    } else {
      others_inside += inside;
    }
  }
  // 20 s at 2000/s = 40000 events, a quarter-ish of them on partition 1 (hash of 100 keys).
  CHECK(backlog > 5000);
  CHECK(others_inside > 20000);
  const TraceStats s = compute_trace_stats(t, {.silence_threshold = Duration{15'000}});
  REQUIRE(s.silences.size() == 1);
  CHECK(s.silences[0].partition == 1);
  CHECK(s.silences[0].to == to);
  CHECK((s.silences[0].from - from).ms < 0);
  CHECK((s.silences[0].from - from).ms > -200);
}

TEST_CASE("Zipf key popularity gives the expected key shares", "[generators]") {
  const uint32_t keys = 100;
  const double s = 1.1;
  const Trace t = make("out-of-order", {{"seed", "8"},
                                        {"events", "200000"},
                                        {"delay", "none"},
                                        {"keys", "100"},
                                        {"key-dist", "zipf:1.1"}});
  std::vector<double> count(keys, 0);
  for (const Event& e : t.events) {
    const std::string_view name = t.keys.name(e.key);  // dev-NN: device NN has Zipf rank NN
    count[std::stoul(std::string(name.substr(4)))] += 1;
  }
  double h = 0;
  for (uint32_t i = 1; i <= keys; ++i) h += std::pow(double(i), -s);
  const double n = double(t.events.size());
  for (uint32_t i : {0u, 1u, 2u, 9u, 99u}) {
    const double p = std::pow(double(i + 1), -s) / h;
    INFO("device " << i);
    // 5 standard errors of a share: sqrt(p(1-p)/n).
    CHECK(count[i] / n == Approx(p).margin(5 * std::sqrt(p * (1 - p) / n)));
  }
}

TEST_CASE("bad workload parameters are one-line errors naming the value", "[generators]") {
  CHECK_THROWS_WITH(make_workload_spec("nope", {}),
                    Catch::Contains("--workload nope") && Catch::Contains("mixed"));
  CHECK_THROWS_WITH(make_workload_spec("mixed", {{"rate", "-5"}}), Catch::Contains("--rate -5"));
  CHECK_THROWS_WITH(make_workload_spec("mixed", {{"offline-fraction", "1.5"}}),
                    Catch::Contains("--offline-fraction 1.5"));
  CHECK_THROWS_WITH(make_workload_spec("mixed", {{"delay", "gamma:1s"}}),
                    Catch::Contains("--delay gamma:1s"));
  CHECK_THROWS_AS(make_workload_spec("mixed", {{"delay", "uniform:5s,1s"}}), ConfigError);
  CHECK_THROWS_AS(make_workload_spec("mixed", {{"keys", "0"}}), ConfigError);
  CHECK_THROWS_AS(make_workload_spec("mixed", {{"outage-partitions", "7"}}), ConfigError);
  CHECK_THROWS_AS(make_workload_spec("mixed", {{"colour", "red"}}), ConfigError);

  // Values are rounded to 0.01, exact only well inside 2^53 / 100: parameters beyond 1e13 are
  // refused, and a draw beyond it (a heavy tail) is an error, never an inf in the trace.
  for (const char* v :
       {"fixed:1e307", "fixed:-1e14", "normal:0,1e308", "uniform:-1e308,1e308", "uniform:0,2e13",
        "exponential:1e308", "lognormal:1e14,1", "pareto:1e300,2"}) {
    INFO(v);
    CHECK_THROWS_WITH(
        make_workload_spec("out-of-order", {{"values", v}}),
        Catch::StartsWith(std::string("--values ") + v + ": ") && Catch::Contains("1e+13"));
  }
  CHECK_NOTHROW(make_workload_spec("out-of-order", {{"values", "uniform:-1e13,1e13"}}));
  for (const char* v : {"lognormal:1,100", "pareto:1,0.01", "normal:0,1e13"}) {
    INFO(v);
    const WorkloadSpec spec =
        make_workload_spec("out-of-order", {{"values", v}, {"events", "1000"}});
    CHECK_THROWS_WITH(generate_trace(spec), Catch::StartsWith("--values ") &&
                                                Catch::Contains("drew a value beyond +-1e+13"));
    BaseProcess base(spec);
    CHECK_THROWS_AS(
        [&] {
          for (int i = 0; i < 1000; ++i) base.next();
        }(),
        ConfigError);
  }

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"generate", "--workload", "mixed", "--events", "10", "--seed", "1",
                                 "-o", "-", "--rate", "-5"},
        {"generate", "--workload", "out-of-order", "--events", "3", "--seed", "1", "-o", "-",
         "--values", "fixed:1e307"},
        {"generate", "--workload", "out-of-order", "--events", "1000", "--seed", "1", "-o", "-",
         "--values", "lognormal:1,100"},
        {"generate", "--workload", "bogus", "--events", "10", "--seed", "1", "-o", "-"},
        {"generate", "--workload", "mixed", "--events", "10", "--seed", "1", "-o", "-",
         "--offline-fraction", "2"},
        {"generate", "--workload", "mixed", "--events", "10", "--seed", "1", "-o", "-",
         "--time-format", "iso:Nowhere/City"}}) {
    std::ostringstream out, err;
    CHECK(cli::main(args, out, err) == 2);
    const std::string e = err.str();
    CHECK(e.rfind("tidemark generate: ", 0) == 0);
    CHECK(std::count(e.begin(), e.end(), '\n') == 1);
    CHECK(out.str().empty());
  }
}

TEST_CASE("generating in rounds gives the trace of one sort over all events", "[generators]") {
  // Short offline periods and an outage inside the trace: events are held back over many
  // rounds, in runs that interleave, and the outage's backlog arrives at one instant (ties
  // between held and new events, kept in generation order).
  for (const auto& preset : workload_presets()) {
    INFO(preset.name);
    const WorkloadSpec spec =
        make_workload_spec(std::string(preset.name), {{"seed", "3"},
                                                      {"events", "30000"},
                                                      {"rate", "1000"},
                                                      {"offline-fraction", "0.2"},
                                                      {"offline-online", "5s"},
                                                      {"offline-offline", "8s"},
                                                      {"outage-partitions", "1"},
                                                      {"outage-start", "6s"},
                                                      {"outage-duration", "4s"}});
    const Trace one_sort = generate_trace(spec, 1 << 16);  // one round: the whole trace
    // Held back past a round of 256: some event arrives 256 rows or more after one generated
    // later (by true time) than itself.
    int64_t newest = INT64_MIN;
    size_t far_behind = 0, ties = 0;
    for (size_t i = 0; i < one_sort.events.size(); ++i) {
      const Event& e = one_sort.events[i];
      if (i >= 256) newest = std::max(newest, one_sort.events[i - 256].true_time.ms);
      far_behind += e.true_time.ms < newest;
      ties += i > 0 && e.receive_time == one_sort.events[i - 1].receive_time;
    }
    CHECK(far_behind > 100);
    CHECK(ties > 100);
    for (const size_t round : {size_t(256), size_t(768), size_t(4096)}) {
      INFO("rounds of " << round);
      CHECK(bytes(generate_trace(spec, round)) == bytes(one_sort));
    }
  }
}

TEST_CASE("generate_events hands out generate_trace's events a round at a time", "[generators]") {
  for (const auto& preset : workload_presets()) {
    INFO(preset.name);
    const WorkloadSpec spec =
        make_workload_spec(std::string(preset.name), {{"seed", "8"},
                                                      {"events", "20000"},
                                                      {"offline-online", "5s"},
                                                      {"offline-offline", "8s"},
                                                      {"outage-partitions", "1"},
                                                      {"outage-start", "5s"},
                                                      {"outage-duration", "4s"}});
    Trace streamed = generated_trace_header(spec);
    size_t chunks = 0;
    generate_events(
        spec,
        [&](std::span<const Event> events) {
          ++chunks;
          CHECK(!events.empty());
          // A released backlog (the outage's, about 1000 events at once) comes in pieces too.
          CHECK(events.size() <= 512);
          streamed.events.insert(streamed.events.end(), events.begin(), events.end());
        },
        512);
    CHECK(chunks > 10);
    CHECK(bytes(streamed) == bytes(generate_trace(spec)));
  }
}

TEST_CASE("tidemark generate streams the bytes of the whole trace written at once",
          "[generators]") {
  const auto dir = std::filesystem::temp_directory_path() / "tidemark_generate_stream_test";
  std::filesystem::create_directories(dir);
  const std::string tmt = (dir / "t.tmt").string();
  for (const char* preset : {"mixed", "offline-device"}) {
    INFO(preset);
    const Overrides o = {{"seed", "4"}, {"events", "150000"}};
    const Trace whole = make(preset, o);
    std::ostringstream out, err;
    REQUIRE(cli::main(
                {"generate", "--workload", preset, "--events", "150000", "--seed", "4", "-o", tmt},
                out, err) == 0);
    std::ifstream in(tmt, std::ios::binary);
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == bytes(whole));
    std::ostringstream csv, csv_err, want;
    REQUIRE(cli::main({"generate", "--workload", preset, "--events", "150000", "--seed", "4", "-o",
                       "-", "--time-format", "iso:+09:00"},
                      csv, csv_err) == 0);
    CsvTimeFormat iso = gen::parse_time_format("iso:+09:00");
    write_csv_trace(want, whole, iso);
    CHECK(csv.str() == want.str());
  }
  // Readings beyond year 9999 are found before a byte is written: no file, nothing on stdout.
  std::filesystem::remove(tmt);
  for (const std::string& to : {tmt, std::string("-")}) {
    std::ostringstream out, err;
    CHECK(cli::main({"generate", "--workload", "clock-skew", "--events", "100", "--seed", "1",
                     "--start", "8999-12-31T23:59:00Z", "--skew", "uniform:100000000d", "-o", to},
                    out, err) == 2);
    CHECK(err.str().find("leave years 0000..9999") != std::string::npos);
    CHECK(out.str().empty());
  }
  CHECK(!std::filesystem::exists(tmt));
  std::filesystem::remove_all(dir);
}
