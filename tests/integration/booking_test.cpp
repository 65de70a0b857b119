// The generated histories' pending transactions book themselves once the bank's clock has
// reached their booking day: the real binary, restarted on the same data directory with
// `serve --clock-offset` ten days further ahead, answers them booked over AIS, with the
// balances moved once, also after another restart.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <ctime>
#include <map>

#include "support/guide_calls.hpp"
#include "support/temp_dir.hpp"

namespace sandbank::testing {
namespace {

namespace json = boost::json;

constexpr const char* kBothScopes =
    "payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview";

using Answer = ScriptAnswer;

std::int64_t cents(const json::value& amount) {
  return std::llround(amount.to_number<double>() * 100);
}

// "YYYY-MM-DD" or an IMF-fixdate of the machine's clock moved by `offset` seconds.
std::string when(long offset, const char* format) {
  std::time_t t = std::time(nullptr) + offset;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[64];
  std::strftime(out, sizeof out, format, &tm);
  return out;
}

// One test profile's customer, whose signed Date follows the bank's clock (moved by `offset`
// seconds) so that it stays inside the 3 minute window.
class Client {
 public:
  Client(const SandbankServer& server, const TempDir& tmp, long offset, std::string profile)
      : guide_(server, tmp.path()), profile_(std::move(profile)) {
    guide_.default_knobs = [offset] {
      return std::vector<std::string>{"REQ_DATE='" + when(offset, "%a, %d %b %Y %H:%M:%S GMT") +
                                      "'"};
    };
  }

  // The plain-HTTP walk of docs/authorize.md for the profile, then the code exchange.
  void log_in() {
    token_ = guide_.customer_token(profile_, kBothScopes);
    ASSERT_FALSE(token_.empty());
  }

  Answer get(const std::string& path) { return guide_.call_with(token_, "GET", path, ""); }

 private:
  GuideClient guide_;
  std::string profile_;
  std::string token_;
};

struct Account {
  std::string id;
  bool card = false;
};

std::vector<Account> accounts(Client& client) {
  auto a = client.get("/v3/accounts");
  EXPECT_EQ(a.status, 200) << a.text;
  std::vector<Account> out;
  for (const auto& acc : a.body.at("accounts").as_array()) {
    out.push_back(
        {std::string(acc.at("resourceId").as_string()), acc.as_object().contains("maskedPan")});
  }
  return out;
}

// The transactions of the last days (booked and pending), by transactionId.
struct Lists {
  std::map<std::string, json::object> booked, pending;
};
Lists recent(Client& client, const Account& account, const std::string& from) {
  auto a = client.get((account.card ? "/v1/card-accounts/" : "/v2/accounts/") + account.id +
                      "/transactions?dateFrom=" + from + "&limit=1000");
  EXPECT_EQ(a.status, 200) << a.text;
  Lists out;
  if (a.status != 200) return out;
  const auto& lists = a.body.at(account.card ? "cardTransactions" : "transactions").as_object();
  EXPECT_FALSE(lists.contains("_links")) << a.text;
  for (const char* kind : {"booked", "pending"}) {
    for (const auto& t : lists.at(kind).as_array()) {
      auto id = std::string(t.at(account.card ? "cardTransactionId" : "transactionId").as_string());
      (std::string(kind) == "booked" ? out.booked : out.pending)[id] = t.as_object();
    }
  }
  return out;
}

std::map<std::string, std::int64_t> balances(Client& client, const std::string& account) {
  auto a = client.get("/v3/accounts/" + account + "/balances");
  EXPECT_EQ(a.status, 200) << a.text;
  std::map<std::string, std::int64_t> out;
  if (a.status != 200) return out;
  for (const auto& b : a.body.at("balances").as_array()) {
    out[std::string(b.at("balanceType").as_string())] = cents(b.at("balanceAmount").at("amount"));
  }
  return out;
}

TEST(booking, PendingTransactionsAreBookedWhenTheBanksClockReachesTheirDay) {
  // The bank is seeded as of the last Saturday, 18:00 UTC (the first server, which creates the
  // data directory, runs its clock that far behind; the sandbox certificates it issues are
  // then valid for the real clock too): the card payments of Friday and Saturday book on
  // Monday, so they are pending then, whatever the day the test runs on.
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  long seeded =
      -((tm.tm_wday + 1) % 7) * 86400L + (18 * 3600 - (tm.tm_hour * 3600 + tm.tm_min * 60));
  if (seeded > 0) seeded -= 7 * 86400;
  const long later = seeded + 10 * 86400;
  const std::vector<std::string> profiles = {"John Doe", "Jane Doe", "Alice and Bob", "A Van Dijk"};

  TempDir tmp;
  auto server = std::make_unique<SandbankServer>(
      tmp.path() / "data", std::vector<std::string>{"--clock-offset", std::to_string(seeded)});
  server->start();
  const std::string from = when(seeded - 7 * 86400, "%Y-%m-%d");

  struct Before {
    Account account;
    Lists lists;
    std::map<std::string, std::int64_t> balances;
  };
  std::map<std::string, Before> before;  // by account id
  std::size_t pending = 0;
  for (const auto& profile : profiles) {
    Client client(*server, tmp, seeded, profile);
    client.log_in();
    for (const auto& account : accounts(client)) {
      auto& b = before[account.id];
      b.account = account;
      b.lists = recent(client, account, from);
      b.balances = balances(client, account.id);
      pending += b.lists.pending.size();
      for (const auto& [id, t] : b.lists.pending) {
        EXPECT_FALSE(t.contains("bookingDate")) << json::serialize(t);
      }
    }
  }
  ASSERT_GT(pending, 0u);

  // Ten days later: everything pending then is booked, once, also across a restart.
  for (int restart = 0; restart < 2; ++restart) {
    server.reset();  // SIGTERM, waited for
    server = std::make_unique<SandbankServer>(
        tmp.path() / "data", std::vector<std::string>{"--clock-offset", std::to_string(later)});
    server->start();
    const std::string today = when(later, "%Y-%m-%d");
    for (const auto& profile : profiles) {
      Client client(*server, tmp, later, profile);
      client.log_in();
      for (const auto& account : accounts(client)) {
        const auto& b = before.at(account.id);
        auto lists = recent(client, account, from);
        EXPECT_TRUE(lists.pending.empty()) << account.id;
        EXPECT_EQ(lists.booked.size(), b.lists.booked.size() + b.lists.pending.size())
            << account.id;
        std::int64_t moved = 0;
        for (const auto& [id, t] : b.lists.pending) {
          ASSERT_TRUE(lists.booked.count(id)) << id;
          const auto& booked = lists.booked.at(id);
          auto booking = std::string(booked.at("bookingDate").as_string());
          if (account.card) {
            auto executed = std::string(t.at("transactionDate").as_string()).substr(0, 10);
            EXPECT_GT(booking, executed) << id;
          } else {
            EXPECT_EQ(std::string(booked.at("valueDate").as_string()), booking) << id;
            EXPECT_GT(booking, std::string(t.at("valueDate").as_string())) << id;
          }
          EXPECT_LE(booking, today) << id;
          EXPECT_EQ(booked.at("transactionAmount"), t.at("transactionAmount")) << id;
          moved += cents(t.at("transactionAmount").at("amount"));
        }
        auto after = balances(client, account.id);
        EXPECT_EQ(after["closingBooked"], b.balances.at("closingBooked") + moved) << account.id;
        EXPECT_EQ(after["expected"], b.balances.at("expected")) << account.id;
        EXPECT_EQ(after["closingBooked"], after["expected"]) << account.id;  // none pending
      }
    }
  }
}

}  // namespace
}  // namespace sandbank::testing
