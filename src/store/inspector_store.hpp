#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

// The request inspector's records (docs/inspector.md): diagnostic data, not bank data. Kept
// apart from the bank's store so that writing them never syncs, never takes the bank's write
// lock and never moves the change counter the caches watch. Every method may be called from
// several threads at once; failures are sandbank::Error as in store.hpp.
namespace sandbank::store {

struct InspectorRow {
  std::int64_t id = 0;  // assigned by the store
  TimePoint time;
  std::string organisation;  // empty: no recognised client certificate (operator only)
  std::string listener;
  std::string method;
  std::string path;  // the target without its query
  int status = 0;
  std::string detail_code;
  std::string x_request_id;
  std::string response_id;
  std::string record;  // the whole record, JSON (http::to_json), masked

  friend bool operator==(const InspectorRow&, const InspectorRow&) = default;
};

struct InspectorQuery {
  // nullopt: every organisation's (the operator); "" only the requests without one.
  std::optional<std::string> organisation;
  std::optional<int> status;       // exact status
  std::string path_prefix;         // path starts with it
  std::string detail_code;         // exact
  std::string x_request_id;        // exact
  std::string response_id;         // exact
  std::optional<TimePoint> since;  // time >= since
  std::optional<TimePoint> until;  // time < until
  std::size_t limit = 50;
};

// A link to the inspector page: the SHA-256 of its secret, never the secret.
inline constexpr std::size_t kMaxLinksPerOrganisation = 100;

struct InspectorLink {
  std::string token_hash;
  std::string organisation;
  TimePoint created_at;
  TimePoint expires_at;

  friend bool operator==(const InspectorLink&, const InspectorLink&) = default;
};

class InspectorRepository {
 public:
  virtual ~InspectorRepository() = default;

  // All rows in one transaction, never synced to disk on its own.
  virtual void append(const std::vector<InspectorRow>& rows) = 0;
  // Newest first (time, then id).
  virtual std::vector<InspectorRow> list(const InspectorQuery& query) = 0;
  // Keeps the newest `per_organisation` rows of each organisation (the requests without one
  // count as one) and the newest `total` rows in all; how many rows it removed.
  virtual std::size_t evict(std::size_t per_organisation, std::size_t total) = 0;
  virtual std::size_t count() = 0;

  // Stores a link, removing the expired ones and, beyond kMaxLinksPerOrganisation live links of
  // its organisation, the oldest of them (a TPP that asks for a link per request cannot grow
  // the table without bound).
  virtual void create_link(const InspectorLink& link, TimePoint now) = 0;
  // The link, unless absent or expired at `now`.
  virtual std::optional<InspectorLink> find_link(const std::string& token_hash, TimePoint now) = 0;
};

// `spec`: a PostgreSQL URL (the inspector_requests and inspector_links tables of migration 50
// in that database), ":memory:" (a private in-memory database, for tests) or the path of a
// SQLite file of its own (created when missing; WAL, synchronous=OFF).
std::unique_ptr<InspectorRepository> open_inspector_store(const std::string& spec);

}  // namespace sandbank::store
