#pragma once

// A fresh temporary directory per test (or per suite), and the two file helpers every test
// that writes files needs.

#include <filesystem>
#include <string>
#include <string_view>

namespace sandbank::testing {

// A fresh directory under the system temp dir (mkdtemp, "sandbank-<prefix>-XXXXXX"), removed
// with everything in it on destruction.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }
  // The names of the files in the directory, sorted, one a line.
  std::string listing() const;

 private:
  std::filesystem::path path_;
};

// The whole file ("" when it cannot be read).
std::string read_file(const std::filesystem::path& file);
// Writes (replaces) the file; throws std::runtime_error when it cannot.
void write_file(const std::filesystem::path& file, std::string_view content);

}  // namespace sandbank::testing
