// The option and time parsers on any text: each throws ConfigError (or returns nullopt) or
// returns a value that its own spelling parses back to, x == parse(to_string(x)). The first
// byte picks the parser; the rest is its text. Values made straight from the bytes go the
// other way: format, then parse.

#include "fuzz/fuzz_support.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/runtime/run_config.hpp"
#include "tidemark/core/time/iso_time.hpp"
#include "tidemark/core/trace_io/csv_trace.hpp"

using namespace tidemark;
using fuzz::check;

namespace {

bool same(const WindowSpec& a, const WindowSpec& b) {
  return a == b;
}
bool same(const WatermarkSpec& a, const WatermarkSpec& b) {
  return a.kind == b.kind && a.delay == b.delay;
}
bool same(const LatenessPolicy& a, const LatenessPolicy& b) {
  return a.kind() == b.kind() && a.amount() == b.amount();
}

// parse(text) either throws ConfigError or gives x with parse(x.to_string()) == x.
template <class Spec>
void round_trip(std::string_view text) {
  std::optional<Spec> x;
  try {
    x = Spec::parse(text);
  } catch (const ConfigError&) {
    return;
  }
  const std::string spelled = x->to_string();
  try {
    check(same(*x, Spec::parse(spelled)), "\"{}\" reads back differently", spelled);
  } catch (const ConfigError& e) {
    check(false, "\"{}\" (from \"{}\") does not parse: {}", spelled, text, e.what());
  }
}

void duration_round_trip(Duration d) {
  const std::string spelled = format_duration(d);
  try {
    const Duration back = parse_duration(spelled);
    check(back == d, "{} ms spelled \"{}\" reads back as {} ms", d.ms, spelled, back.ms);
  } catch (const ConfigError& e) {
    check(false, "{} ms spelled \"{}\" does not parse: {}", d.ms, spelled, e.what());
  }
}

// A time in range reads back from epoch milliseconds, from ISO in UTC, and from ISO at an offset
// of up to ±23:59 wherever the local time stays in years 0000..9999.
void time_round_trip(Timestamp t, int offset_minutes) {
  check(kEarliestTime <= t && t <= kLatestTime, "time {} out of range", t.ms);
  const Timestamp local = t + Duration{int64_t(offset_minutes) * 60'000};
  for (const std::string& spelled :
       {std::to_string(t.ms), format_iso8601(t),
        kEarliestTime <= local && local <= kLatestTime ? format_iso8601(t, offset_minutes)
                                                       : format_iso8601(t)}) {
    const auto back = parse_time_field(spelled);
    check(back == t, "{} ms spelled \"{}\" reads back as {}", t.ms, spelled,
          back ? std::to_string(back->ms) : "nothing");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes in(data, size);
  switch (in.byte() % 6) {
    case 0:
      round_trip<WindowSpec>(in.rest());
      break;
    case 1:
      round_trip<WatermarkSpec>(in.rest());
      break;
    case 2:
      round_trip<LatenessPolicy>(in.rest());
      break;
    case 3:
      try {
        duration_round_trip(parse_duration(in.rest()));
      } catch (const ConfigError&) {
      }
      break;
    case 4: {
      const int offset = int(in.small(-(23 * 60 + 59), 23 * 60 + 59));
      const std::string_view text = in.rest();
      if (const auto t = parse_time_field(text)) time_round_trip(*t, offset);
      if (const auto t = parse_iso8601(text)) time_round_trip(*t, offset);
      break;
    }
    case 5: {  // values from the bytes, not from text
      const int offset = int(in.small(-(23 * 60 + 59), 23 * 60 + 59));
      const auto ms = int64_t(in.bits(8));
      if (ms != INT64_MIN) duration_round_trip(Duration{ms});  // -2^63 ms has no spelling
      const uint64_t span = uint64_t(kLatestTime.ms - kEarliestTime.ms) + 1;
      time_round_trip(Timestamp{kEarliestTime.ms + int64_t(uint64_t(ms) % span)}, offset);
      break;
    }
  }
  return 0;
}
