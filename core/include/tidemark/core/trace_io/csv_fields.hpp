#pragma once
// The fields of a CSV trace line: the column names, splitting a line (quotes and all), and
// reading numbers and partition ids from fields, shared by the row parser and the partition scan.

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tidemark/core/trace_io/trace.hpp"

namespace tidemark::csv {

enum class Field : uint8_t {
  kPartition,
  kKey,
  kEventTime,
  kValue,
  kSendTime,
  kReceiveTime,
  kTrueTime,
  kKind
};
inline constexpr std::array<std::string_view, 8> kFieldNames = {
    "partition", "key", "event_time", "value", "send_time", "receive_time", "true_time", "kind"};
inline constexpr std::array<uint32_t, 8> kFieldColumn = {
    kColPartition, kColKey, 0, kColValue, kColSendTime, kColReceiveTime, kColTrueTime, kColKind};

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Splits one CSV line into fields; double-quoted fields may hold commas and "" escapes. Unquoted
// lines (the common case) are split in place; quoted ones are copied into `scratch`.
inline bool split_line(std::string_view line, std::vector<std::string_view>& out,
                       std::vector<std::string>& scratch) {
  out.clear();
  if (line.find('"') == std::string_view::npos) {
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      out.push_back(trim(line.substr(start, comma - start)));
      if (comma == std::string_view::npos) return true;
      start = comma + 1;
    }
  }
  scratch.clear();
  scratch.reserve(line.size());  // stable addresses for the views below
  size_t i = 0;
  while (true) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i < line.size() && line[i] == '"') {
      std::string& field = scratch.emplace_back();
      ++i;
      while (true) {
        if (i >= line.size()) return false;  // unterminated quote
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      while (i < line.size() && (line[i] == ' ' || line[i] == '\r')) ++i;
      out.emplace_back(field);
      if (i >= line.size()) return true;
      if (line[i] != ',') return false;
      ++i;
    } else {
      const size_t comma = line.find(',', i);
      const std::string_view f = line.substr(i, comma - i);
      if (f.find('"') != std::string_view::npos) return false;
      out.push_back(trim(f));
      if (comma == std::string_view::npos) return true;
      i = comma + 1;
    }
  }
}

// from_chars takes a '-' but not a '+': a leading '+' is dropped, unless a '-' follows it, so
// that "+-5" stays an error (as "++5" does: from_chars rejects the '+' left).
inline std::string_view without_plus(std::string_view s) {
  if (s.starts_with('+') && !s.substr(1).starts_with('-')) s.remove_prefix(1);
  return s;
}

template <class T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  s = without_plus(s);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Why `s` is not a value: a number whose magnitude a double cannot hold is told apart from text
// that is not a finite number.
std::string value_error(std::string_view s);

// A partition field's id, as a record holds it (an empty field: partition 0); nullopt when the
// field is not a non-negative integer below kMaxPartitions. Both the row parser and the partition
// scan read partitions through it, so that they agree on every field.
inline std::optional<PartitionId> partition_of(std::string_view s) {
  if (s.empty()) return PartitionId(0);
  const auto p = parse_number<uint64_t>(s);
  if (!p || *p >= kMaxPartitions) return std::nullopt;
  return PartitionId(*p);
}

// Why partition_of(s) found no id.
std::string partition_error(std::string_view s);

// Field `i` of a line as split_line gives it; nullopt when the line has fewer fields or
// unbalanced quotes. Where no double quote comes before the field's end, split_line would give
// the fields up to it as a split at commas does: the rest of the line is not looked at.
inline std::optional<std::string_view> field_at(std::string_view line, size_t i,
                                                std::vector<std::string_view>& fields,
                                                std::vector<std::string>& scratch) {
  size_t start = 0, k = 0;
  for (; k < i; ++k) {
    const size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  const size_t end = k == i ? line.find(',', start) : std::string_view::npos;
  if (line.substr(0, end).find('"') != std::string_view::npos) {
    if (!split_line(line, fields, scratch) || fields.size() <= i) return std::nullopt;
    return fields[i];
  }
  if (k < i) return std::nullopt;
  return trim(line.substr(start, end - start));
}

}  // namespace tidemark::csv
