#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "crypto/sandbox_pki.hpp"
#include "store/store.hpp"

namespace sandbank::app {

// A sandbox data directory: DIR/sandbank.db (SQLite), DIR/certs/ (the sandbox PKI, a copy of
// the one in the store) and DIR/.sandbank-initialized, written last on first start. Later starts
// reuse the directory as it is; a damaged or half-written one is an error, never silently
// regenerated.
struct DataDir {
  std::filesystem::path root;
  crypto::SandboxPki pki;
  std::unique_ptr<store::Store> store;
  bool created;  // true when this call created it

  std::filesystem::path certs_dir() const { return root / "certs"; }
  std::filesystem::path database_file() const { return root / "sandbank.db"; }
  std::filesystem::path endpoints_file() const { return root / "endpoints.json"; }
};

// Opens DIR, creating it on first use. Throws sandbank::Error ("data.damaged", ...) with a
// message that says what is wrong and what to do. `store_spec` (--store): the store to use
// instead of DIR/sandbank.db, a PostgreSQL URL or a SQLite file (store::open_store); several
// nodes share one PostgreSQL store, each with its own DIR for the PKI.
DataDir open_data_dir(const std::filesystem::path& root,
                      const std::vector<std::string>& server_names, const Clock& clock,
                      RandomSource& random, const std::string& store_spec = {});

// Opens an existing directory (for `sandbank certs ...`); never creates anything.
DataDir open_existing_data_dir(const std::filesystem::path& root,
                               const std::string& store_spec = {});

// The sandbox PKI every node on `store` uses (docs/deployment.md, "Sandbox PKI"): the one in
// the store's files ("pki/ca.cer", ...), written into certs_dir where missing. When the store
// holds none yet, this node stores one in a single insert-if-absent transaction: the PKI
// already in certs_dir (a data directory made before the store kept it) or, with
// create_if_missing, a new one whose server certificate also covers server_names. Of several
// nodes starting at once exactly one store wins; the others use its PKI and generate nothing
// more. Throws "pki.missing" (no PKI and !create_if_missing), "pki.conflict" (certs_dir holds
// another PKI than the store) and "pki.damaged".
crypto::SandboxPki open_shared_sandbox_pki(store::SandboxFileRepository& files,
                                           const std::filesystem::path& certs_dir,
                                           const std::vector<std::string>& server_names,
                                           TimePoint now, RandomSource& random,
                                           bool create_if_missing,
                                           const crypto::KeyGenerator& keys = {});

// Writes `content` to `path` atomically (temp file + rename).
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

// `serve --mode`: the sandbox mode has the guide's pre-registered application (put back when it
// is missing, unless another application registered the example TLS certificate since); the
// production mode has none, as ING's production: it is removed, and the example certificates
// work only once a TPP registers them with POST /oauth2/applications. Returns what was done,
// for the log ("" when nothing changed).
std::string apply_mode_to_sandbox_application(store::Store& store, const crypto::SandboxPki& pki,
                                              bool production, TimePoint now);

}  // namespace sandbank::app
