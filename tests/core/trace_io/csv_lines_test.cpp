#include "tidemark/core/trace_io/csv_lines.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"
#include "tidemark/core/error.hpp"

using namespace tidemark;
using namespace tidemark::csv;

namespace {

const std::string kSource = "t.csv";

std::string too_long(const std::string& source, uint64_t line) {
  return source + ":" + std::to_string(line) +
         ": line longer than 1 MiB (1048576 bytes), the limit of a CSV line";
}

template <class Lines>
std::vector<std::string> all_lines(Lines& lines) {
  std::vector<std::string> out;
  std::string_view line;
  while (lines.next(line)) {
    out.emplace_back(line);
    REQUIRE(lines.line_no() == out.size());  // numbered from 1, one per line returned
  }
  return out;
}

std::vector<std::string> memory_lines(const std::string& text) {
  MemoryLines lines(text, kSource);
  return all_lines(lines);
}

// A file opened for reading, closed at the end of the scope.
struct OpenFile {
  int fd;
  explicit OpenFile(const std::string& path) : fd(::open(path.c_str(), O_RDONLY)) {
    REQUIRE(fd >= 0);
  }
  ~OpenFile() { ::close(fd); }
};

std::vector<std::string> file_lines(const std::string& text) {
  test::TempDir dir;
  const std::string path = dir.file("t.csv", text);
  OpenFile file(path);
  FileLines lines(file.fd, kSource);
  return all_lines(lines);
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("csv lines: lines without their break or the CR before it, the last unended too",
          "[csv]") {
  for (const auto& [text, expected] : std::vector<std::pair<std::string, Lines>>{
           {"", {}},
           {"\n", {""}},
           {"a\n", {"a"}},
           {"a", {"a"}},
           {"a\r\nb\r\n", {"a", "b"}},
           {"a\n\nb", {"a", "", "b"}},
           {"a\r\r\n", {"a\r"}},  // only one CR belongs to the line break
       }) {
    INFO(text);
    CHECK(memory_lines(text) == expected);
    CHECK(file_lines(text) == expected);
  }
}

TEST_CASE("csv lines: a file's lines across many reads are the text's lines", "[csv]") {
  std::string text;
  Lines expected;
  for (int i = 0; text.size() < 3 * FileLines::kReadBytes; ++i) {
    expected.push_back(std::to_string(i) + "," + std::string(size_t(i % 97), 'x'));
    text += expected.back() + (i % 2 ? "\r\n" : "\n");
  }
  CHECK(file_lines(text) == expected);
  CHECK(memory_lines(text) == expected);
}

TEST_CASE("csv lines: peek shows the bytes ahead and skip passes over them", "[csv]") {
  const std::string text = "\xEF\xBB\xBFkey\nab";
  MemoryLines memory(text, kSource);
  CHECK(memory.peek(3) == "\xEF\xBB\xBF");
  memory.skip(3);
  test::TempDir dir;
  OpenFile file(dir.file("bom.csv", text));
  FileLines from_file(file.fd, kSource);
  CHECK(from_file.peek(3) == "\xEF\xBB\xBF");
  from_file.skip(3);
  CHECK(all_lines(memory) == Lines{"key", "ab"});
  CHECK(all_lines(from_file) == Lines{"key", "ab"});
  CHECK(memory.peek(10) == "");  // at the end: nothing, not past it
  CHECK(from_file.peek(10) == "");
}

TEST_CASE("csv lines: a line over 1 MiB is an input error naming source and line", "[csv]") {
  const std::string fits(kMaxCsvLineBytes, 'k');
  const std::string over(kMaxCsvLineBytes + 1, 'k');
  CHECK(memory_lines("a\n" + fits + "\n") == Lines{"a", fits});
  CHECK(file_lines("a\n" + fits + "\n") == Lines{"a", fits});
  CHECK(file_lines("a\n" + fits) == Lines{"a", fits});

  CHECK_THROWS_AS(memory_lines("a\nb\n" + over + "\n"), InputError);
  CHECK_THROWS_WITH(memory_lines("a\nb\n" + over + "\n"), too_long(kSource, 3));
  CHECK_THROWS_WITH(file_lines("a\nb\n" + over + "\n"), too_long(kSource, 3));
  CHECK_THROWS_WITH(memory_lines("a\n" + over), too_long(kSource, 2));
  // CRLF: the '\r' is part of the line break, not of the line, whichever reader.
  CHECK(memory_lines("a\r\n" + fits + "\r\n") == Lines{"a", fits});
  CHECK(file_lines("a\r\n" + fits + "\r\n") == Lines{"a", fits});
  CHECK(file_lines("a\r\n" + fits + "\r") == Lines{"a", fits});
  CHECK_THROWS_WITH(memory_lines("a\r\n" + over + "\r\n"), too_long(kSource, 2));
  CHECK_THROWS_WITH(file_lines("a\r\n" + over + "\r\n"), too_long(kSource, 2));
  CHECK_THROWS_WITH(file_lines("a\n" + over), too_long(kSource, 2));
  // No line break at all: refused once more than a line's worth is held, not read to the end.
  CHECK_THROWS_WITH(file_lines(std::string(3 * kMaxCsvLineBytes, '\0')), too_long(kSource, 1));
}

TEST_CASE("csv lines: a file read from an offset starts there and leaves its position", "[csv]") {
  test::TempDir dir;
  OpenFile file(dir.file("t.csv", "header\nr1\nr2\n"));
  FileLines first(file.fd, kSource);
  std::string_view line;
  REQUIRE(first.next(line));
  CHECK(line == "header");
  CHECK(first.offset() == 7);  // the offset of "r1"

  const off_t before = ::lseek(file.fd, 0, SEEK_CUR);
  FileLines rest(file.fd, kSource, first.offset());
  CHECK(all_lines(rest) == Lines{"r1", "r2"});
  CHECK(rest.offset() == 13);  // the end of the file
  CHECK(::lseek(file.fd, 0, SEEK_CUR) == before);
}
