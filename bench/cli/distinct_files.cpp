#include "distinct_files.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <vector>

#include "tidemark/core/error.hpp"

namespace tidemark::cli {

namespace {

namespace fs = std::filesystem;

// A path whose file must not be written twice: not stdout, not a device or a pipe.
bool checked(const std::string& path) {
  if (path.empty() || path == "-") return false;
  std::error_code ec;
  const fs::file_status s = fs::status(path, ec);
  return !fs::exists(s) || fs::is_regular_file(s);
}

// The path with its relative parts and links resolved as far as it exists: `x`, `./x` and
// `d/../x` are one path.
fs::path resolved(const std::string& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  if (ec) return fs::path(path).lexically_normal();
  fs::path r = fs::weakly_canonical(absolute, ec);
  return ec ? absolute.lexically_normal() : r;
}

// Links and relative paths included; a file that does not exist yet is the same as another only
// by its resolved path.
bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
  return resolved(a) == resolved(b);
}

}  // namespace

void require_distinct_files(const NamedFile& input, std::initializer_list<NamedFile> outputs) {
  std::vector<const NamedFile*> earlier;
  for (const NamedFile& out : outputs) {
    if (!checked(out.path)) continue;
    if (same_file(out.path, input.path)) {
      throw ConfigError(fmt::format("{} {}: is the input trace, which writing it would destroy",
                                    out.option, out.path));
    }
    for (const NamedFile* e : earlier) {
      if (same_file(out.path, e->path)) {
        throw ConfigError(fmt::format("{} {}: the same file as {} {}, which would be lost",
                                      out.option, out.path, e->option, e->path));
      }
    }
    earlier.push_back(&out);
  }
}

}  // namespace tidemark::cli
