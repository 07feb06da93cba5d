#include "tidemark/core/output/iso_time_spelling.hpp"

#include <cstring>
#include <limits>

namespace tidemark {

namespace {

// Howard Hinnant's days-to-civil algorithm (public domain), over int64 days: date::year holds
// only +-32767 years, and our times reach +-292 million.
struct Civil {
  int64_t year;
  unsigned month, day;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = unsigned(z - era * 146097);                                 // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;                             // [1, 31]
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;                                // [1, 12]
  return {int64_t(yoe) + era * 400 + (m <= 2), m, d};
}

char* put_digits(char* out, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = char('0' + v % 10);
    v /= 10;
  }
  return out + width;
}

int digit_count(uint64_t v) {
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

}  // namespace

char* write_iso_time(char* out, int64_t ms) {
  // Floor division: -1 ms is 1969-12-31T23:59:59.999Z.
  int64_t days = ms / 86'400'000;
  int64_t rest = ms % 86'400'000;
  if (rest < 0) {
    rest += 86'400'000;
    --days;
  }
  const Civil c = civil_from_days(days);
  if (c.year >= 0 && c.year <= 9999) {
    out = put_digits(out, uint64_t(c.year), 4);
  } else {
    *out++ = c.year < 0 ? '-' : '+';
    const uint64_t y = c.year < 0 ? uint64_t(-c.year) : uint64_t(c.year);
    out = put_digits(out, y, digit_count(y) < 6 ? 6 : digit_count(y));
  }
  *out++ = '-';
  out = put_digits(out, c.month, 2);
  *out++ = '-';
  out = put_digits(out, c.day, 2);
  *out++ = 'T';
  const auto r = uint64_t(rest);
  out = put_digits(out, r / 3'600'000, 2);
  *out++ = ':';
  out = put_digits(out, r / 60'000 % 60, 2);
  *out++ = ':';
  out = put_digits(out, r / 1000 % 60, 2);
  *out++ = '.';
  out = put_digits(out, r % 1000, 3);
  *out++ = 'Z';
  return out;
}

template <bool kJson>
char* IsoTimeSpelling<kJson>::put(char* out, int64_t ms) {
  if (!spelled_ || ms != value_) {
    spelled_ = true;
    value_ = ms;
    char* end = text_;
    if (ms == std::numeric_limits<int64_t>::max() || ms == std::numeric_limits<int64_t>::min()) {
      if constexpr (kJson) {
        std::memcpy(end, "null", 4);
        end += 4;
      }
    } else {
      if constexpr (kJson) *end++ = '"';
      end = write_iso_time(end, ms);
      if constexpr (kJson) *end++ = '"';
    }
    size_ = uint32_t(end - text_);
  }
  std::memcpy(out, text_, sizeof text_);  // one fixed-size copy; the row has room to spare
  return out + size_;
}

template class IsoTimeSpelling<true>;
template class IsoTimeSpelling<false>;

}  // namespace tidemark
