// The store contract: what every Store implementation guarantees, run unchanged against the
// SQLite store and the PostgreSQL store (tests/support/store_backends.hpp). Tests of one
// store's own mechanics stay in sqlite_*_test.cpp and postgres_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "support/store_backends.hpp"

namespace sandbank::store {
namespace {

using namespace std::chrono_literals;
using test_support::Backend;
using test_support::StoreContract;

TimePoint at(long long seconds) {
  return TimePoint(std::chrono::seconds(seconds));
}

RegisteredKey key(const std::string& use, const std::string& fp) {
  return {use, "-----BEGIN CERTIFICATE-----\nMIIB" + fp + "\n-----END CERTIFICATE-----\n", fp,
          "5ca1ab1e" + fp};
}

Application app(const std::string& client_id, const std::string& org = "PSDNL-SBX-1234512345",
                TimePoint created = at(1700000000)) {
  Application a;
  a.client_id = client_id;
  a.contact = "ops@example.com";
  a.redirect_uris = {"https://example.com/callback", "https://example.com/other?x=\"1\""};
  a.keys = {key("tls", "tls-" + client_id), key("sign", "sign-" + client_id)};
  a.organization_identifier = org;
  a.roles = {"PSP_AI", "PSP_PI"};
  a.created_at = created + 123456us;
  a.updated_at = created + 5s;
  return a;
}

RevokedCertificate revoked(const std::string& fp, TimePoint when = at(1700000100)) {
  return {fp, "0a1b", "CN=example_client_tls,O=Example", when};
}

template <typename F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return Error(0, "no error", "no error");
}

// Whether `store`'s change counter moves away from `before` within five seconds (another
// node's commit reaches a PostgreSQL store as a notification, a moment later).
bool counter_moves(Store& store, std::uint64_t before) {
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(1ms)) {
    if (store.change_counter() != before) return true;
  }
  return false;
}

TokenRecord token(const std::string& hash, const std::string& grant = "grant-1") {
  TokenRecord t;
  t.token_hash = hash;
  t.kind = "customer";
  t.client_id = "client-a";
  t.scope = "payment-accounts:balances:view";
  t.consent_id = "consent-1";
  t.grant_id = grant;
  t.certificate_thumbprint = "thumb";
  t.issued_at = at(1700000000) + 1us;
  t.expires_at = at(1700000900);
  return t;
}

AuthorizationCode code(const std::string& hash) {
  AuthorizationCode c;
  c.code_hash = hash;
  c.client_id = "client-a";
  c.consent_id = "consent-1";
  c.redirect_uri = "https://example.com/cb";
  c.scope = "payment-accounts:balances:view";
  c.state = "xyz";
  c.created_at = at(1700000000);
  c.expires_at = at(1700000300);
  return c;
}

Consent consent(const std::string& id, TimePoint created = at(1700000000)) {
  Consent k;
  k.id = id;
  k.client_id = "client-a";
  k.profile_id = "nl-a-van-dijk";
  k.country = "NL";
  k.account_ids = {"acc-1", "acc-2"};
  k.scopes = {"payment-accounts:balances:view"};
  k.redirect_uri = "https://example.com/cb";
  k.created_at = created;
  k.expires_at = created + 90 * 24h;
  k.status = "valid";
  return k;
}

PaymentRecord payment(const std::string& id) {
  PaymentRecord p;
  p.id = id;
  p.client_id = "client-a";
  p.kind = "single";
  p.product = "sepa-credit-transfers";
  p.request_json = R"({"instructedAmount":{"amount":"1.00","currency":"EUR"}})";
  p.status = "RCVD";
  p.country = "NL";
  p.redirect_uri = "https://example.com/cb";
  p.psu_ip_address = "127.0.0.1";
  p.amount_minor = 100;
  p.currency = "EUR";
  p.creditor_iban = "AT861921125678901234";
  p.creditor_name = "Laura Musterfrau";
  p.end_to_end_id = "NOTPROVIDED";
  p.created_at = at(1700000000) + 7us;
  p.updated_at = p.created_at;
  return p;
}

// --- Opening

TEST_P(StoreContract, ANewStoreHasTheLatestSchemaAndReopensWithItsData) {
  EXPECT_EQ(store().schema_version(), latest_sqlite_schema_version());
  store().applications().insert(app("kept"));
  store_.reset();
  auto again = database().open(false);
  EXPECT_EQ(again->schema_version(), latest_sqlite_schema_version());
  EXPECT_EQ(again->applications().find("kept"), app("kept"));
}

// --- Applications

TEST_P(StoreContract, ApplicationsInsertThenFindReturnsEveryField) {
  auto a = app("5ca1ab1e-c0ca-c01a-cafe-154deadbea75");
  a.keys.push_back(key("sign", "third"));  // order is kept
  store().applications().insert(a);
  EXPECT_EQ(store().applications().find(a.client_id), a);
  EXPECT_EQ(store().applications().find("unknown"), std::nullopt);
}

TEST_P(StoreContract, ApplicationsEmptyListsRoundTrip) {
  auto a = app("a");
  a.redirect_uris.clear();
  a.roles.clear();
  a.keys.clear();
  store().applications().insert(a);
  EXPECT_EQ(store().applications().find("a"), a);
}

TEST_P(StoreContract, ApplicationsFindByKeyFingerprintMatchesUseAndFingerprint) {
  store().applications().insert(app("a"));
  store().applications().insert(app("b"));
  auto found = store().applications().find_by_key_fingerprint("tls", "tls-b");
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, app("b"));
  EXPECT_EQ(store().applications().find_by_key_fingerprint("sign", "sign-a")->client_id, "a");
  EXPECT_FALSE(store().applications().find_by_key_fingerprint("sign", "tls-a"));
  EXPECT_FALSE(store().applications().find_by_key_fingerprint("tls", "nothing"));
}

TEST_P(StoreContract, ApplicationsASharedKeyFindsTheOldestApplication) {
  auto newer = app("newer", "org", at(2000));
  auto older = app("older", "org", at(1000));
  newer.keys = older.keys = {key("tls", "shared")};
  store().applications().insert(newer);
  store().applications().insert(older);
  EXPECT_EQ(store().applications().find_by_key_fingerprint("tls", "shared")->client_id, "older");
}

TEST_P(StoreContract, ApplicationsListByOrganizationIsOldestFirst) {
  store().applications().insert(app("third", "org-1", at(3000)));
  store().applications().insert(app("first", "org-1", at(1000)));
  store().applications().insert(app("other", "org-2", at(2000)));
  store().applications().insert(app("second", "org-1", at(2000)));
  auto list = store().applications().list_by_organization("org-1");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0], app("first", "org-1", at(1000)));
  EXPECT_EQ(list[1].client_id, "second");
  EXPECT_EQ(list[2].client_id, "third");
  EXPECT_TRUE(store().applications().list_by_organization("org-3").empty());
}

TEST_P(StoreContract, ApplicationsInsertingAnExistingClientIdIsAConflict) {
  store().applications().insert(app("a"));
  auto changed = app("a", "another-org");
  auto e = error_of([&] { store().applications().insert(changed); });
  EXPECT_EQ(e.status(), 409);
  EXPECT_EQ(e.code(), "store.conflict");
  EXPECT_EQ(store().applications().find("a"), app("a"));
}

TEST_P(StoreContract, ApplicationsUpdateReplacesEveryFieldAndTheKeys) {
  store().applications().insert(app("a"));
  Application changed = app("a");
  changed.contact = "new@example.com";
  changed.redirect_uris = {"https://new.example.com/cb"};
  changed.keys = {key("tls", "replacement")};  // the old tls and sign keys are not sent
  changed.organization_identifier = "PSDNL-SBX-9999";
  changed.roles = {"PSP_IC"};
  changed.updated_at = at(1800000000);
  store().applications().update(changed);

  EXPECT_EQ(store().applications().find("a"), changed);
  EXPECT_FALSE(store().applications().find_by_key_fingerprint("tls", "tls-a"));
  EXPECT_FALSE(store().applications().find_by_key_fingerprint("sign", "sign-a"));
  EXPECT_EQ(store().applications().find_by_key_fingerprint("tls", "replacement")->client_id, "a");
  EXPECT_TRUE(store().applications().list_by_organization("PSDNL-SBX-1234512345").empty());
  EXPECT_EQ(store().applications().list_by_organization("PSDNL-SBX-9999").size(), 1u);
}

TEST_P(StoreContract, ApplicationsUpdatingAnUnknownApplicationIsNotFound) {
  auto e = error_of([&] { store().applications().update(app("ghost")); });
  EXPECT_EQ(e.status(), 404);
  EXPECT_EQ(e.code(), "store.not_found");
  EXPECT_FALSE(store().applications().find("ghost"));
  EXPECT_FALSE(store().applications().find_by_key_fingerprint("tls", "tls-ghost"));
}

// --- Revocations

TEST_P(StoreContract, RevocationsRevokingIsVisibleAndIdempotent) {
  EXPECT_FALSE(store().revocations().is_revoked("fp"));
  store().revocations().revoke(revoked("fp", at(1000)));
  EXPECT_TRUE(store().revocations().is_revoked("fp"));
  store().revocations().revoke(revoked("fp", at(2000)));  // again: the first record stays
  auto list = store().revocations().list();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0], revoked("fp", at(1000)));
  EXPECT_FALSE(store().revocations().is_revoked("other"));
}

TEST_P(StoreContract, RevocationsListIsOldestFirst) {
  store().revocations().revoke(revoked("late", at(3000)));
  store().revocations().revoke(revoked("early", at(1000)));
  auto list = store().revocations().list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].fingerprint_sha256, "early");
  EXPECT_EQ(list[1].fingerprint_sha256, "late");
}

TEST_P(StoreContract, ChangeCounterChangesWithCommitsNotWithReads) {
  auto c0 = store().change_counter();
  EXPECT_EQ(store().change_counter(), c0);
  store().applications().find("a");
  store().revocations().list();
  EXPECT_EQ(store().change_counter(), c0);
  store().applications().insert(app("a"));
  auto c1 = store().change_counter();
  EXPECT_NE(c1, c0);
  store().revocations().revoke(revoked("fp"));
  EXPECT_NE(store().change_counter(), c1);
}

TEST_P(StoreContract, ConcurrencyInsertsFromEightThreadsAllLand) {
  auto other = another_store();  // a second writer on the database
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& target = t % 4 == 3 ? *other : store();
      for (int i = 0; i < kPerThread; ++i) {
        try {
          auto id = "client-" + std::to_string(t) + "-" + std::to_string(i);
          target.applications().insert(app(id, "org-" + std::to_string(t)));
          if (!target.applications().find(id)) ++failures;
          if (i % 5 == 0) target.revocations().revoke(revoked("fp-" + id));
          target.change_counter();
        } catch (const Error& e) {
          ADD_FAILURE() << e.code() << " " << e.message() << " " << e.diagnostic();
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(store().applications().list_by_organization("org-" + std::to_string(t)).size(),
              static_cast<std::size_t>(kPerThread));
  }
  EXPECT_EQ(store().revocations().list().size(),
            static_cast<std::size_t>(kThreads * kPerThread / 5));
  EXPECT_EQ(store().applications().find_by_key_fingerprint("tls", "tls-client-7-19")->client_id,
            "client-7-19");
}

// --- Tokens, codes, granting references, consents

TEST_P(StoreContract, TokensRoundTripAndRevocationsAreNumberedInOrder) {
  auto& tokens = store().tokens();
  tokens.insert(token("t1"));
  tokens.insert(token("t2"));
  tokens.insert(token("t3", "grant-2"));
  EXPECT_EQ(tokens.find("t1"), token("t1"));
  EXPECT_FALSE(tokens.find("nope"));
  EXPECT_EQ(error_of([&] { tokens.insert(token("t1")); }).code(), "store.conflict");

  auto start = tokens.revoked_since(0);
  EXPECT_TRUE(start.token_hashes.empty());
  EXPECT_TRUE(tokens.revoke("t3", at(1700000010)));
  EXPECT_FALSE(tokens.revoke("unknown", at(1700000010)));
  EXPECT_TRUE(tokens.revoke("t3", at(1700000099)));  // again: the first time stays
  EXPECT_EQ(tokens.find("t3")->revoked_at, at(1700000010));
  auto first = tokens.revoked_since(start.sequence);
  EXPECT_EQ(first.token_hashes, std::vector<std::string>{"t3"});
  EXPECT_EQ(tokens.revoke_grant("grant-1", at(1700000020)), 2);
  EXPECT_EQ(tokens.revoke_grant("grant-1", at(1700000030)), 0);
  auto second = tokens.revoked_since(first.sequence);
  EXPECT_EQ(second.token_hashes.size(), 2u);
  EXPECT_GT(second.sequence, first.sequence);
  EXPECT_TRUE(tokens.revoked_since(second.sequence).token_hashes.empty());
}

TEST_P(StoreContract, ACodeIsUsedOnce) {
  auto c = code("c1");
  store().codes().insert(c);
  EXPECT_EQ(store().codes().find("c1"), c);
  EXPECT_EQ(error_of([&] { store().codes().insert(c); }).code(), "store.conflict");
  EXPECT_TRUE(store().codes().mark_used("c1", "grant-9", at(1700000005)));
  EXPECT_FALSE(store().codes().mark_used("c1", "grant-10", at(1700000006)));
  auto used = store().codes().find("c1");
  EXPECT_EQ(used->used_at, at(1700000005));
  EXPECT_EQ(used->grant_id, "grant-9");
  EXPECT_FALSE(store().codes().mark_used("unknown", "g", at(1700000005)));
}

TEST_P(StoreContract, AGrantingReferenceIsUsedOnce) {
  GrantingReference r{"ref-1", "client-a",     "granting",     "https://example.com/cb",
                      "NL",    at(1700000000), at(1700000600), std::nullopt};
  store().granting_references().insert(r);
  EXPECT_EQ(store().granting_references().find("ref-1"), r);
  EXPECT_EQ(error_of([&] { store().granting_references().insert(r); }).code(), "store.conflict");
  EXPECT_TRUE(store().granting_references().mark_used("ref-1", at(1700000001)));
  EXPECT_FALSE(store().granting_references().mark_used("ref-1", at(1700000002)));
  EXPECT_EQ(store().granting_references().find("ref-1")->used_at, at(1700000001));
}

TEST_P(StoreContract, ConsentsRoundTripChangeStatusAndListOldestFirst) {
  store().consents().insert(consent("k2", at(1700000200)));
  store().consents().insert(consent("k1", at(1700000100)));
  EXPECT_EQ(store().consents().find("k1"), consent("k1", at(1700000100)));
  EXPECT_EQ(error_of([&] { store().consents().insert(consent("k1")); }).code(), "store.conflict");
  store().consents().set_status("k1", "revoked");
  EXPECT_EQ(store().consents().find("k1")->status, "revoked");
  auto e = error_of([&] { store().consents().set_status("ghost", "revoked"); });
  EXPECT_EQ(e.status(), 404);
  EXPECT_EQ(e.code(), "store.not_found");
  auto list = store().consents().list_by_client("client-a");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "k1");
  EXPECT_EQ(list[1].id, "k2");
}

// --- Payments and bulk entries

TEST_P(StoreContract, APaymentIsCreatedOncePerRequestIdAndUpdated) {
  auto p = payment("p1");
  p.settle_at = at(1700000500);
  p.request_xml = "<Document>\xE2\x82\xAC</Document>";
  auto first = store().payments().create(p, "req-1", "hash-1");
  EXPECT_TRUE(first.created);
  EXPECT_EQ(store().payments().find("p1"), p);
  auto again = store().payments().create(payment("p2"), "req-1", "hash-2");
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.payment, p);
  EXPECT_EQ(again.body_hash, "hash-1");
  EXPECT_FALSE(store().payments().find("p2"));

  p.status = "ACCP";
  p.updated_at = at(1700000400);
  store().payments().update(p);
  EXPECT_EQ(store().payments().find("p1"), p);
  EXPECT_EQ(store().payments().due(at(1700000499), "2023-11-14").size(), 0u);
  auto due = store().payments().due(at(1700000500), "2023-11-14");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, "p1");
  EXPECT_EQ(error_of([&] { store().payments().update(payment("ghost")); }).code(),
            "store.not_found");
}

TEST_P(StoreContract, ABulkPaymentIsStoredWithItsEntries) {
  auto p = payment("bulk-1");
  p.kind = "bulk";
  std::vector<BulkEntry> entries;
  for (int i = 0; i < 3; ++i) {
    entries.push_back(BulkEntry{"bulk-1", i, "e2e-" + std::to_string(i), 100 + i, "EUR",
                                "AT861921125678901234", "Laura", "", "r", "RCVD", ""});
  }
  store().payments().create(p, "req-bulk", "h", entries);
  EXPECT_EQ(store().bulk_entries().of_payment("bulk-1"), entries);
  entries[1].status = "RJCT";
  entries[1].status_reason = "AM04";
  store().bulk_entries().update_statuses({entries[1]});
  EXPECT_EQ(store().bulk_entries().of_payment("bulk-1"), entries);
}

// --- Change counter and races between two stores (two nodes) on one database

TEST_P(StoreContract, AWriteThroughAnotherStoreMovesTheCounter) {
  auto other = another_store();
  auto before = store().change_counter();
  other->revocations().revoke(revoked("fp"));
  EXPECT_TRUE(counter_moves(store(), before));
  EXPECT_TRUE(store().revocations().is_revoked("fp"));
  auto after = store().change_counter();
  other->applications().insert(app("a"));
  EXPECT_TRUE(counter_moves(store(), after));
  EXPECT_TRUE(store().applications().find("a"));
}

TEST_P(StoreContract, ACodeRedeemedOnTwoStoresAtOnceIsRedeemedOnce) {
  auto other = another_store();
  constexpr int kCodes = 20;
  constexpr int kThreads = 4;
  for (int i = 0; i < kCodes; ++i) store().codes().insert(code("race-" + std::to_string(i)));
  std::atomic<int> wins{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& s = t % 2 == 0 ? store() : *other;
      start.arrive_and_wait();
      for (int i = 0; i < kCodes; ++i) {
        if (s.codes().mark_used("race-" + std::to_string(i), "grant-" + std::to_string(t),
                                at(1700000001))) {
          ++wins;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wins.load(), kCodes);
}

TEST_P(StoreContract, TheSameRequestIdFromTwoStoresAtOnceCreatesOnePayment) {
  auto other = another_store();
  constexpr int kRequests = 10;
  constexpr int kThreads = 4;
  std::atomic<int> created{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& s = t % 2 == 0 ? store() : *other;
      start.arrive_and_wait();
      for (int i = 0; i < kRequests; ++i) {
        auto id = "pay-" + std::to_string(i) + "-" + std::to_string(t);
        auto result = s.payments().create(payment(id), "req-" + std::to_string(i), "hash");
        if (result.created) ++created;
        EXPECT_EQ(result.payment.id.substr(0, id.rfind('-')), "pay-" + std::to_string(i));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(created.load(), kRequests);
}

TEST_P(StoreContract, BookDueFromTwoStoresAtOnceBooksEachTransactionOnce) {
  BankData data;
  data.seeded_at = at(1700000000);
  data.profiles.push_back(BankProfile{"p", "P", "NL", {}, "", 0});
  constexpr int kAccounts = 3;
  constexpr int kPerAccount = 30;
  for (int a = 0; a < kAccounts; ++a) {
    BankAccount account;
    account.id = "acc-" + std::to_string(a);
    account.profile_id = "p";
    account.position = a;
    account.kind = "current";
    account.currency = "EUR";
    data.accounts.push_back(account);
    data.opening_balances.emplace_back(account.id, 1000);
    for (int i = 0; i < kPerAccount; ++i) {
      BankTransaction t;
      t.account_id = account.id;
      t.transaction_id = "t" + std::to_string(i);
      t.end_to_end_id = "NOTPROVIDED";
      t.status = "pending";
      t.execution_time = at(1700000000) + std::chrono::seconds(i);
      t.value_date = "2023-11-14";
      t.booking_due = i % 3 == 0 ? "2023-11-20" : "2023-11-15";
      t.amount_minor = -(i + 1);
      t.currency = "EUR";
      data.transactions.push_back(t);
    }
  }
  store().bank().replace_all(data);
  auto other = another_store();
  EXPECT_EQ(store().bank().next_booking_due(), "2023-11-15");
  const TimePoint now = at(1700000000) + 24h * 3;  // 2023-11-17: the 15th is due, the 20th not
  std::atomic<int> booked{0};
  std::barrier start(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Store& s = t % 2 == 0 ? store() : *other;
      start.arrive_and_wait();
      booked += s.bank().book_due(now);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(booked.load(), kAccounts * kPerAccount * 2 / 3);
  EXPECT_EQ(store().bank().next_booking_due(), "2023-11-20");
  std::int64_t due_sum = 0, pending_sum = 0;
  for (int i = 0; i < kPerAccount; ++i) (i % 3 == 0 ? pending_sum : due_sum) -= i + 1;
  for (int a = 0; a < kAccounts; ++a) {
    auto b = store().bank().balances("acc-" + std::to_string(a));
    EXPECT_EQ(b->booked_sum_minor, due_sum);
    EXPECT_EQ(b->pending_sum_minor, pending_sum);
    EXPECT_EQ(b->closing_booked_minor, 1000 + due_sum);
  }
  auto t1 = store().bank().find_transaction("acc-0", "t1");
  EXPECT_EQ(t1->status, "booked");
  EXPECT_EQ(t1->booking_date, "2023-11-15");
}

TEST_P(StoreContract, AppendsFromTwoStoresGetDistinctIncreasingRowIds) {
  BankData data;
  data.seeded_at = at(1700000000);
  data.profiles.push_back(BankProfile{"p", "P", "NL", {}, "", 0});
  BankAccount account;
  account.id = "acc";
  account.profile_id = "p";
  account.kind = "current";
  account.currency = "EUR";
  data.accounts.push_back(account);
  store().bank().replace_all(data);
  auto other = another_store();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Store& s = t % 2 == 0 ? store() : *other;
      for (int i = 0; i < 10; ++i) {
        BankTransaction tx;
        tx.account_id = "acc";
        tx.transaction_id = std::to_string(t) + "-" + std::to_string(i);
        tx.end_to_end_id = "NOTPROVIDED";
        tx.status = "booked";
        tx.execution_time = at(1700000000) + std::chrono::seconds(i);
        tx.booking_date = tx.value_date = "2023-11-14";
        tx.amount_minor = 1;
        tx.currency = "EUR";
        try {
          s.bank().append_transaction(tx);
        } catch (const Error& e) {
          ADD_FAILURE() << e.code() << " " << e.diagnostic();
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store().bank().balances("acc")->booked_sum_minor, 40);
  auto page = store().bank().list_transactions({"acc", std::nullopt, std::nullopt, 1000, {}});
  std::set<std::int64_t> ids;
  for (const auto& t : page.transactions) ids.insert(t.row_id);
  EXPECT_EQ(ids.size(), 40u);
}

// --- Browser sessions and shared files (migrations 31, 32)

AuthorizationSession session(const std::string& id, TimePoint created = at(1700000000)) {
  return {id, "authorize", "csrf-" + id, R"({"country":"NL"})", created, created + 10min};
}

TEST_P(StoreContract, SessionsAreLimitedExpireAndEndOnce) {
  auto& sessions = store().sessions();
  const TimePoint now = at(1700000001);
  EXPECT_TRUE(sessions.create(session("s1"), now, 2));
  EXPECT_TRUE(sessions.create(session("s2"), now, 2));
  EXPECT_FALSE(sessions.create(session("s3"), now, 2));  // two alive: the limit
  EXPECT_EQ(error_of([&] { sessions.create(session("s1"), now, 5); }).code(), "store.conflict");
  EXPECT_EQ(sessions.find("authorize", "s1", now), session("s1"));
  EXPECT_FALSE(sessions.find("payment", "s1", now));
  EXPECT_TRUE(sessions.update("s1", R"({"country":"BE"})", now));
  EXPECT_EQ(sessions.find("authorize", "s1", now)->data, R"({"country":"BE"})");
  EXPECT_EQ(sessions.count("authorize", now), 2u);
  auto other = another_store();
  std::atomic<int> removed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      if ((t % 2 == 0 ? store() : *other).sessions().remove("s2")) ++removed;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(removed.load(), 1);
  const TimePoint later = at(1700000000) + 11min;
  EXPECT_FALSE(sessions.find("authorize", "s1", later));
  EXPECT_FALSE(sessions.update("s1", "{}", later));
  EXPECT_EQ(sessions.purge_expired(later), 1u);
  EXPECT_EQ(sessions.count("authorize", now), 0u);
}

TEST_P(StoreContract, SharedFilesAreStoredOnceByOneOfTwoStores) {
  auto other = another_store();
  auto set = [](const std::string& who) {
    return std::vector<SandboxFile>{{"pki/ca.cer", "ca of " + who, at(1700000000)},
                                    {"pki/ca.key", "key of " + who, at(1700000000)}};
  };
  std::atomic<int> wins{0};
  std::barrier start(2);
  std::thread a([&] {
    start.arrive_and_wait();
    if (store().files().insert_all_if_absent(set("a"))) ++wins;
  });
  std::thread b([&] {
    start.arrive_and_wait();
    if (other->files().insert_all_if_absent(set("b"))) ++wins;
  });
  a.join();
  b.join();
  EXPECT_EQ(wins.load(), 1);
  auto files = store().files().list("pki/");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].name, "pki/ca.cer");
  EXPECT_TRUE(files == set("a") || files == set("b"));
  EXPECT_EQ(store().files().find("pki/ca.key"), files[1]);
  EXPECT_FALSE(store().files().find("pki/none"));
  EXPECT_TRUE(store().files().list("pki_").empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContract,
                         ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         test_support::backend_name);

}  // namespace
}  // namespace sandbank::store
