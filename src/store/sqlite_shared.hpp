#pragma once

#include <memory>

#include "store/database.hpp"
#include "store/store.hpp"

// SQLite implementations of what several nodes share beyond the records of the layers: the
// web pages' browser sessions (migration 31, sqlite_sessions.cpp) and the sandbox files
// (migration 32, sqlite_files.cpp).
namespace sandbank::store {

std::unique_ptr<AuthorizationSessionRepository> make_sqlite_session_repository(
    sqlite::Database& db);
std::unique_ptr<SandboxFileRepository> make_sqlite_file_repository(sqlite::Database& db);

}  // namespace sandbank::store
