#include "tpp/profile.hpp"

#include <toml++/toml.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "tpp/codes.hpp"

namespace sandbank::tpp {
namespace fs = std::filesystem;
namespace {

Error invalid(const fs::path& file, const std::string& why) {
  return Error(400, codes::kTppProfileInvalid, "profile " + file.string() + ": " + why);
}

std::string resolve(const fs::path& base, const std::string& value) {
  if (value.empty()) return value;
  fs::path p(value);
  if (p.is_absolute()) return value;
  return (base / p).lexically_normal().string();
}

struct Field {
  const char* key;
  std::string TppProfile::*member;
  bool is_path;
};

constexpr Field kFields[] = {
    {"host", &TppProfile::host, false},
    {"web", &TppProfile::web, false},
    {"tls_cert", &TppProfile::tls_cert, true},
    {"tls_key", &TppProfile::tls_key, true},
    {"signing_cert", &TppProfile::signing_cert, true},
    {"signing_key", &TppProfile::signing_key, true},
    {"key_id", &TppProfile::key_id, false},
    {"client_id", &TppProfile::client_id, false},
    {"redirect_uri", &TppProfile::redirect_uri, false},
    {"ca_file", &TppProfile::ca_file, true},
};

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TppProfile load_profile(const fs::path& file) {
  if (!fs::exists(file)) {
    throw invalid(file, "no such file (write one with `sandbank tpp init --data DIR --profile " +
                            file.string() + "`)");
  }
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << "line " << e.source().begin.line << ": " << e.description();
    throw invalid(file, where.str());
  }
  TppProfile profile;
  fs::path base = fs::absolute(file).parent_path();
  for (auto&& [key, node] : table) {
    const Field* field = nullptr;
    for (const auto& f : kFields) {
      if (key.str() == f.key) field = &f;
    }
    if (field == nullptr) {
      throw invalid(file, "line " + std::to_string(node.source().begin.line) + ": unknown key '" +
                              std::string(key.str()) + "'");
    }
    auto value = node.value<std::string>();
    if (!value) {
      throw invalid(file, "line " + std::to_string(node.source().begin.line) + ": '" +
                              std::string(key.str()) + "' must be a string");
    }
    profile.*(field->member) = field->is_path ? resolve(base, *value) : *value;
  }
  fs::path cache = fs::absolute(file);
  cache.replace_extension(".tokens.json");
  profile.token_cache = cache;
  return profile;
}

void save_profile(const TppProfile& profile, const fs::path& file) {
  toml::table table;
  for (const auto& f : kFields) {
    const std::string& value = profile.*(f.member);
    if (!value.empty()) table.insert(f.key, value);
  }
  std::ostringstream out;
  out << "# sandbank tpp profile (see docs/tpp.md)\n" << table << "\n";
  if (file.has_parent_path()) fs::create_directories(file.parent_path());
  std::ofstream o(file, std::ios::binary | std::ios::trunc);
  if (!o || !(o << out.str()) || !o.flush()) {
    throw Error(500, codes::kTppProfileWrite, "cannot write profile " + file.string());
  }
}

TppProfile profile_from_data_dir(const fs::path& dir, bool allow_missing_endpoints) {
  fs::path root = fs::absolute(dir).lexically_normal();
  fs::path certs = root / "certs";
  if (!fs::is_directory(certs)) {
    throw Error(400, codes::kTppDataInvalid,
                "data directory " + root.string() +
                    " has no certs/ folder; start `sandbank serve --data " + dir.string() +
                    "` once to create it");
  }
  TppProfile profile;
  profile.tls_cert = (certs / "example_client_tls.cer").string();
  profile.tls_key = (certs / "example_client_tls.key").string();
  profile.signing_cert = (certs / "example_client_signing.cer").string();
  profile.signing_key = (certs / "example_client_signing.key").string();
  profile.ca_file = (certs / "ca.cer").string();
  profile.token_cache = root / "tpp-tokens.json";
  // The first redirect URI of the pre-registered application.
  profile.redirect_uri = "https://www.example.com/";
  fs::path endpoints = root / "endpoints.json";
  std::string text = read_text(endpoints);
  if (!text.empty()) {
    boost::system::error_code ec;
    auto value = boost::json::parse(text, ec);
    if (ec || !value.is_object()) {
      throw Error(400, codes::kTppDataInvalid, endpoints.string() + " is not a JSON object");
    }
    const auto& obj = value.as_object();
    if (auto* api = obj.if_contains("api"); api && api->is_string()) {
      profile.host = std::string(api->as_string());
    }
    if (auto* web = obj.if_contains("web"); web && web->is_string()) {
      profile.web = std::string(web->as_string());
    }
  } else if (allow_missing_endpoints) {
    profile.host = "https://127.0.0.1:8443";
    profile.web = "https://127.0.0.1:8444";
  }
  return profile;
}

}  // namespace sandbank::tpp
