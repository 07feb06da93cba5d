#pragma once
// A whole trace in memory: records in arrival order, the key table, and which columns exist.

#include <algorithm>
#include <string>
#include <vector>

#include "tidemark/core/event.hpp"
#include "tidemark/core/key_table.hpp"

namespace tidemark {

struct Trace {
  std::string source;          // file name, for messages
  std::vector<Event> events;   // arrival order
  KeyTable keys;
  uint32_t columns = 0;        // bits of Column present in the input
  std::string header_comment;  // first `#` line of a CSV (a generator's spec), without '#'

  bool has(Column c) const { return (columns & c) != 0; }
  // 1 + the largest partition id in the trace (0 for an empty trace).
  PartitionId partition_count() const {
    PartitionId n = 0;
    for (const Event& e : events) n = std::max(n, e.partition + 1);
    return n;
  }
};

}  // namespace tidemark
