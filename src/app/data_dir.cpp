#include "app/data_dir.hpp"

#include <algorithm>
#include <fstream>

#include "app/codes.hpp"
#include "app/sandbox_identity.hpp"
#include "core/error.hpp"
#include "crypto/codes.hpp"

namespace sandbank::app {
namespace fs = std::filesystem;
namespace {

constexpr const char* kMarker = ".sandbank-initialized";

store::RegisteredKey registered_key(const std::string& use, const crypto::Certificate& cert) {
  return store::RegisteredKey{use, cert.pem(), cert.x5t_s256(), cert.serial_hex()};
}

std::vector<std::string> role_names(const crypto::Certificate& cert) {
  std::vector<std::string> names;
  if (auto psd2 = cert.psd2()) {
    for (auto role : psd2->roles) names.emplace_back(crypto::role_name(role));
  }
  return names;
}

void seed_sandbox_application(store::Store& store, const crypto::SandboxPki& pki, TimePoint now) {
  // Another node on the same store may have registered it already (or be doing it now).
  if (store.applications().find(std::string(kSandboxClientId))) return;
  store::Application app;
  app.client_id = std::string(kSandboxClientId);
  app.contact = std::string(kSandboxContact);
  for (auto uri : kSandboxRedirectUris) app.redirect_uris.emplace_back(uri);
  app.keys.push_back(registered_key("tls", pki.example_tls));
  app.keys.push_back(registered_key("sign", pki.example_signing));
  app.organization_identifier = std::string(kSandboxOrganizationIdentifier);
  app.roles = role_names(pki.example_tls);
  app.created_at = now;
  app.updated_at = now;
  try {
    store.applications().insert(app);
  } catch (const Error& e) {
    if (e.code() != "store.conflict") throw;
  }
}

constexpr std::string_view kPkiPrefix = "pki/";

// The PKI in the store, in the order of SandboxPkiPaths::files(); empty when none is stored.
crypto::SandboxPkiFiles stored_pki(store::SandboxFileRepository& files, const fs::path& certs_dir) {
  auto stored = files.list(std::string(kPkiPrefix));
  if (stored.empty()) return {};
  crypto::SandboxPkiFiles out;
  for (const auto& path : crypto::SandboxPkiPaths::in(certs_dir).files()) {
    auto name = path.filename().string();
    auto it = std::find_if(stored.begin(), stored.end(), [&](const store::SandboxFile& f) {
      return f.name == std::string(kPkiPrefix) + name;
    });
    if (it == stored.end()) {
      throw Error::internal(crypto::codes::kPkiDamaged,
                            "The sandbox PKI in the store lacks " + name +
                                "; Sandbank will not regenerate part of it");
    }
    out.push_back({name, it->content});
  }
  return out;
}

}  // namespace

std::string apply_mode_to_sandbox_application(store::Store& store, const crypto::SandboxPki& pki,
                                              bool production, TimePoint now) {
  const std::string client_id(kSandboxClientId);
  if (production) {
    if (!store.applications().remove(client_id)) return "";
    return "production mode: the pre-registered sandbox application " + client_id +
           " is removed; register the example (or your own) certificates with POST "
           "/oauth2/applications";
  }
  if (store.applications().find(client_id)) return "";
  if (auto other =
          store.applications().find_by_key_fingerprint("tls", pki.example_tls.x5t_s256())) {
    return "sandbox mode: the pre-registered application is not restored, the example TLS "
           "certificate belongs to application " +
           other->client_id + " now";
  }
  seed_sandbox_application(store, pki, now);
  return "sandbox mode: the pre-registered sandbox application " + client_id + " is back";
}

crypto::SandboxPki open_shared_sandbox_pki(store::SandboxFileRepository& files,
                                           const fs::path& certs_dir,
                                           const std::vector<std::string>& server_names,
                                           TimePoint now, RandomSource& random,
                                           bool create_if_missing,
                                           const crypto::KeyGenerator& keys) {
  if (auto stored = stored_pki(files, certs_dir); !stored.empty()) {
    return crypto::materialise_sandbox_pki(certs_dir, stored, now);
  }
  // None stored yet: this directory's own PKI (kept from before the store held it), else a
  // new one. load_sandbox_pki throws "pki.damaged" for a half-written folder.
  const auto paths = crypto::SandboxPkiPaths::in(certs_dir);
  auto local = paths.files();
  local.push_back(paths.marker);
  std::error_code ec;
  const bool any_local = std::any_of(local.begin(), local.end(), [&ec](const fs::path& f) {
    return fs::exists(fs::symlink_status(f, ec));
  });
  crypto::SandboxPkiFiles mine =
      any_local || !create_if_missing
          ? crypto::read_sandbox_pki_files(certs_dir)
          : crypto::generate_sandbox_pki_files(server_names, now, random, keys);
  std::vector<store::SandboxFile> records;
  for (const auto& f : mine) {
    records.push_back({std::string(kPkiPrefix) + f.name, f.content, now});
  }
  files.insert_all_if_absent(records);
  // Ours, or the one another node stored first.
  return crypto::materialise_sandbox_pki(certs_dir, stored_pki(files, certs_dir), now);
}

namespace {

bool is_empty_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && fs::directory_iterator(p, ec) == fs::directory_iterator();
}

}  // namespace

void write_file_atomically(const fs::path& path, const std::string& content) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error::internal(codes::kDataWriteFailed, "cannot write " + tmp.string());
    out << content;
    out.flush();
    if (!out) throw Error::internal(codes::kDataWriteFailed, "cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    throw Error::internal(codes::kDataWriteFailed, "cannot rename " + tmp.string() + " to " +
                                                       path.string() + ": " + ec.message());
  }
}

namespace {

std::string store_spec_of(const fs::path& root, const std::string& store_spec) {
  return store_spec.empty() ? (root / "sandbank.db").string() : store_spec;
}

// `create_store`: a PostgreSQL store may be new to an existing directory (a node that moves to a
// shared store, or joins one): serve creates its schema; the commands never do.
DataDir open_existing(const fs::path& root, const std::string& store_spec, bool create_store) {
  std::error_code ec;
  if (!fs::exists(root, ec)) {
    throw Error(400, codes::kDataMissing,
                "data directory " + root.string() +
                    " does not exist; start the sandbox once with `sandbank serve --data " +
                    root.string() + "` to create it");
  }
  if (!fs::exists(root / kMarker, ec)) {
    throw Error(500, codes::kDataDamaged,
                "data directory " + root.string() +
                    " is incomplete (its first start did not finish); Sandbank will not write "
                    "over it. Remove it or choose another --data directory");
  }
  auto store = store::open_store(store_spec_of(root, store_spec), create_store);
  SystemRandom random;  // nothing is generated: create_if_missing is false
  auto pki = open_shared_sandbox_pki(store->files(), root / "certs", {}, SystemClock().now(),
                                     random, false);
  return DataDir{root, std::move(pki), std::move(store), false};
}

}  // namespace

DataDir open_existing_data_dir(const fs::path& root, const std::string& store_spec) {
  return open_existing(root, store_spec, false);
}

DataDir open_data_dir(const fs::path& root, const std::vector<std::string>& server_names,
                      const Clock& clock, RandomSource& random, const std::string& store_spec) {
  std::error_code ec;
  if (fs::exists(root, ec) && !is_empty_dir(root)) {
    if (!fs::is_directory(root, ec)) {
      throw Error(500, codes::kDataDamaged, root.string() + " exists and is not a directory");
    }
    return open_existing(root, store_spec, store::is_postgres_spec(store_spec));
  }
  fs::create_directories(root, ec);
  if (ec) {
    throw Error::internal(codes::kDataWriteFailed,
                          "cannot create data directory " + root.string() + ": " + ec.message());
  }
  auto store = store::open_store(store_spec_of(root, store_spec), true);
  auto pki = open_shared_sandbox_pki(store->files(), root / "certs", server_names, clock.now(),
                                     random, true);
  // A shared store may have it already (another node created it, or creates it right now).
  if (store_spec.empty() || !store->applications().find(std::string(kSandboxClientId))) {
    try {
      seed_sandbox_application(*store, pki, clock.now());
    } catch (const Error& e) {
      if (store_spec.empty() || e.code() != "store.conflict") throw;
    }
  }
  write_file_atomically(root / kMarker, "sandbank data directory\n");
  return DataDir{root, std::move(pki), std::move(store), true};
}

}  // namespace sandbank::app
