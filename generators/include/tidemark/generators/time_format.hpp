#pragma once
// `--time-format`: how CSV traces spell times. IANA zones come from the OS tz database through
// date's tz support (Debian's tzdata), so zone output follows the installed tzdata version.

#include <string_view>

#include "tidemark/core/trace_io/csv_writer.hpp"

namespace tidemark::gen {

// epoch | iso (UTC, `Z`) | iso:+09:00 (fixed offset) | iso:Asia/Seoul (IANA zone, offset per
// instant). Throws ConfigError naming the value for anything else or an unknown zone.
CsvTimeFormat parse_time_format(std::string_view text);

}  // namespace tidemark::gen
