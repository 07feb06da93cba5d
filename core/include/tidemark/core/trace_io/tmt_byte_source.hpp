#pragma once
// Where a binary trace's bytes come from: a file or memory. Reads return fewer bytes only at the
// end.

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "tidemark/core/error.hpp"

namespace tidemark::tmt {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual size_t read(void* dst, size_t n) = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  size_t read(void* dst, size_t n) override {
    n = std::min(n, bytes_.size() - pos_);
    std::memcpy(dst, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

class FileSource final : public ByteSource {
 public:
  FileSource(const std::filesystem::path& path, const std::string& name)
      : file_(std::fopen(path.c_str(), "rb")), name_(name) {
    if (!file_) throw InputError(fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
    std::setvbuf(file_, nullptr, _IONBF, 0);  // bulk reads go straight into our buffers
  }
  ~FileSource() override { std::fclose(file_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  size_t read(void* dst, size_t n) override {
    const size_t got = std::fread(dst, 1, n, file_);
    if (got < n && std::ferror(file_)) {
      throw InputError(fmt::format("{}: read error: {}", name_, std::strerror(errno)));
    }
    return got;
  }

 private:
  std::FILE* file_;
  std::string name_;
};

}  // namespace tidemark::tmt
