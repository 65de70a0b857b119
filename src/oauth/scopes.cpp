#include "oauth/scopes.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "oauth/codes.hpp"

namespace sandbank::oauth {

const std::vector<std::string>& known_scopes() {
  static const std::vector<std::string> scopes = {
      std::string(kScopeBalances), std::string(kScopeTransactions), std::string(kScopeOrders),
      std::string(kScopeFunds), std::string(kScopeGranting)};
  return scopes;
}

bool is_known_scope(std::string_view scope) {
  const auto& all = known_scopes();
  return std::find(all.begin(), all.end(), scope) != all.end();
}

std::vector<std::string> scopes_for_roles(const std::vector<std::string>& role_names) {
  auto has = [&](std::string_view role) {
    return std::find(role_names.begin(), role_names.end(), role) != role_names.end();
  };
  std::vector<std::string> out;
  if (has("PSP_AI")) {
    out.emplace_back(kScopeBalances);
    out.emplace_back(kScopeTransactions);
  }
  if (has("PSP_PI")) out.emplace_back(kScopeOrders);
  if (has("PSP_IC")) out.emplace_back(kScopeFunds);
  bool any = std::any_of(role_names.begin(), role_names.end(), [](const std::string& r) {
    return crypto::role_from_name(r).has_value();
  });
  if (any) out.emplace_back(kScopeGranting);
  return out;
}

std::vector<std::string> role_names(const std::vector<crypto::Psd2Role>& roles) {
  std::vector<std::string> out;
  for (auto role : roles) {
    std::string name(crypto::role_name(role));
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

std::vector<std::string> split_scope(std::string_view scope) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < scope.size()) {
    while (i < scope.size() && scope[i] == ' ') ++i;
    std::size_t start = i;
    while (i < scope.size() && scope[i] != ' ') ++i;
    if (i > start) {
      std::string item(scope.substr(start, i - start));
      if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
    }
  }
  return out;
}

std::string join_scope(const std::vector<std::string>& scopes) {
  std::vector<std::string> ordered;
  for (const auto& known : known_scopes()) {
    if (std::find(scopes.begin(), scopes.end(), known) != scopes.end()) ordered.push_back(known);
  }
  for (const auto& s : scopes) {
    if (!is_known_scope(s)) ordered.push_back(s);
  }
  std::string out;
  for (const auto& s : ordered) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

std::vector<std::string> grant_scope(std::string_view requested,
                                     const std::vector<std::string>& allowed) {
  auto wanted = split_scope(requested);
  if (wanted.empty()) return allowed;
  for (const auto& s : wanted) {
    if (!is_known_scope(s)) {
      throw Error(400, codes::kScopeUnknown,
                  fmt::format("The scope {} is unknown; known scopes are: {}", s,
                              join_scope(known_scopes())));
    }
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
      throw Error(400, codes::kScopeNotAllowed,
                  fmt::format("The scope {} is not allowed by the PSD2 roles of the application's "
                              "certificates; allowed: {}",
                              s, join_scope(allowed)));
    }
  }
  return wanted;
}

}  // namespace sandbank::oauth
