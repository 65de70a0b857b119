#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <map>
#include <tuple>

#include "core/time_format.hpp"
#include "store/bank_cursor.hpp"
#include "store/codes.hpp"
#include "store/pg/repositories.hpp"
#include "store/sqlite.hpp"
#include "store/string_list.hpp"

namespace sandbank::store::pg {
namespace {

// pg_advisory_xact_lock key of the bank's writers that assign transaction ids or book ("SBBK").
// Ids are max + 1 as in SQLite (increasing with insertion, whatever node inserts), which needs
// the writers in turn; SQLite has them in turn by its single write lock.
constexpr std::int64_t kBankLock = 0x5342424B;

constexpr std::string_view kProfileColumns = "id, name, country, scopes, scenario, position";

BankProfile profile_from_row(const Result& r, int i) {
  return BankProfile{
      r.text(i, 0), r.text(i, 1),
      r.text(i, 2), detail::string_list_from_json(r.text(i, 3), "bank_profiles.scopes"),
      r.text(i, 4), static_cast<int>(r.integer(i, 5))};
}

constexpr std::string_view kAccountColumns =
    "id, profile_id, position, kind, iban, bban, bic, masked_pan, name, product, currency, "
    "credit_limit";

BankAccount account_from_row(const Result& r, int i) {
  BankAccount a;
  a.id = r.text(i, 0);
  a.profile_id = r.text(i, 1);
  a.position = static_cast<int>(r.integer(i, 2));
  a.kind = r.text(i, 3);
  a.iban = r.text(i, 4);
  a.bban = r.text(i, 5);
  a.bic = r.text(i, 6);
  a.masked_pan = r.text(i, 7);
  a.name = r.text(i, 8);
  a.product = r.text(i, 9);
  a.currency = r.text(i, 10);
  a.credit_limit_minor = r.integer(i, 11);
  return a;
}

constexpr std::string_view kTransactionColumns =
    "id, account_id, transaction_id, end_to_end_id, status, execution_time, booking_date, "
    "value_date, amount, currency, creditor_name, creditor_iban, creditor_bic, debtor_name, "
    "debtor_iban, debtor_bic, transaction_type, remittance_unstructured, "
    "remittance_structured, masked_pan, transaction_details, booking_due";

BankTransaction transaction_from_row(const Result& r, int i) {
  BankTransaction t;
  t.row_id = r.integer(i, 0);
  t.account_id = r.text(i, 1);
  t.transaction_id = r.text(i, 2);
  t.end_to_end_id = r.text(i, 3);
  t.status = r.text(i, 4);
  t.execution_time = r.time(i, 5);
  t.booking_date = r.text(i, 6);
  t.value_date = r.text(i, 7);
  t.amount_minor = r.integer(i, 8);
  t.currency = r.text(i, 9);
  t.creditor = {r.text(i, 10), r.text(i, 11), r.text(i, 12)};
  t.debtor = {r.text(i, 13), r.text(i, 14), r.text(i, 15)};
  t.transaction_type = r.text(i, 16);
  t.remittance_unstructured = r.text(i, 17);
  t.remittance_structured = r.text(i, 18);
  t.masked_pan = r.text(i, 19);
  t.transaction_details = r.text(i, 20);
  t.booking_due = r.text(i, 21);
  return t;
}

// Inserts a transaction with the next id, max + 1, computed by the statement.
const std::string& insert_sql() {
  static const std::string sql = fmt::format(
      "INSERT INTO bank_transactions ({}) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM "
      "bank_transactions), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
      "$17, $18, $19, $20, $21) RETURNING id",
      kTransactionColumns);
  return sql;
}

// The same with the id as parameter $1 (replace_all numbers its rows itself: max + 1 per row
// would walk the index entries of the rows it has just deleted, every time).
const std::string& insert_with_id_sql() {
  static const std::string sql = fmt::format(
      "INSERT INTO bank_transactions ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
      "$12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
      kTransactionColumns);
  return sql;
}

void check_status(const BankTransaction& t) {
  if (t.status != "booked" && t.status != "pending") {
    throw Error(400, codes::kBankStatusInvalid,
                fmt::format("A transaction status must be booked or pending, not {}", t.status));
  }
}

Params insert_params(const BankTransaction& t, std::optional<std::int64_t> id = std::nullopt) {
  check_status(t);
  Params p;
  if (id) p.add(*id);
  p.add(t.account_id)
      .add(t.transaction_id)
      .add(t.end_to_end_id)
      .add(t.status)
      .add(t.execution_time)
      .add(t.status == "booked" ? t.booking_date : std::string())
      .add(t.value_date)
      .add(t.amount_minor)
      .add(t.currency)
      .add(t.creditor.name)
      .add(t.creditor.iban)
      .add(t.creditor.bic)
      .add(t.debtor.name)
      .add(t.debtor.iban)
      .add(t.debtor.bic)
      .add(t.transaction_type)
      .add(t.remittance_unstructured)
      .add(t.remittance_structured)
      .add(t.masked_pan)
      .add(t.transaction_details)
      .add(t.booking_due);
  return p;
}

// Inserts with the next id (the caller holds kBankLock); returns the id.
std::int64_t insert_transaction(Connection& c, const BankTransaction& t) {
  return c.query(insert_sql(), insert_params(t)).integer(0, 0);
}

std::int64_t stamp_micros(const std::string& stamp) {
  auto t = sqlite::parse_timestamp(stamp);
  if (!t) {
    throw Error(400, codes::kBankCursorInvalid,
                "The next cursor is not one this server handed out; start again without it");
  }
  return to_micros(*t);
}

// The start (00:00:00Z) of a "YYYY-MM-DD" day, if it is one.
std::optional<std::int64_t> start_of_day(const std::string& day) {
  auto t = sqlite::parse_timestamp(day + "T00:00:00.000000Z");
  if (!t) return std::nullopt;
  return to_micros(*t);
}

void lock_bank(Connection& c) {
  c.run("SELECT pg_advisory_xact_lock($1)", kBankLock);
}

class PgBankRepository final : public BankRepository {
 public:
  explicit PgBankRepository(Database& db) : db_(db) {}

  bool seeded() override {
    return db_.read_one_statement(
        [](Connection& c) { return !c.run("SELECT 1 FROM bank_profiles LIMIT 1").empty(); });
  }

  void replace_all(const BankData& data) override {
    db_.write([&](Connection& c) {
      lock_bank(c);
      delete_all(c);
      for (const auto& p : data.profiles) {
        c.run(
            "INSERT INTO bank_profiles (id, name, country, scopes, scenario, position) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            p.id, p.name, p.country, detail::string_list_to_json(p.scopes), p.scenario, p.position);
      }
      for (const auto& a : data.accounts) {
        c.run(
            "INSERT INTO bank_accounts (id, profile_id, position, kind, iban, bban, bic, "
            "masked_pan, name, product, currency, credit_limit) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            a.id, a.profile_id, a.position, a.kind, a.iban, a.bban, a.bic, a.masked_pan, a.name,
            a.product, a.currency, a.credit_limit_minor);
        c.run(
            "INSERT INTO bank_balances (account_id, opening_booked, booked_sum, pending_sum, "
            "last_change) VALUES ($1, 0, 0, 0, $2)",
            a.id, data.seeded_at);
      }
      for (const auto& [account_id, opening] : data.opening_balances) {
        c.run("UPDATE bank_balances SET opening_booked = $1 WHERE account_id = $2", opening,
              account_id);
      }
      // A seeded history is some 14000 rows: pipelined, a round trip per 256 of them.
      std::int64_t id =
          c.run("SELECT coalesce(max(id), 0) + 1 FROM bank_transactions").integer(0, 0);
      std::vector<Params> rows;
      rows.reserve(data.transactions.size());
      for (const auto& t : data.transactions) rows.push_back(insert_params(t, id++));
      c.pipeline(insert_with_id_sql(), rows);
      c.exec(
          "UPDATE bank_balances b SET booked_sum = s.booked, pending_sum = s.pending FROM "
          "(SELECT account_id, coalesce(sum(amount) FILTER (WHERE status = 'booked'), 0) AS "
          "booked, coalesce(sum(amount) FILTER (WHERE status = 'pending'), 0) AS pending "
          "FROM bank_transactions GROUP BY account_id) s WHERE s.account_id = b.account_id");
    });
  }

  void clear() override {
    db_.write([&](Connection& c) {
      lock_bank(c);
      delete_all(c);
    });
  }

  std::vector<BankProfile> list_profiles(const std::string& country) override {
    static const std::string all =
        fmt::format("SELECT {} FROM bank_profiles ORDER BY country, position", kProfileColumns);
    static const std::string one = fmt::format(
        "SELECT {} FROM bank_profiles WHERE country = $1 ORDER BY position", kProfileColumns);
    return db_.read_one_statement([&](Connection& c) {
      auto r = country.empty() ? c.run(all) : c.run(one, country);
      std::vector<BankProfile> out;
      for (int i = 0; i < r.rows(); ++i) out.push_back(profile_from_row(r, i));
      return out;
    });
  }

  std::optional<BankProfile> find_profile(const std::string& id) override {
    static const std::string sql =
        fmt::format("SELECT {} FROM bank_profiles WHERE id = $1", kProfileColumns);
    return db_.read_one_statement([&](Connection& c) -> std::optional<BankProfile> {
      auto r = c.run(sql, id);
      if (r.empty()) return std::nullopt;
      return profile_from_row(r, 0);
    });
  }

  std::optional<BankAccount> find_account(const std::string& id) override {
    return db_.read_one_statement([&](Connection& c) { return account(c, id); });
  }

  std::optional<BankAccount> find_account_by_iban(const std::string& iban) override {
    static const std::string sql = fmt::format(
        "SELECT {} FROM bank_accounts WHERE iban = $1 AND kind <> 'card' ORDER BY id LIMIT 1",
        kAccountColumns);
    return db_.read_one_statement([&](Connection& c) -> std::optional<BankAccount> {
      auto r = c.run(sql, iban);
      if (r.empty()) return std::nullopt;
      return account_from_row(r, 0);
    });
  }

  std::vector<BankAccount> accounts_of_profile(const std::string& profile_id) override {
    static const std::string sql =
        fmt::format("SELECT {} FROM bank_accounts WHERE profile_id = $1 ORDER BY position, id",
                    kAccountColumns);
    return db_.read_one_statement([&](Connection& c) {
      auto r = c.run(sql, profile_id);
      std::vector<BankAccount> out;
      for (int i = 0; i < r.rows(); ++i) out.push_back(account_from_row(r, i));
      return out;
    });
  }

  std::optional<BankBalances> balances(const std::string& account_id) override {
    return db_.read_one_statement([&](Connection& c) -> std::optional<BankBalances> {
      auto r = c.run(
          "SELECT b.account_id, a.currency, b.opening_booked, b.booked_sum, b.pending_sum, "
          "a.credit_limit, b.last_change FROM bank_balances b JOIN bank_accounts a "
          "ON a.id = b.account_id WHERE b.account_id = $1",
          account_id);
      if (r.empty()) return std::nullopt;
      BankBalances b;
      b.account_id = r.text(0, 0);
      b.currency = r.text(0, 1);
      b.opening_booked_minor = r.integer(0, 2);
      b.booked_sum_minor = r.integer(0, 3);
      b.pending_sum_minor = r.integer(0, 4);
      b.credit_limit_minor = r.integer(0, 5);
      b.last_change = r.time(0, 6);
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
    page.next_cursor = visit_transactions(q, [&](const BankTransactionView& v) {
      BankTransaction t;
      t.row_id = v.row_id;
      t.account_id = v.account_id;
      t.transaction_id = v.transaction_id;
      t.end_to_end_id = v.end_to_end_id;
      t.status = v.status;
      t.execution_time = execution_time_of(v);
      t.booking_date = v.booking_date;
      t.value_date = v.value_date;
      t.amount_minor = v.amount_minor;
      t.currency = v.currency;
      t.creditor = {std::string(v.creditor_name), std::string(v.creditor_iban),
                    std::string(v.creditor_bic)};
      t.debtor = {std::string(v.debtor_name), std::string(v.debtor_iban),
                  std::string(v.debtor_bic)};
      t.transaction_type = v.transaction_type;
      t.remittance_unstructured = v.remittance_unstructured;
      t.remittance_structured = v.remittance_structured;
      t.masked_pan = v.masked_pan;
      t.transaction_details = v.transaction_details;
      page.transactions.push_back(std::move(t));
    });
    return page;
  }

  std::optional<std::string> visit_transactions(const TransactionQuery& q,
                                                const TransactionVisitor& visit) override {
    if (q.limit < 1 || q.limit > kMaxPageLimit) {
      throw Error(400, codes::kBankLimitInvalid,
                  fmt::format("The page limit must be between 1 and {}", kMaxPageLimit));
    }
    detail::Cursor position;
    bool has_position = false;
    std::string from, to;  // stamps, "" = open
    if (q.cursor) {
      position = detail::decode_cursor(*q.cursor);
      has_position = true;
      from = position.from;
      to = position.to;
    } else {
      if (q.from) from = sqlite::format_timestamp(*q.from);
      if (q.to) to = sqlite::format_timestamp(*q.to);
    }
    const std::int64_t lower = from.empty() ? INT64_MIN : stamp_micros(from);
    // Exclusive upper bound (execution_time, id): `to` inclusive is (to, INT64_MAX); a cursor
    // position below it takes its place.
    std::int64_t upper_time = to.empty() ? INT64_MAX : stamp_micros(to);
    std::int64_t upper_id = INT64_MAX;
    if (has_position) {
      const std::int64_t at = stamp_micros(position.execution_time);
      if (std::tie(at, position.row_id) < std::tie(upper_time, upper_id)) {
        upper_time = at;
        upper_id = position.row_id;
      }
    }
    // One backward scan of the primary key (account_id, execution_time, id): limit + 1 rows,
    // the last only to learn whether a next page exists.
    static const std::string sql =
        "SELECT id, execution_time, amount, transaction_id, end_to_end_id, status, "
        "booking_date, value_date, currency, creditor_name, creditor_iban, creditor_bic, "
        "debtor_name, debtor_iban, debtor_bic, transaction_type, remittance_unstructured, "
        "remittance_structured, masked_pan, transaction_details FROM bank_transactions "
        "WHERE account_id = $1 AND execution_time >= $2 AND (execution_time, id) < ($3, $4) "
        "ORDER BY execution_time DESC, id DESC LIMIT $5";
    auto r = db_.read_one_statement([&](Connection& c) {
      return c.run(sql, q.account_id, lower, upper_time, upper_id,
                   static_cast<std::int64_t>(q.limit) + 1);
    });
    BankTransactionView view;
    view.account_id = q.account_id;
    std::string stamp;
    const int shown = std::min(r.rows(), q.limit);
    for (int i = 0; i < shown; ++i) {
      view.row_id = r.integer(i, 0);
      stamp = sqlite::format_timestamp(r.time(i, 1));
      view.execution_time = stamp;
      view.amount_minor = r.integer(i, 2);
      view.transaction_id = r.view(i, 3);
      view.end_to_end_id = r.view(i, 4);
      view.status = r.view(i, 5);
      view.booking_date = r.view(i, 6);
      view.value_date = r.view(i, 7);
      view.currency = r.view(i, 8);
      view.creditor_name = r.view(i, 9);
      view.creditor_iban = r.view(i, 10);
      view.creditor_bic = r.view(i, 11);
      view.debtor_name = r.view(i, 12);
      view.debtor_iban = r.view(i, 13);
      view.debtor_bic = r.view(i, 14);
      view.transaction_type = r.view(i, 15);
      view.remittance_unstructured = r.view(i, 16);
      view.remittance_structured = r.view(i, 17);
      view.masked_pan = r.view(i, 18);
      view.transaction_details = r.view(i, 19);
      visit(view);
    }
    if (r.rows() <= q.limit) return std::nullopt;
    const int last = q.limit - 1;
    return detail::encode_cursor(detail::Cursor{sqlite::format_timestamp(r.time(last, 1)),
                                                r.integer(last, 0), std::move(from),
                                                std::move(to)});
  }

  std::optional<BankTransaction> find_transaction(const std::string& account_id,
                                                  const std::string& transaction_id) override {
    return db_.read_one_statement(
        [&](Connection& c) { return transaction(c, account_id, transaction_id, false); });
  }

  BankTransaction append_transaction(const BankTransaction& t) override {
    check_status(t);
    return db_.write([&](Connection& c) {
      lock_bank(c);
      auto a = account(c, t.account_id);
      if (!a) {
        throw Error(404, codes::kStoreNotFound, fmt::format("No account with id {}", t.account_id));
      }
      if (a->currency != t.currency) {
        throw Error(400, codes::kBankCurrencyMismatch,
                    fmt::format("The account {} is in {}, not {}", a->id, a->currency, t.currency));
      }
      BankTransaction stored = t;
      if (stored.status == "pending") stored.booking_date.clear();
      try {
        stored.row_id = insert_transaction(c, stored);
      } catch (const Error& e) {
        if (e.code() != "store.conflict") throw;
        throw Error(409, codes::kStoreConflict,
                    fmt::format("The account {} has a transaction {} already", t.account_id,
                                t.transaction_id),
                    e.diagnostic());
      }
      const bool booked = stored.status == "booked";
      c.run(booked ? "UPDATE bank_balances SET booked_sum = booked_sum + $1, last_change = $2 "
                     "WHERE account_id = $3"
                   : "UPDATE bank_balances SET pending_sum = pending_sum + $1, last_change = $2 "
                     "WHERE account_id = $3",
            stored.amount_minor, stored.execution_time, stored.account_id);
      return stored;
    });
  }

  BankTransaction book_transaction(const std::string& account_id, const std::string& transaction_id,
                                   TimePoint booked_at) override {
    const std::string day = format_date(booked_at);
    return db_.write([&](Connection& c) {
      // FOR UPDATE: a second booker waits here and then finds it booked.
      auto t = transaction(c, account_id, transaction_id, true);
      if (!t) {
        throw Error(404, codes::kStoreNotFound,
                    fmt::format("No transaction {} on account {}", transaction_id, account_id));
      }
      if (t->status == "booked") return *t;
      c.run(
          "UPDATE bank_transactions SET status = 'booked', booking_date = $1, value_date = $1 "
          "WHERE id = $2",
          day, t->row_id);
      c.run(
          "UPDATE bank_balances SET pending_sum = pending_sum - $1, booked_sum = booked_sum + $1, "
          "last_change = greatest(last_change, $2) WHERE account_id = $3",
          t->amount_minor, booked_at, account_id);
      t->status = "booked";
      t->booking_date = day;
      t->value_date = day;
      return *t;
    });
  }

  std::optional<std::string> next_booking_due() override {
    return db_.read_one_statement([](Connection& c) -> std::optional<std::string> {
      auto r = c.run(
          "SELECT min(booking_due) FROM bank_transactions "
          "WHERE status = 'pending' AND booking_due > ''");
      if (r.empty() || r.is_null(0, 0)) return std::nullopt;
      return r.text(0, 0);
    });
  }

  int book_due(TimePoint now) override {
    const std::string today = format_date(now);
    return db_.write([&](Connection& c) {
      // In turn with other bookers (no deadlock between two of them updating the same rows in
      // different orders); the one that comes second finds them booked.
      lock_bank(c);
      auto r = c.run(
          "UPDATE bank_transactions SET status = 'booked', booking_date = booking_due, "
          "value_date = booking_due WHERE status = 'pending' AND booking_due > '' AND "
          "booking_due <= $1 RETURNING account_id, amount, booking_due",
          today);
      std::map<std::string, std::pair<std::int64_t, std::string>> accounts;
      for (int i = 0; i < r.rows(); ++i) {
        auto& [sum, day] = accounts[r.text(i, 0)];
        sum += r.integer(i, 1);
        day = std::max(day, r.text(i, 2));
      }
      for (const auto& [account_id, booked] : accounts) {
        auto day = start_of_day(booked.second);
        if (day) {
          c.run(
              "UPDATE bank_balances SET pending_sum = pending_sum - $1, "
              "booked_sum = booked_sum + $1, last_change = greatest(last_change, $2) "
              "WHERE account_id = $3",
              booked.first, *day, account_id);
        } else {
          c.run(
              "UPDATE bank_balances SET pending_sum = pending_sum - $1, "
              "booked_sum = booked_sum + $1 WHERE account_id = $2",
              booked.first, account_id);
        }
      }
      return r.rows();
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
        fmt::format("SELECT {} FROM bank_accounts WHERE id = $1", kAccountColumns);
    auto r = c.run(sql, id);
    if (r.empty()) return std::nullopt;
    return account_from_row(r, 0);
  }

  static std::optional<BankTransaction> transaction(Connection& c, const std::string& account_id,
                                                    const std::string& transaction_id,
                                                    bool for_update) {
    static const std::string sql = fmt::format(
        "SELECT {} FROM bank_transactions WHERE account_id = $1 AND transaction_id = $2",
        kTransactionColumns);
    static const std::string locking = sql + " FOR UPDATE";
    auto r = c.run(for_update ? locking : sql, account_id, transaction_id);
    if (r.empty()) return std::nullopt;
    return transaction_from_row(r, 0);
  }

  Database& db_;
};

}  // namespace

std::unique_ptr<BankRepository> make_bank_repository(Database& db) {
  return std::make_unique<PgBankRepository>(db);
}

}  // namespace sandbank::store::pg
