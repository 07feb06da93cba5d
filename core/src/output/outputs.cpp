#include "tidemark/core/output/outputs.hpp"

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstring>

namespace tidemark {

std::string_view to_string(EmissionKind k) {
  switch (k) {
    case EmissionKind::kOnTime:
      return "on_time";
    case EmissionKind::kUpdate:
      return "update";
    case EmissionKind::kRetract:
      return "retract";
  }
  return "?";
}

namespace {

// A literal's characters, without its terminating zero: a copy of known length.
template <size_t N>
char* put(char* out, const char (&text)[N]) {
  std::memcpy(out, text, N - 1);
  return out + N - 1;
}

// Keys and digit runs are short: two overlapping fixed-size copies instead of a call to memcpy,
// reading nothing past the text.
char* put(char* out, std::string_view text) {
  const char* from = text.data();
  const size_t n = text.size();
  if (n >= 8 && n <= 16) {
    std::memcpy(out, from, 8);
    std::memcpy(out + n - 8, from + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    std::memcpy(out, from, 4);
    std::memcpy(out + n - 4, from + n - 4, 4);
  } else if (n > 16 && n <= 32) {
    std::memcpy(out, from, 16);
    std::memcpy(out + n - 16, from + n - 16, 16);
  } else {
    std::memcpy(out, from, n);
  }
  return out + n;
}

// "00" "01" ... "99": integers are written two digits at a time.
struct DigitPairs {
  char chars[200];
  constexpr DigitPairs() : chars() {
    for (int i = 0; i < 100; ++i) {
      chars[2 * i] = char('0' + i / 10);
      chars[2 * i + 1] = char('0' + i % 10);
    }
  }
  const char* operator[](uint64_t i) const { return chars + 2 * i; }
};
constexpr DigitPairs kDigitPairs;

// How many digits `v` has (1 to 20): from its bit length, then one comparison.
int digit_count(uint64_t v) {
  static constexpr auto kPowersOf10 = [] {
    std::array<uint64_t, 20> powers{};
    powers[0] = 1;
    for (size_t i = 1; i < powers.size(); ++i) powers[i] = powers[i - 1] * 10;
    return powers;
  }();
  v |= 1;  // the same count, and a bit length of at least 1
  const int t = (64 - std::countl_zero(v)) * 1233 >> 12;  // 1233 / 4096 ~ log10(2)
  return t - int(v < kPowersOf10[t]) + 1;
}

// Writes the 8 digits of `x` < 10^8, leading zeros included: four independent pairs.
void put_8_digits(char* out, uint32_t x) {
  const uint32_t high = x / 10'000, low = x % 10'000;
  std::memcpy(out, kDigitPairs[high / 100], 2);
  std::memcpy(out + 2, kDigitPairs[high % 100], 2);
  std::memcpy(out + 4, kDigitPairs[low / 100], 2);
  std::memcpy(out + 6, kDigitPairs[low % 100], 2);
}

// Writes the `n` digits of `v`, from the last: 8 at a time, then 2 at a time in 32 bits.
char* put_digits(char* out, uint64_t v, int n) {
  char* p = out + n;
  while (v >= 100'000'000) {
    p -= 8;
    put_8_digits(p, uint32_t(v % 100'000'000));
    v /= 100'000'000;
  }
  auto w = uint32_t(v);
  while (w >= 100) {
    p -= 2;
    std::memcpy(p, kDigitPairs[w % 100], 2);
    w /= 100;
  }
  if (w >= 10) {
    std::memcpy(p - 2, kDigitPairs[w], 2);
  } else {
    p[-1] = char('0' + w);
  }
  return out + n;
}

char* put_integer(char* out, uint64_t v) {
  return put_digits(out, v, digit_count(v));
}

char* put_integer(char* out, int64_t v) {
  if (v >= 0) return put_integer(out, uint64_t(v));
  *out = '-';
  return put_integer(out + 1, 0 - uint64_t(v));
}

char* put_integer(char* out, uint32_t v) {
  return put_integer(out, uint64_t(v));
}

// Values with at most four decimals (readings in hundredths, their means over two): when v is
// exactly the double nearest to r / 10^4 for an integer r, that decimal reads back as v, and below
// 1e11 no other decimal of four places does (doubles there lie under 10^-4 apart), so dragonbox's
// shortest digits are r's without its trailing zeros. Writes them for a v that is not whole, >= 0.
bool put_four_decimals(char*& out, double v) {
  if (!(v < 1e11)) return false;
  const auto r = uint64_t(v * 1e4 + 0.5);
  if (double(r) / 1e4 != v) return false;
  out = put_integer(out, r / 10'000);
  const auto decimals = uint32_t(r % 10'000);  // not 0: v is not whole
  *out++ = '.';
  std::memcpy(out, kDigitPairs[decimals / 100], 2);
  std::memcpy(out + 2, kDigitPairs[decimals % 100], 2);
  int n = 4;
  while (out[n - 1] == '0') --n;
  return out += n, true;
}

}  // namespace

// fmt's "{}" for a double: dragonbox's shortest digits d1d2...dn and exponent, written as
// d1d2...dn000, d1d2.d3...dn or 0.00d1...dn while the scientific exponent lies in [-4, 16), else
// as d1.d2...dne+XX (two exponent digits at least). These are fmt's do_write_float() rules with
// no format specifiers, without its generic machinery (json_lines_test compares the two).
char* write_json_number(char* out, double v) {
  if (!std::isfinite(v)) return put(out, "null");
  if (std::signbit(v)) {
    *out++ = '-';
    v = -v;
  }
  // Whole numbers below 2^53 read back from their integer digits alone; 0 is one.
  if (v < 1e15 && v == std::trunc(v)) return put_integer(out, uint64_t(v));
  if (put_four_decimals(out, v)) return out;
  const auto decimal = fmt::detail::dragonbox::to_decimal(v);
  const uint64_t significand = decimal.significand;
  const int n = digit_count(significand);
  const int point = decimal.exponent + n;  // digits before the decimal point
  const int exponent = point - 1;          // the scientific exponent
  char digits[20];
  if (exponent < -4 || exponent >= 16) {
    put_digits(digits, significand, n);
    *out++ = digits[0];
    if (n > 1) {
      *out++ = '.';
      out = put(out, std::string_view(digits + 1, size_t(n - 1)));
    }
    *out++ = 'e';
    *out++ = exponent < 0 ? '-' : '+';
    int e = exponent < 0 ? -exponent : exponent;
    if (e >= 100) {
      *out++ = char('0' + e / 100);
      e %= 100;
    }
    return put(out, std::string_view(kDigitPairs[uint64_t(e)], 2));
  }
  if (decimal.exponent >= 0) {
    out = put_digits(out, significand, n);
    std::memset(out, '0', size_t(decimal.exponent));
    return out + decimal.exponent;
  }
  if (point > 0) {
    put_digits(digits, significand, n);
    out = put(out, std::string_view(digits, size_t(point)));
    *out++ = '.';
    return put(out, std::string_view(digits + point, size_t(n - point)));
  }
  out = put(out, "0.");
  std::memset(out, '0', size_t(-point));
  return put_digits(out - point, significand, n);
}

namespace {

// A number written at [begin, end).
struct Spelled {
  double value;
  const char* begin;
  char* end;
};

Spelled spell(char* out, double v) {
  return {v, out, write_json_number(out, v)};
}

// A window of one event has one value for its sum, min, max and mean, and a window of equal
// values one for its min, max and mean: a value bit for bit `same`'s copies its spelling.
Spelled spell_as(char* out, double v, const Spelled& same) {
  if (std::bit_cast<uint64_t>(v) != std::bit_cast<uint64_t>(same.value)) return spell(out, v);
  const auto n = size_t(same.end - same.begin);
  std::memcpy(out, same.begin, n);
  return {v, out, out + n};
}

}  // namespace

char* IntegerSpelling::put(char* out, int64_t v) {
  if (v != value_) {
    value_ = v;
    size_ = uint32_t(put_integer(text_, v) - text_);
  }
  std::memcpy(out, text_, sizeof text_);  // one fixed-size copy; the row has room to spare
  return out + size_;
}

template <class Memo>
char* write_json(char* out, const Emission& e, std::string_view key_json, Memo& memo) {
  out = put(out, "{\"key\":");
  out = put(out, key_json);
  out = put(out, ",\"start\":");
  out = memo.start.put(out, e.window.start.ms);
  out = put(out, ",\"end\":");
  out = memo.end.put(out, e.window.end.ms);
  out = put(out, ",\"count\":");
  out = put_integer(out, e.stats.count);
  out = put(out, ",\"sum\":");
  const Spelled sum = spell(out, e.stats.sum);
  out = put(sum.end, ",\"min\":");
  const Spelled min = spell_as(out, e.stats.min, sum);
  out = put(min.end, ",\"max\":");
  const Spelled max = spell_as(out, e.stats.max, min);
  out = put(max.end, ",\"mean\":");
  out = spell_as(out, e.stats.mean, e.stats.count == 1 ? sum : max).end;
  switch (e.kind) {
    case EmissionKind::kOnTime:
      out = put(out, ",\"kind\":\"on_time\",\"clock\":");
      break;
    case EmissionKind::kUpdate:
      out = put(out, ",\"kind\":\"update\",\"clock\":");
      break;
    case EmissionKind::kRetract:
      out = put(out, ",\"kind\":\"retract\",\"clock\":");
      break;
  }
  out = memo.clock.put(out, e.clock.ms);
  out = put(out, ",\"proc_time\":");
  out = memo.proc_time.put(out, e.proc_time.ms);
  out = put(out, ",\"seq\":");
  out = put_integer(out, e.seq);
  return put(out, "}");
}

template <class Memo>
char* write_json(char* out, const LateEvent& e, std::string_view key_json, Memo& memo) {
  out = put(out, "{\"row\":");
  out = put_integer(out, e.row);
  out = put(out, ",\"partition\":");
  out = put_integer(out, e.partition);
  out = put(out, ",\"key\":");
  out = put(out, key_json);
  out = put(out, ",\"event_time\":");
  out = memo.event_time.put(out, e.event_time.ms);
  out = put(out, ",\"extracted_time\":");
  out = memo.event_time.put(out, e.extracted_time.ms);  // most often the event time
  out = put(out, ",\"clock\":");
  out = memo.clock.put(out, e.clock.ms);
  out = put(out, ",\"reason\":\"");
  out = put(out, kLateReason);
  return put(out, "\"}");
}

namespace {

// Not finite: an empty field, which pandas reads as NaN and DuckDB as NULL.
char* write_csv_number(char* out, double v) {
  return std::isfinite(v) ? write_json_number(out, v) : out;
}

// RFC 4180: a field with a comma, a quote or a line break goes in quotes, its quotes doubled; an
// empty key too, so that it reads back as "" rather than as a missing value.
char* write_csv_field(char* out, std::string_view text) {
  static constexpr auto kQuoted = [] {
    std::array<bool, 256> quoted{};
    for (const unsigned char c : {',', '"', '\r', '\n'}) quoted[c] = true;
    return quoted;
  }();
  bool quote = text.empty();
  for (const char c : text) quote |= kQuoted[uint8_t(c)];  // no branch per byte
  if (!quote) return put(out, text);
  *out++ = '"';
  for (const char c : text) {
    if (c == '"') *out++ = '"';
    *out++ = c;
  }
  *out++ = '"';
  return out;
}

}  // namespace

template <class Memo>
char* write_csv(char* out, const Emission& e, std::string_view key, Memo& memo) {
  out = write_csv_field(out, key);
  *out++ = ',';
  out = memo.start.put(out, e.window.start.ms);
  *out++ = ',';
  out = memo.end.put(out, e.window.end.ms);
  *out++ = ',';
  out = put_integer(out, e.stats.count);
  *out++ = ',';
  out = write_csv_number(out, e.stats.sum);
  *out++ = ',';
  out = write_csv_number(out, e.stats.min);
  *out++ = ',';
  out = write_csv_number(out, e.stats.max);
  *out++ = ',';
  out = write_csv_number(out, e.stats.mean);
  switch (e.kind) {
    case EmissionKind::kOnTime:
      out = put(out, ",on_time,");
      break;
    case EmissionKind::kUpdate:
      out = put(out, ",update,");
      break;
    case EmissionKind::kRetract:
      out = put(out, ",retract,");
      break;
  }
  out = memo.clock.put(out, e.clock.ms);
  *out++ = ',';
  out = memo.proc_time.put(out, e.proc_time.ms);
  *out++ = ',';
  return put_integer(out, e.seq);
}

template <class Memo>
char* write_csv(char* out, const LateEvent& e, std::string_view key, Memo& memo) {
  out = put_integer(out, e.row);
  *out++ = ',';
  out = put_integer(out, e.partition);
  *out++ = ',';
  out = write_csv_field(out, key);
  *out++ = ',';
  out = memo.event_time.put(out, e.event_time.ms);
  *out++ = ',';
  out = memo.event_time.put(out, e.extracted_time.ms);
  *out++ = ',';
  out = memo.clock.put(out, e.clock.ms);
  *out++ = ',';
  return put(out, kLateReason);
}

char* write_json(char* out, const Emission& e, std::string_view key_json) {
  RowMemo memo;
  return write_json(out, e, key_json, memo);
}

char* write_json(char* out, const LateEvent& e, std::string_view key_json) {
  RowMemo memo;
  return write_json(out, e, key_json, memo);
}

char* write_csv(char* out, const Emission& e, std::string_view key) {
  RowMemo memo;
  return write_csv(out, e, key, memo);
}

char* write_csv(char* out, const LateEvent& e, std::string_view key) {
  RowMemo memo;
  return write_csv(out, e, key, memo);
}

template char* write_json(char*, const Emission&, std::string_view, RowMemo&);
template char* write_json(char*, const LateEvent&, std::string_view, RowMemo&);
template char* write_json(char*, const Emission&, std::string_view, IsoJsonRowMemo&);
template char* write_json(char*, const LateEvent&, std::string_view, IsoJsonRowMemo&);
template char* write_csv(char*, const Emission&, std::string_view, RowMemo&);
template char* write_csv(char*, const LateEvent&, std::string_view, RowMemo&);
template char* write_csv(char*, const Emission&, std::string_view, IsoCsvRowMemo&);
template char* write_csv(char*, const LateEvent&, std::string_view, IsoCsvRowMemo&);

std::unique_ptr<ResultWriter> make_result_writer(RowFormat format, TimeFormat times,
                                                 std::ostream& out, const KeyTable& keys) {
  constexpr auto kIso = TimeFormat::kIso;
  if (format == RowFormat::kCsv) {
    if (times == kIso) return std::make_unique<RowResultSink<RowFormat::kCsv, kIso>>(out, keys);
    return std::make_unique<CsvResultSink>(out, keys);
  }
  if (times == kIso) return std::make_unique<RowResultSink<RowFormat::kJsonLines, kIso>>(out, keys);
  return std::make_unique<JsonLinesResultSink>(out, keys);
}

std::unique_ptr<LateWriter> make_late_writer(RowFormat format, TimeFormat times, std::ostream& out,
                                             const KeyTable& keys) {
  constexpr auto kIso = TimeFormat::kIso;
  if (format == RowFormat::kCsv) {
    if (times == kIso) return std::make_unique<RowLateSink<RowFormat::kCsv, kIso>>(out, keys);
    return std::make_unique<CsvLateSink>(out, keys);
  }
  if (times == kIso) return std::make_unique<RowLateSink<RowFormat::kJsonLines, kIso>>(out, keys);
  return std::make_unique<JsonLinesLateSink>(out, keys);
}

namespace {
template <class Record>
void append_record(std::string& out, const Record& r, const KeyTable& keys) {
  const std::string_view key = keys.json(r.key);
  const size_t old_size = out.size();
  out.resize(old_size + key.size() + kMaxJsonRowBytes);
  char* end = write_json(out.data() + old_size, r, key);
  out.resize(size_t(end - out.data()));
}
}  // namespace

void append_json(std::string& out, const Emission& e, const KeyTable& keys) {
  append_record(out, e, keys);
}

void append_json(std::string& out, const LateEvent& e, const KeyTable& keys) {
  append_record(out, e, keys);
}

}  // namespace tidemark
