#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crypto/certificate.hpp"

// The OAuth scopes of ING's PSD2 APIs and which PSD2 roles allow them (spec/api.md Part 1).
namespace sandbank::oauth {

inline constexpr std::string_view kScopeBalances = "payment-accounts:balances:view";
inline constexpr std::string_view kScopeTransactions = "payment-accounts:transactions:view";
inline constexpr std::string_view kScopeOrders = "payment-accounts:orders:create";
inline constexpr std::string_view kScopeFunds = "payment-accounts:funds-availability:confirm";
inline constexpr std::string_view kScopeGranting = "granting";

// Every scope Sandbank knows, in the order responses list them.
const std::vector<std::string>& known_scopes();
bool is_known_scope(std::string_view scope);

// PSP_AI -> balances + transactions, PSP_PI -> orders, PSP_IC -> funds-availability, any
// role -> granting. Role names as stored ("PSP_AI"); unknown names are ignored.
std::vector<std::string> scopes_for_roles(const std::vector<std::string>& role_names);
std::vector<std::string> role_names(const std::vector<crypto::Psd2Role>& roles);

// Splits a space-separated scope string (already form-decoded); repeated spaces ignored,
// duplicates dropped, order kept.
std::vector<std::string> split_scope(std::string_view scope);
// Joins scopes with single spaces, in the canonical order of known_scopes() first.
std::string join_scope(const std::vector<std::string>& scopes);

// The scope an application token gets: everything `allowed` when `requested` is empty, else
// the requested subset. Throws Error 400 "scope.unknown" for a scope Sandbank does not know
// and "scope.not_allowed" for one the application's certificates do not allow.
std::vector<std::string> grant_scope(std::string_view requested,
                                     const std::vector<std::string>& allowed);

}  // namespace sandbank::oauth
