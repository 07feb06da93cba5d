// CsvTraceReader: the records, keys and errors of parse_csv_trace, a chunk at a time through a
// buffer of fixed size; the partition count found before the first record.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "test_support.hpp"
#include "tidemark/core/error.hpp"

using namespace tidemark;
namespace fs = std::filesystem;

namespace {

// A file in the temp directory, removed when this goes away.
struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& content) {
    static int n = 0;
    path = fs::temp_directory_path() /
           ("tidemark-csv-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".csv");
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { fs::remove(path); }
};

// What the reader hands out, chunk by chunk, gathered into one trace.
Trace read_streamed(CsvTraceReader& reader) {
  std::vector<Event> events;
  for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) {
    CHECK(chunk.size() <= 4096);
    events.insert(events.end(), chunk.begin(), chunk.end());
  }
  Trace t = reader.header();
  t.events = std::move(events);
  return t;
}

Trace read_streamed(const fs::path& path) {
  CsvTraceReader reader(path);
  return read_streamed(reader);
}

void check_same(const Trace& a, const Trace& b) {
  CHECK(a.columns == b.columns);
  CHECK(a.header_comment == b.header_comment);
  REQUIRE(a.keys.size() == b.keys.size());
  for (KeyId k = 0; k < a.keys.size(); ++k) CHECK(a.keys.name(k) == b.keys.name(k));
  REQUIRE(a.events.size() == b.events.size());
  size_t differ = 0;
  for (size_t i = 0; i < a.events.size(); ++i) {
    const Event &x = a.events[i], &y = b.events[i];
    differ +=
        !(x.event_time == y.event_time && x.send_time == y.send_time &&
          x.receive_time == y.receive_time && x.true_time == y.true_time && x.value == y.value &&
          x.row == y.row && x.key == y.key && x.partition == y.partition && x.kind == y.kind);
  }
  CHECK(differ == 0);
}

// `rows` records over many chunks and reads: quoted keys with commas and "" escapes, CRLF and LF
// line breaks, blank lines, ISO and epoch times, W rows, empty optional fields.
std::string varied_csv(size_t rows) {
  test::Rng rng(7);
  std::string csv = "# made by varied_csv\r\n\npartition,key,event_time,value,kind\r\n";
  for (size_t i = 0; i < rows; ++i) {
    const uint64_t r = rng.next();
    csv += r % 5 == 0 ? "" : std::to_string(r % 7);
    csv += ',';
    if (r % 11 == 0) {
      csv += "\"k," + std::to_string(r % 13) + " \"\"q\"\"\"";
    } else {
      csv += " k" + std::to_string(r % 97) + " ";
    }
    csv += ',';
    csv += r % 3 == 0 ? "2026-01-01T00:00:" + std::to_string(10 + r % 50) + ".250+09:00"
                      : std::to_string(int64_t(i) * 10 - int64_t(r % 500));
    csv += ',';
    csv += r % 4 == 0 ? "" : std::to_string(r % 1000) + ".5";
    csv += r % 17 == 0 ? ",W" : ",";
    csv += r % 2 == 0 ? "\r\n" : "\n";
    if (r % 23 == 0) csv += "  \n";
  }
  return csv;
}

// The message of the InputError that `f` throws ("" when it throws none).
template <class F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("CSV streamed: the records, keys and header of parse_csv_trace", "[csv][stream]") {
  const std::string long_key(300'000, 'x');  // lines that span several reads of the buffer
  const std::vector<std::string> texts = {
      "# workload=demo seed=1\nvalue,event_time,key,partition,kind\n2.5,1000,a,3,E\n"
      ",2026-11-21T10:00:00.250+09:00,\"b,c\",,\n\n7,2000,a,1,W\r\n",
      "\xEF\xBB\xBF"
      "event_time\n5\n-7",  // a byte order mark, no line break at the end
      "event_time,key\n1,\n2,\"\"\n",
      "key,event_time\n" + long_key + "a,1\n" + long_key + "b,2\n" + long_key + "a,3\n" + long_key +
          "c,4\n",
      varied_csv(30'000),
  };
  for (const std::string& text : texts) {
    INFO(text.substr(0, 80));
    const TempFile file(text);
    const Trace whole = parse_csv_trace(text, file.path.string());
    REQUIRE(!whole.events.empty());
    check_same(read_streamed(file.path), whole);
    check_same(read_csv_trace(file.path), whole);
  }
}

TEST_CASE("CSV streamed: errors name the same file, line and column as parse_csv_trace",
          "[csv][stream]") {
  const std::string good = varied_csv(9'000);  // the errors below come after two chunks
  const std::vector<std::string> texts = {
      "",
      "# only a comment\n\n",
      "0,k,100\n",
      "partition,key,value\n0,k,1\n",
      "key,event_time\n\"unterminated,1\n",
      good + "1,k,soon,1,\n3,k,5,1,\n",
      good + "1,k,5,1\n",
      good + "1,\"k,5,1,E\n",
      good + "-1,k,5,1,E\n",
      good + "1,k,5,nan,E\n",
      good + "1,k,5,1,X\n",
      good + "1,\xff,5,1,E\n",
      good + "1,k," + std::string(kMaxCsvLineBytes, '7') + ",1,E\n",
  };
  for (const std::string& text : texts) {
    INFO(text.substr(text.size() > 100 ? text.size() - 100 : 0, 100));
    const TempFile file(text);
    const std::string expected = input_error([&] { parse_csv_trace(text, file.path.string()); });
    REQUIRE(!expected.empty());
    CHECK(input_error([&] { read_streamed(file.path); }) == expected);
    CHECK(input_error([&] { read_csv_trace(file.path); }) == expected);
  }
}

TEST_CASE("CSV lines hold at most 1 MiB, counted without the line break", "[csv][stream]") {
  const std::string at_limit = "key,event_time\n" + std::string(kMaxCsvLineBytes - 2, 'k') + ",1\n";
  const TempFile fits(at_limit);
  CHECK(read_streamed(fits.path).events.size() == 1);
  CHECK(parse_csv_trace(at_limit, "fits.csv").events.size() == 1);

  const std::string over =
      "key,event_time\na,1\n" + std::string(kMaxCsvLineBytes - 1, 'k') + ",1\n";
  const TempFile too_long(over);
  const std::string message = too_long.path.string() +
                              ":3: line longer than 1 MiB (1048576 bytes), the limit of a CSV line";
  CHECK(input_error([&] { read_streamed(too_long.path); }) == message);
  CHECK(input_error([&] { parse_csv_trace(over, too_long.path.string()); }) == message);

  // No line break at all: the reader stops once it holds more than a line's worth.
  const TempFile endless(std::string(3 * kMaxCsvLineBytes, '\0'));
  CHECK(input_error([&] { CsvTraceReader reader(endless.path); }) ==
        endless.path.string() +
            ":1: line longer than 1 MiB (1048576 bytes), the limit of a CSV line");
}

TEST_CASE("a CSV reader holds the same memory after its first chunk as after its last",
          "[csv][stream]") {
  const TempFile file(varied_csv(100'000));
  CsvTraceReader reader(file.path);
  size_t chunks = 0, grew = 0;
  size_t first = 0;
  for (auto chunk = reader.next(); !chunk.empty(); chunk = reader.next()) {
    if (chunks++ == 0) first = reader.memory_bytes();
    grew += reader.memory_bytes() != first;
  }
  CHECK(chunks >= 20);
  CHECK(grew == 0);
  CHECK(first < size_t(2) << 20);  // the read buffer (1.25 MiB) and one chunk
}

TEST_CASE("CSV partition count: a first pass over a file, records read ahead from a pipe",
          "[csv][stream]") {
  SECTION("the largest id of the partition column, quoted fields before it included") {
    const TempFile file("key,partition,event_time\n\"a,b\",3,1\n \"c\" , 0 ,2\nd,,3\n");
    CsvTraceReader reader(file.path);
    CHECK(reader.partitions() == 4);
    check_same(read_streamed(reader), read_csv_trace(file.path));
  }
  SECTION("without a partition column, one") {
    const TempFile file("event_time\n1\n2\n");
    CsvTraceReader reader(file.path);
    CHECK(reader.partitions() == 1);
  }
  SECTION("the first pass stops at a malformed line, which the records then report") {
    const TempFile file("partition,event_time\n0,1\n3,2\nx,3\n9,4\n");
    CsvTraceReader reader(file.path);
    CHECK(reader.partitions() == 4);
    CHECK(input_error([&] { read_streamed(reader); }) ==
          file.path.string() + ":4:1: partition: \"x\" is not a non-negative integer");
  }
  SECTION("a record beyond the count of the first pass: the file changed in between") {
    const TempFile file("partition,event_time\n0,1\n2,2\n1,3\n");
    CsvTraceReader reader(file.path);
    CHECK(reader.partitions() == 3);
    std::ofstream(file.path, std::ios::app) << "7,4\n";
    CHECK(input_error([&] { read_streamed(reader); }) ==
          file.path.string() +
              ":5:1: partition: 7 is beyond the 3 partitions a first pass over the file found: "
              "the file changed while it was read");
  }
  SECTION("a pipe: its records are read ahead, then handed out as from a file") {
    const std::string text = varied_csv(10'000);
    const fs::path fifo =
        fs::temp_directory_path() / ("tidemark-fifo-" + std::to_string(::getpid()) + ".csv");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << text; });
    {
      CsvTraceReader reader(fifo);
      const std::optional<PartitionId> n = reader.partitions();
      const Trace whole = parse_csv_trace(text, fifo.string());
      CHECK(n == whole.partition_count());
      check_same(read_streamed(reader), whole);
    }
    writer.join();
    fs::remove(fifo);
  }
}
