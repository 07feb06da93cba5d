#pragma once
// Times in results and late events as ISO-8601 UTC text (--time-format iso), for tools that load
// dates but not epoch milliseconds beyond their range: 2026-01-01T00:00:00.123Z. The clock's
// infinities (the int64 limits) have no date: they are written as JSON null or an empty CSV
// field, which pandas reads as NaT and DuckDB as NULL.

#include <cstdint>

namespace tidemark {

// Writes `ms` (epoch milliseconds, finite) as YYYY-MM-DDTHH:MM:SS.mmmZ and returns the end.
// Years outside 0000..9999 take ISO 8601's expanded form, a sign and at least six digits
// (+292278994-08-17T07:12:55.807Z), as JavaScript's Date.toISOString does. At most 31 bytes.
char* write_iso_time(char* out, int64_t ms);

// The spelling of one time field, copied when the value repeats (as IntegerSpelling does):
// quoted for JSON (null for an infinity), bare for CSV (an empty field).
template <bool kJson>
class IsoTimeSpelling {
 public:
  char* put(char* out, int64_t ms);

 private:
  int64_t value_ = 0;
  uint32_t size_ = 0;
  char text_[40] = {};
  bool spelled_ = false;
};

extern template class IsoTimeSpelling<true>;
extern template class IsoTimeSpelling<false>;

}  // namespace tidemark
