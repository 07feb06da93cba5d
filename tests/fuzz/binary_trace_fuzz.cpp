// The .tmt readers on any bytes: parse_binary_trace (memory), read_binary_trace and
// map_binary_trace (the bytes as a file) and the streaming BinaryTraceReader must agree: the
// same trace from each, or the same InputError from each.

#include <bit>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>

#include "fuzz/fuzz_support.hpp"
#include "tidemark/core/error.hpp"
#include "tidemark/core/trace_io/binary_trace.hpp"

using namespace tidemark;
using fuzz::check;

namespace {

// What one read path made of the bytes: a trace or an error.
struct Outcome {
  std::string error;  // empty: read
  uint32_t columns = 0;
  std::string comment;
  std::vector<std::string> keys;
  std::vector<Event> events;
  PartitionId partitions = 0;
};

Outcome of_trace(const Trace& t) {
  Outcome o{.columns = t.columns, .comment = t.header_comment};
  for (size_t k = 0; k < t.keys.size(); ++k) o.keys.emplace_back(t.keys.name(KeyId(k)));
  const auto records = t.records();
  o.events.assign(records.begin(), records.end());
  o.partitions = t.partition_count();
  return o;
}

Outcome streamed(const std::filesystem::path& path) {
  BinaryTraceReader reader(path);
  Outcome o;
  for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) {
    o.events.insert(o.events.end(), chunk.begin(), chunk.end());
  }
  const Trace& header = reader.header();
  o.columns = header.columns;
  o.comment = header.header_comment;
  for (size_t k = 0; k < header.keys.size(); ++k) o.keys.emplace_back(header.keys.name(KeyId(k)));
  check(reader.records() == o.events.size(), "streamed {} of {} records", o.events.size(),
        reader.records());
  o.partitions = reader.partitions();
  return o;
}

Outcome attempt(const std::function<Outcome()>& read) {
  try {
    return read();
  } catch (const InputError& e) {
    Outcome o;
    o.error = e.what();
    check(!o.error.empty(), "an InputError without a message");
    return o;
  }
}

bool same_event(const Event& x, const Event& y) {
  return x.event_time == y.event_time && x.send_time == y.send_time &&
         x.receive_time == y.receive_time && x.true_time == y.true_time &&
         std::bit_cast<uint64_t>(x.value) == std::bit_cast<uint64_t>(y.value) && x.row == y.row &&
         x.key == y.key && x.partition == y.partition && x.kind == y.kind;
}

void check_same(const Outcome& a, const Outcome& b, std::string_view name) {
  check(a.error == b.error, "parse_binary_trace and {} disagree: \"{}\" vs \"{}\"", name, a.error,
        b.error);
  check(a.columns == b.columns && a.comment == b.comment && a.keys == b.keys &&
            a.partitions == b.partitions,
        "{}: another header", name);
  check(a.events.size() == b.events.size(), "{}: {} records, not {}", name, b.events.size(),
        a.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) {
    check(same_event(a.events[i], b.events[i]), "{}: record {} differs", name, i + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::TempFile file("binary.tmt");
  const std::filesystem::path& path = file.path;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), std::streamsize(bytes.size()));

  const Outcome parsed =
      attempt([&] { return of_trace(parse_binary_trace(bytes, path.string())); });
  if (parsed.error.empty()) {
    for (const Event& e : parsed.events) {
      check(e.key < parsed.keys.size() && e.partition < parsed.partitions,
            "record {}: key or partition out of range", e.row);
    }
  }
  check_same(parsed, attempt([&] { return of_trace(read_binary_trace(path)); }),
             "read_binary_trace");
  check_same(parsed, attempt([&] { return of_trace(map_binary_trace(path)); }), "map_binary_trace");
  check_same(parsed, attempt([&] { return streamed(path); }), "BinaryTraceReader");
  return 0;
}
