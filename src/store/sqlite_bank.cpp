#include "store/sqlite_bank.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <tuple>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/time_format.hpp"
#include "store/bank_cursor.hpp"
#include "store/codes.hpp"
#include "store/string_list.hpp"

namespace sandbank::store {
namespace {

using sqlite::Connection;
using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kProfileColumns = "id, name, country, scopes, scenario, position";

BankProfile profile_from_row(const Statement& st) {
  return BankProfile{st.text(0), st.text(1),
                     st.text(2), detail::string_list_from_json(st.text(3), "bank_profiles.scopes"),
                     st.text(4), static_cast<int>(st.integer(5))};
}

constexpr std::string_view kAccountColumns =
    "id, profile_id, position, kind, iban, bban, bic, masked_pan, name, product, currency, "
    "credit_limit";

BankAccount account_from_row(const Statement& st) {
  BankAccount a;
  a.id = st.text(0);
  a.profile_id = st.text(1);
  a.position = static_cast<int>(st.integer(2));
  a.kind = st.text(3);
  a.iban = st.text(4);
  a.bban = st.text(5);
  a.bic = st.text(6);
  a.masked_pan = st.text(7);
  a.name = st.text(8);
  a.product = st.text(9);
  a.currency = st.text(10);
  a.credit_limit_minor = st.integer(11);
  return a;
}

constexpr std::string_view kTransactionColumns =
    "id, account_id, transaction_id, end_to_end_id, status, execution_time, booking_date, "
    "value_date, amount, currency, creditor_name, creditor_iban, creditor_bic, debtor_name, "
    "debtor_iban, debtor_bic, transaction_type, remittance_unstructured, "
    "remittance_structured, masked_pan, transaction_details, booking_due";

// The table is clustered by the page order (migration 11): ids are assigned here, each one
// more than the largest so far, as SQLite assigned rowids before.
constexpr std::string_view kInsertTransaction =
    "INSERT INTO bank_transactions (id, account_id, transaction_id, end_to_end_id, status, "
    "execution_time, booking_date, value_date, amount, currency, creditor_name, creditor_iban, "
    "creditor_bic, debtor_name, debtor_iban, debtor_bic, transaction_type, "
    "remittance_unstructured, remittance_structured, masked_pan, transaction_details, "
    "booking_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

std::int64_t next_transaction_id(Connection& c) {
  return c.scalar("SELECT coalesce(max(id), 0) + 1 FROM bank_transactions");
}

BankTransaction transaction_from_row(const Statement& st) {
  BankTransaction t;
  t.row_id = st.integer(0);
  t.account_id = st.text(1);
  t.transaction_id = st.text(2);
  t.end_to_end_id = st.text(3);
  t.status = st.text(4);
  t.execution_time = st.time(5);
  t.booking_date = st.text(6);
  t.value_date = st.text(7);
  t.amount_minor = st.integer(8);
  t.currency = st.text(9);
  t.creditor = {st.text(10), st.text(11), st.text(12)};
  t.debtor = {st.text(13), st.text(14), st.text(15)};
  t.transaction_type = st.text(16);
  t.remittance_unstructured = st.text(17);
  t.remittance_structured = st.text(18);
  t.masked_pan = st.text(19);
  t.transaction_details = st.text(20);
  t.booking_due = st.text(21);
  return t;
}

// A page row is its page_fields column (migrations 11 and 13): the row's id, execution_time
// and amount, then the texts of kPageFields, each as "<byte length>,<bytes>".
constexpr std::string_view kPageColumns = "page_fields";
constexpr std::string_view BankTransactionView::*kPageFields[] = {
    &BankTransactionView::transaction_id,
    &BankTransactionView::end_to_end_id,
    &BankTransactionView::status,
    &BankTransactionView::booking_date,
    &BankTransactionView::value_date,
    &BankTransactionView::currency,
    &BankTransactionView::creditor_name,
    &BankTransactionView::creditor_iban,
    &BankTransactionView::creditor_bic,
    &BankTransactionView::debtor_name,
    &BankTransactionView::debtor_iban,
    &BankTransactionView::debtor_bic,
    &BankTransactionView::transaction_type,
    &BankTransactionView::remittance_unstructured,
    &BankTransactionView::remittance_structured,
    &BankTransactionView::masked_pan,
    &BankTransactionView::transaction_details};

[[noreturn]] void bad_page_fields(std::string_view fields) {
  throw Error(500, codes::kStoreDamaged, "A stored transaction is unreadable",
              fmt::format("bank_transactions.page_fields: {}", fields.substr(0, 200)));
}

// The current page row as views into it (account_id is the caller's).
void view_page_row(const Statement& st, BankTransactionView& v) {
  const std::string_view fields = st.text_view(0);
  const char* p = fields.data();
  const char* const end = p + fields.size();
  auto next = [&]() -> std::string_view {
    std::size_t size = 0;
    const char* digits = p;
    while (p != end && *p >= '0' && *p <= '9' && p - digits < 10) size = size * 10 + (*p++ - '0');
    if (p == digits || p == end || *p != ',' || static_cast<std::size_t>(end - p - 1) < size) {
      bad_page_fields(fields);
    }
    ++p;
    std::string_view field(p, size);
    p += size;
    return field;
  };
  auto integer = [&](std::string_view text) {
    std::int64_t value = 0;
    auto [at, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || at != text.data() + text.size()) bad_page_fields(fields);
    return value;
  };
  v.row_id = integer(next());
  v.execution_time = next();
  v.amount_minor = integer(next());
  const char* texts = p;
  for (auto field : kPageFields) v.*field = next();
  if (p != end) bad_page_fields(fields);
  v.packed_texts = std::string_view(texts, static_cast<std::size_t>(end - texts));
}

// A stored execution_time, or 500 store.damaged as Statement::time() reports it.
TimePoint stored_time(std::string_view text) {
  auto t = sqlite::parse_timestamp(text);
  if (!t) {
    throw Error(500, codes::kStoreDamaged, "A stored timestamp is unreadable",
                fmt::format("bank_transactions.execution_time: {}", text));
  }
  return *t;
}

BankTransaction transaction_from_view(const BankTransactionView& v) {
  BankTransaction t;
  t.row_id = v.row_id;
  t.account_id = v.account_id;
  t.transaction_id = v.transaction_id;
  t.end_to_end_id = v.end_to_end_id;
  t.status = v.status;
  t.execution_time = stored_time(v.execution_time);
  t.booking_date = v.booking_date;
  t.value_date = v.value_date;
  t.amount_minor = v.amount_minor;
  t.currency = v.currency;
  t.creditor = {std::string(v.creditor_name), std::string(v.creditor_iban),
                std::string(v.creditor_bic)};
  t.debtor = {std::string(v.debtor_name), std::string(v.debtor_iban), std::string(v.debtor_bic)};
  t.transaction_type = v.transaction_type;
  t.remittance_unstructured = v.remittance_unstructured;
  t.remittance_structured = v.remittance_structured;
  t.masked_pan = v.masked_pan;
  t.transaction_details = v.transaction_details;
  return t;
}

// The start (00:00:00Z) of a "YYYY-MM-DD" day as a stored timestamp; "" when it is no date,
// which max() against a stored last_change leaves unchanged.
std::string start_of_day_stamp(const std::string& day) {
  auto t = sqlite::parse_timestamp(day + "T00:00:00.000000Z");
  return t ? sqlite::format_timestamp(*t) : std::string();
}

void check_status(const BankTransaction& t) {
  if (t.status != "booked" && t.status != "pending") {
    throw Error(400, codes::kBankStatusInvalid,
                fmt::format("A transaction status must be booked or pending, not {}", t.status));
  }
}

void insert_transaction(Connection& c, const BankTransaction& t, std::int64_t id) {
  check_status(t);
  c.query(kInsertTransaction, id, t.account_id, t.transaction_id, t.end_to_end_id, t.status,
          t.execution_time, t.status == "booked" ? t.booking_date : std::string(), t.value_date,
          t.amount_minor, t.currency, t.creditor.name, t.creditor.iban, t.creditor.bic,
          t.debtor.name, t.debtor.iban, t.debtor.bic, t.transaction_type, t.remittance_unstructured,
          t.remittance_structured, t.masked_pan, t.transaction_details, t.booking_due)
      .run();
}

using detail::Cursor;
using detail::decode_cursor;
using detail::encode_cursor;
using detail::kMaxStamp;
using detail::kMinStamp;

class SqliteBankRepository final : public BankRepository {
 public:
  explicit SqliteBankRepository(Database& db) : db_(db) {}

  bool seeded() override {
    return db_.read([](Connection& c) { return c.prepare("SELECT 1 FROM bank_profiles").step(); });
  }

  void replace_all(const BankData& data) override {
    db_.write([&](Connection& c) {
      delete_all(c);
      for (const auto& p : data.profiles) {
        c.query(
             "INSERT INTO bank_profiles (id, name, country, scopes, scenario, position) "
             "VALUES (?, ?, ?, ?, ?, ?)",
             p.id, p.name, p.country, detail::string_list_to_json(p.scopes), p.scenario, p.position)
            .run();
      }
      for (const auto& a : data.accounts) {
        c.query(
             "INSERT INTO bank_accounts (id, profile_id, position, kind, iban, bban, bic, "
             "masked_pan, name, product, currency, credit_limit) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             a.id, a.profile_id, a.position, a.kind, a.iban, a.bban, a.bic, a.masked_pan, a.name,
             a.product, a.currency, a.credit_limit_minor)
            .run();
        c.query(
             "INSERT INTO bank_balances (account_id, opening_booked, booked_sum, pending_sum, "
             "last_change) VALUES (?, 0, 0, 0, ?)",
             a.id, data.seeded_at)
            .run();
      }
      for (const auto& [account_id, opening] : data.opening_balances) {
        c.query("UPDATE bank_balances SET opening_booked = ? WHERE account_id = ?", opening,
                account_id)
            .run();
      }
      std::int64_t id = next_transaction_id(c);
      for (const auto& t : data.transactions) insert_transaction(c, t, id++);
      // The sums in one pass over each account's rows rather than one update per row.
      c.exec(
          "UPDATE bank_balances SET "
          "booked_sum = coalesce((SELECT sum(amount) FROM bank_transactions t "
          "WHERE t.account_id = bank_balances.account_id AND t.status = 'booked'), 0), "
          "pending_sum = coalesce((SELECT sum(amount) FROM bank_transactions t "
          "WHERE t.account_id = bank_balances.account_id AND t.status = 'pending'), 0)");
    });
  }

  void clear() override {
    db_.write([&](Connection& c) { delete_all(c); });
  }

  std::vector<BankProfile> list_profiles(const std::string& country) override {
    return db_.read([&](Connection& c) {
      static const std::string all =
          fmt::format("SELECT {} FROM bank_profiles ORDER BY country, position", kProfileColumns);
      static const std::string one = fmt::format(
          "SELECT {} FROM bank_profiles WHERE country = ? ORDER BY position", kProfileColumns);
      std::vector<BankProfile> out;
      auto st = country.empty() ? c.prepare(all) : c.query(one, country);
      while (st.step()) out.push_back(profile_from_row(st));
      return out;
    });
  }

  std::optional<BankProfile> find_profile(const std::string& id) override {
    return db_.read([&](Connection& c) -> std::optional<BankProfile> {
      static const std::string sql =
          fmt::format("SELECT {} FROM bank_profiles WHERE id = ?", kProfileColumns);
      auto st = c.query(sql, id);
      if (!st.step()) return std::nullopt;
      return profile_from_row(st);
    });
  }

  std::optional<BankAccount> find_account(const std::string& id) override {
    return db_.read([&](Connection& c) { return account(c, id); });
  }

  std::optional<BankAccount> find_account_by_iban(const std::string& iban) override {
    return db_.read([&](Connection& c) -> std::optional<BankAccount> {
      static const std::string sql = fmt::format(
          "SELECT {} FROM bank_accounts WHERE iban = ? AND kind <> 'card' ORDER BY id LIMIT 1",
          kAccountColumns);
      auto st = c.query(sql, iban);
      if (!st.step()) return std::nullopt;
      return account_from_row(st);
    });
  }

  std::vector<BankAccount> accounts_of_profile(const std::string& profile_id) override {
    return db_.read([&](Connection& c) {
      static const std::string sql =
          fmt::format("SELECT {} FROM bank_accounts WHERE profile_id = ? ORDER BY position, id",
                      kAccountColumns);
      std::vector<BankAccount> out;
      auto st = c.query(sql, profile_id);
      while (st.step()) out.push_back(account_from_row(st));
      return out;
    });
  }

  std::optional<BankBalances> balances(const std::string& account_id) override {
    return db_.read([&](Connection& c) -> std::optional<BankBalances> {
      auto st = c.query(
          "SELECT b.account_id, a.currency, b.opening_booked, b.booked_sum, b.pending_sum, "
          "a.credit_limit, b.last_change FROM bank_balances b "
          "JOIN bank_accounts a ON a.id = b.account_id WHERE b.account_id = ?",
          account_id);
      if (!st.step()) return std::nullopt;
      BankBalances b;
      b.account_id = st.text(0);
      b.currency = st.text(1);
      b.opening_booked_minor = st.integer(2);
      b.booked_sum_minor = st.integer(3);
      b.pending_sum_minor = st.integer(4);
      b.credit_limit_minor = st.integer(5);
      b.last_change = st.time(6);
      b.closing_booked_minor = b.opening_booked_minor + b.booked_sum_minor;
      b.expected_minor = b.closing_booked_minor + b.pending_sum_minor;
      b.interim_booked_minor = b.closing_booked_minor;
      b.interim_available_minor = b.expected_minor + b.credit_limit_minor;
      return b;
    });
  }

  TransactionPage list_transactions(const TransactionQuery& q) override {
    TransactionPage page;
    if (q.limit >= 1 && q.limit <= kMaxPageLimit) {
      page.transactions.reserve(static_cast<std::size_t>(q.limit));
    }
    page.next_cursor = visit_transactions(q, [&](const BankTransactionView& t) {
      page.transactions.push_back(transaction_from_view(t));
    });
    return page;
  }

  std::optional<std::string> visit_transactions(const TransactionQuery& q,
                                                const TransactionVisitor& visit) override {
    if (q.limit < 1 || q.limit > kMaxPageLimit) {
      throw Error(400, codes::kBankLimitInvalid,
                  fmt::format("The page limit must be between 1 and {}", kMaxPageLimit));
    }
    Cursor position;
    bool has_position = false;
    std::string from, to;
    if (q.cursor) {
      position = decode_cursor(*q.cursor);
      has_position = true;
      from = position.from;
      to = position.to;
    } else {
      if (q.from) from = sqlite::format_timestamp(*q.from);
      if (q.to) to = sqlite::format_timestamp(*q.to);
    }
    // Upper bound of the scan, exclusive: `to` (inclusive) is (to, INT64_MAX), ids being
    // smaller; a cursor position below it takes its place. One row-value bound only: given
    // `execution_time <= to` as well, SQLite seeks to `to` and filters the rows down to the
    // position one by one, which costs the number of transactions between them.
    std::string upper_time = to.empty() ? std::string(kMaxStamp) : to;
    std::int64_t upper_id = INT64_MAX;
    if (has_position &&
        std::tie(position.execution_time, position.row_id) < std::tie(upper_time, upper_id)) {
      upper_time = position.execution_time;
      upper_id = position.row_id;
    }
    return db_.read_one_statement([&](Connection& c) -> std::optional<std::string> {
      // One backward range scan of the table's primary key (account_id, execution_time, id)
      // from the upper bound: limit + 1 rows, the last only to learn whether a next page
      // exists.
      static const std::string sql = fmt::format(
          "SELECT {} FROM bank_transactions WHERE account_id = ? AND execution_time >= ? AND "
          "(execution_time, id) < (?, ?) ORDER BY execution_time DESC, id DESC LIMIT ?",
          kPageColumns);
      auto st = c.query(sql, q.account_id, from.empty() ? std::string(kMinStamp) : from, upper_time,
                        upper_id, static_cast<std::int64_t>(q.limit) + 1);
      BankTransactionView view;
      view.account_id = q.account_id;
      std::string last_time;  // of the last row visited, for the cursor
      std::int64_t last_id = 0;
      int visited = 0;
      while (st.step()) {
        if (visited == q.limit) {
          return encode_cursor(Cursor{sqlite::format_timestamp(stored_time(last_time)), last_id,
                                      std::move(from), std::move(to)});
        }
        view_page_row(st, view);
        visit(view);
        last_time.assign(view.execution_time);
        last_id = view.row_id;
        ++visited;
      }
      return std::nullopt;
    });
  }

  std::optional<BankTransaction> find_transaction(const std::string& account_id,
                                                  const std::string& transaction_id) override {
    return db_.read([&](Connection& c) { return transaction(c, account_id, transaction_id); });
  }

  BankTransaction append_transaction(const BankTransaction& t) override {
    check_status(t);
    return db_.write([&](Connection& c) {
      auto a = account(c, t.account_id);
      if (!a) {
        throw Error(404, codes::kStoreNotFound, fmt::format("No account with id {}", t.account_id));
      }
      if (a->currency != t.currency) {
        throw Error(400, codes::kBankCurrencyMismatch,
                    fmt::format("The account {} is in {}, not {}", a->id, a->currency, t.currency));
      }
      if (transaction(c, t.account_id, t.transaction_id)) {
        throw Error(409, codes::kStoreConflict,
                    fmt::format("The account {} has a transaction {} already", t.account_id,
                                t.transaction_id));
      }
      BankTransaction stored = t;
      if (stored.status == "pending") stored.booking_date.clear();
      stored.row_id = next_transaction_id(c);
      insert_transaction(c, stored, stored.row_id);
      const bool booked = stored.status == "booked";
      c.query(booked ? "UPDATE bank_balances SET booked_sum = booked_sum + ?, last_change = ? "
                       "WHERE account_id = ?"
                     : "UPDATE bank_balances SET pending_sum = pending_sum + ?, last_change = ? "
                       "WHERE account_id = ?",
              stored.amount_minor, stored.execution_time, stored.account_id)
          .run();
      return stored;
    });
  }

  BankTransaction book_transaction(const std::string& account_id, const std::string& transaction_id,
                                   TimePoint booked_at) override {
    const std::string day = format_date(booked_at);
    return db_.write([&](Connection& c) {
      auto t = transaction(c, account_id, transaction_id);
      if (!t) {
        throw Error(404, codes::kStoreNotFound,
                    fmt::format("No transaction {} on account {}", transaction_id, account_id));
      }
      if (t->status == "booked") return *t;
      c.query(
           "UPDATE bank_transactions SET status = 'booked', booking_date = ?1, value_date = ?1 "
           "WHERE id = ?2",
           day, t->row_id)
          .run();
      c.query(
           "UPDATE bank_balances SET pending_sum = pending_sum - ?1, booked_sum = booked_sum + ?1, "
           "last_change = max(last_change, ?2) WHERE account_id = ?3",
           t->amount_minor, sqlite::format_timestamp(booked_at), account_id)
          .run();
      t->status = "booked";
      t->booking_date = day;
      t->value_date = day;
      return *t;
    });
  }

  std::optional<std::string> next_booking_due() override {
    return db_.read([](Connection& c) -> std::optional<std::string> {
      // The partial index bank_transactions_due (migration 12): one seek.
      auto st = c.prepare(
          "SELECT min(booking_due) FROM bank_transactions "
          "WHERE status = 'pending' AND booking_due > ''");
      if (!st.step() || st.is_null(0)) return std::nullopt;
      return st.text(0);
    });
  }

  int book_due(TimePoint now) override {
    const std::string today = format_date(now);
    return db_.write([&](Connection& c) {
      struct Due {
        std::string account_id, execution_time, booking_due;
        std::int64_t id = 0, amount = 0;
      };
      std::vector<Due> due;
      {
        auto st = c.query(
            "SELECT account_id, execution_time, id, amount, booking_due FROM bank_transactions "
            "WHERE status = 'pending' AND booking_due > '' AND booking_due <= ?",
            today);
        while (st.step()) {
          due.push_back(Due{st.text(0), st.text(1), st.text(4), st.integer(2), st.integer(3)});
        }
      }
      // Per account: the sum booked and the latest booking day.
      std::map<std::string, std::pair<std::int64_t, std::string>> accounts;
      for (const auto& d : due) {
        // By the primary key; the key itself (execution_time) does not change, so neither
        // does the page order. SQLite recomputes page_fields.
        c.query(
             "UPDATE bank_transactions SET status = 'booked', booking_date = booking_due, "
             "value_date = booking_due WHERE account_id = ? AND execution_time = ? AND id = ?",
             d.account_id, d.execution_time, d.id)
            .run();
        auto& [sum, day] = accounts[d.account_id];
        sum += d.amount;
        day = std::max(day, d.booking_due);
      }
      for (const auto& [account_id, booked] : accounts) {
        auto day = start_of_day_stamp(booked.second);
        c.query(
             "UPDATE bank_balances SET pending_sum = pending_sum - ?1, "
             "booked_sum = booked_sum + ?1, last_change = max(last_change, ?2) "
             "WHERE account_id = ?3",
             booked.first, day, account_id)
            .run();
      }
      return static_cast<int>(due.size());
    });
  }

 private:
  static void delete_all(Connection& c) {
    c.exec(
        "DELETE FROM bank_transactions; DELETE FROM bank_balances; DELETE FROM bank_accounts; "
        "DELETE FROM bank_profiles;");
  }

  static std::optional<BankAccount> account(Connection& c, const std::string& id) {
    static const std::string sql =
        fmt::format("SELECT {} FROM bank_accounts WHERE id = ?", kAccountColumns);
    auto st = c.query(sql, id);
    if (!st.step()) return std::nullopt;
    return account_from_row(st);
  }

  static std::optional<BankTransaction> transaction(Connection& c, const std::string& account_id,
                                                    const std::string& transaction_id) {
    static const std::string sql =
        fmt::format("SELECT {} FROM bank_transactions WHERE account_id = ? AND transaction_id = ?",
                    kTransactionColumns);
    auto st = c.query(sql, account_id, transaction_id);
    if (!st.step()) return std::nullopt;
    return transaction_from_row(st);
  }

  Database& db_;
};

}  // namespace

TimePoint execution_time_of(const BankTransactionView& transaction) {
  return stored_time(transaction.execution_time);
}

std::unique_ptr<BankRepository> make_sqlite_bank_repository(Database& db) {
  return std::make_unique<SqliteBankRepository>(db);
}

}  // namespace sandbank::store
