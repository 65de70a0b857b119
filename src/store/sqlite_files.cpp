#include "store/sqlite_shared.hpp"

namespace sandbank::store {
namespace {

using sqlite::Connection;
using sqlite::Database;

class SqliteFileRepository final : public SandboxFileRepository {
 public:
  explicit SqliteFileRepository(Database& db) : db_(db) {}

  std::optional<SandboxFile> find(const std::string& name) override {
    return db_.read_one_statement([&](Connection& c) -> std::optional<SandboxFile> {
      auto st = c.query("SELECT name, content, created_at FROM sandbox_files WHERE name = ?", name);
      if (!st.step()) return std::nullopt;
      return SandboxFile{st.text(0), st.text(1), st.time(2)};
    });
  }

  std::vector<SandboxFile> list(const std::string& prefix) override {
    return db_.read_one_statement([&](Connection& c) {
      std::vector<SandboxFile> out;
      // substr rather than LIKE: a prefix may hold % or _.
      auto st = c.query(
          "SELECT name, content, created_at FROM sandbox_files "
          "WHERE substr(name, 1, length(?1)) = ?1 ORDER BY name",
          prefix);
      while (st.step()) out.push_back({st.text(0), st.text(1), st.time(2)});
      return out;
    });
  }

  bool insert_all_if_absent(const std::vector<SandboxFile>& files) override {
    return db_.write([&](Connection& c) {
      for (const auto& f : files) {
        if (c.query("SELECT 1 FROM sandbox_files WHERE name = ?", f.name).step()) return false;
      }
      for (const auto& f : files) {
        c.query("INSERT INTO sandbox_files (name, content, created_at) VALUES (?, ?, ?)", f.name,
                f.content, f.created_at)
            .run();
      }
      return true;
    });
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<SandboxFileRepository> make_sqlite_file_repository(Database& db) {
  return std::make_unique<SqliteFileRepository>(db);
}

}  // namespace sandbank::store
