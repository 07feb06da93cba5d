#pragma once
// Shared by the libFuzzer harnesses: small values taken off the input, and a check that stops the
// run, so that libFuzzer keeps the input that broke a property.

#include <fmt/format.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace tidemark::fuzz {

// Reads the input front to back; once it is used up every value is 0.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return size_ == 0; }
  uint8_t byte() {
    if (size_ == 0) return 0;
    --size_;
    return *data_++;
  }
  // Little-endian, `n` bytes (at most 8).
  uint64_t bits(int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t(byte()) << (8 * i);
    return v;
  }
  // In [lo, hi], hi - lo < 2^16.
  int64_t small(int64_t lo, int64_t hi) { return lo + int64_t(bits(2) % uint64_t(hi - lo + 1)); }
  // What is left, as text.
  std::string_view rest() const { return {reinterpret_cast<const char*>(data_), size_}; }

 private:
  const uint8_t* data_;
  size_t size_;
};

// A file of this process in the temporary directory, removed at exit.
struct TempFile {
  explicit TempFile(std::string_view name)
      : path(std::filesystem::temp_directory_path() /
             fmt::format("tidemark-fuzz-{}-{}", ::getpid(), name)) {}
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
  std::filesystem::path path;
};

// What a harness made of the input, for the message of a failed check (the input is bytes).
inline std::function<std::string()> describe_input;

// A property that must hold: otherwise the message, then abort (libFuzzer saves the input).
template <class... Args>
void check(bool ok, fmt::format_string<Args...> what, Args&&... args) {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %s\n%s\n",
               fmt::format(what, std::forward<Args>(args)...).c_str(),
               describe_input ? describe_input().c_str() : "");
  std::abort();
}

// Valid UTF-8 (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF), checked here
// independently of the key table.
inline bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = uint8_t(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + size_t(len) > s.size()) return false;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
      const auto b = uint8_t(s[i + size_t(k)]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += size_t(len);
  }
  return true;
}

}  // namespace tidemark::fuzz
