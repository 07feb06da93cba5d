#pragma once
// A whole trace in memory: records in arrival order, the key table, and which columns exist.

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tidemark/core/event.hpp"
#include "tidemark/core/trace_io/key_table.hpp"

namespace tidemark {

struct Trace {
  std::string source;  // file name, for messages
  // Records in arrival order, when the trace owns them (a CSV, a generator, a copied binary
  // trace). Read them through records(), which also sees a mapped file's records.
  std::vector<Event> events;
  KeyTable keys;
  uint32_t columns = 0;        // bits of Column present in the input
  std::string header_comment;  // first `#` line of a CSV (a generator's spec), without '#'

  // Records held elsewhere instead (a mapped binary trace), valid while `mapping` lives, and
  // 1 + their largest partition id, found while they were validated.
  std::span<const Event> mapped;
  std::shared_ptr<const void> mapping;
  PartitionId mapped_partitions = 0;

  bool has(Column c) const { return (columns & c) != 0; }
  // The records in arrival order, wherever they are held.
  std::span<const Event> records() const {
    return mapping ? mapped : std::span<const Event>(events);
  }
  // 1 + the largest partition id in the trace (0 for an empty trace).
  PartitionId partition_count() const {
    if (mapping) return mapped_partitions;
    PartitionId n = 0;
    for (const Event& e : records()) n = std::max(n, e.partition + 1);
    return n;
  }
};

// The header comment as a trace file stores it: trimmed of blanks at both ends, as the readers
// trim it. Throws ConfigError when it holds a line break (a file's comment is one line).
std::string_view single_line_header_comment(const Trace& trace);

}  // namespace tidemark
