// Long because it is one deterministic generator: the seeded 13-month history of an account
// (recurring salaries, rents, card payments and transfers, their amounts, texts and booking
// days), whose parts draw from one random stream in a fixed order and so stay together.
#include "bank/history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>

#include "bank/iban.hpp"
#include "bank/prng.hpp"

namespace sandbank::bank {
namespace {

using namespace std::chrono;
using store::BankParty;
using store::BankTransaction;

struct OtherBank {
  std::string_view country, code, bic;
};

struct Utility {
  std::string_view name, text;
};

// Names and texts of one country: what its statements look like.
struct Style {
  std::string_view country;
  std::string_view transfer, card, direct_debit, standing_order;
  std::string_view salary, rent, savings_out, savings_in, interest, card_repay, friend_text;
  std::array<std::string_view, 3> employers;
  std::array<std::string_view, 2> landlords;
  std::array<Utility, 3> utilities;  // energy, telecom, insurance
  std::array<std::string_view, 4> supermarkets;
  std::array<std::string_view, 4> shops;
  std::array<std::string_view, 3> cities;
  std::array<std::string_view, 3> friends;
  std::array<OtherBank, 2> banks;
};

constexpr std::array kStyles{
    Style{"NL",
          "Overschrijving",
          "Betaalautomaat",
          "Incasso",
          "Periodieke overschrijving",
          "Salaris {}",
          "Huur {}",
          "Naar Oranje Spaarrekening",
          "Van Betaalrekening",
          "Rente {}",
          "Aflossing creditcard {}",
          "Terugbetaling {}",
          {"Rijkswaterstaat", "Coolblue B.V.", "Gemeente Utrecht"},
          {"Woonstichting De Key", "Vesteda Woningen"},
          {Utility{"Vattenfall Klantenservice N.V.", "Termijnbedrag energie {}"},
           Utility{"KPN B.V.", "Abonnement internet en tv {}"},
           Utility{"Centraal Beheer", "Premie verzekeringen {}"}},
          {"Albert Heijn 1403", "Jumbo Supermarkten", "Lidl 0412", "PLUS Marktplein"},
          {"HEMA", "Bol.com", "NS Reizigers", "Shell Station A2"},
          {"AMSTERDAM", "UTRECHT", "ROTTERDAM"},
          {"M. de Vries", "S. Jansen", "L. Bakker"},
          {OtherBank{"NL", "ABNA", "ABNANL2A"}, OtherBank{"NL", "RABO", "RABONL2U"}}},
    Style{"BE",
          "Overschrijving",
          "Betaling met bankkaart",
          "Domiciliëring",
          "Doorlopende opdracht",
          "Loon {}",
          "Huur {}",
          "Naar spaarrekening",
          "Van zichtrekening",
          "Interest {}",
          "Afrekening kredietkaart {}",
          "Terugbetaling {}",
          {"Proximus NV", "Colruyt Group", "Stad Gent"},
          {"Immo Vandenberghe", "Woonhaven Antwerpen"},
          {Utility{"Engie Electrabel", "Voorschot energie {}"},
           Utility{"Telenet BV", "Factuur internet {}"},
           Utility{"AG Insurance", "Premie verzekering {}"}},
          {"Colruyt Gent", "Delhaize Leuven", "Aldi 231", "Carrefour Market"},
          {"Kruidvat", "NMBS/SNCB", "Decathlon", "Q8 Station"},
          {"GENT", "ANTWERPEN", "LEUVEN"},
          {"E. Claes", "T. Wouters", "N. Maes"},
          {OtherBank{"BE", "001", "GEBABEBB"}, OtherBank{"BE", "734", "KREDBEBB"}}},
    Style{"DE",
          "Überweisung",
          "Kartenzahlung",
          "Lastschrift",
          "Dauerauftrag",
          "Gehalt {}",
          "Miete {}",
          "Umbuchung auf Extra-Konto",
          "Umbuchung vom Girokonto",
          "Zinsen {}",
          "Kreditkartenabrechnung {}",
          "Rückzahlung {}",
          {"Siemens AG", "Deutsche Bahn AG", "Stadtwerke München GmbH"},
          {"Vonovia SE", "Hausverwaltung Keller"},
          {Utility{"E.ON Energie Deutschland", "Abschlag Strom {}"},
           Utility{"Telekom Deutschland GmbH", "Rechnung Festnetz {}"},
           Utility{"HUK-COBURG", "Beitrag Versicherung {}"}},
          {"REWE Markt", "EDEKA Center", "ALDI SUED", "Lidl Dienstleistung"},
          {"dm-drogerie markt", "Amazon EU", "DB Vertrieb", "Aral Tankstelle"},
          {"FRANKFURT", "MUENCHEN", "BERLIN"},
          {"K. Wagner", "J. Becker", "S. Hoffmann"},
          {OtherBank{"DE", "37040044", "COBADEFFXXX"}, OtherBank{"DE", "10070000", "DEUTDEBBXXX"}}},
    Style{"AT",
          "Überweisung",
          "Bezahlung Karte",
          "Lastschrift",
          "Dauerauftrag",
          "Gehalt {}",
          "Miete {}",
          "Umbuchung auf Sparkonto",
          "Umbuchung vom Girokonto",
          "Zinsen {}",
          "Kreditkartenabrechnung {}",
          "Rückzahlung {}",
          {"voestalpine AG", "ÖBB-Personenverkehr AG", "Stadt Wien"},
          {"Wiener Wohnen", "Hausverwaltung Gruber"},
          {Utility{"Wien Energie GmbH", "Teilbetrag Strom {}"},
           Utility{"A1 Telekom Austria AG", "Rechnung Internet {}"},
           Utility{"UNIQA Versicherungen AG", "Prämie {}"}},
          {"BILLA", "SPAR", "HOFER", "Merkur Markt"},
          {"dm drogerie", "Amazon EU", "ÖBB Ticketshop", "OMV Tankstelle"},
          {"WIEN", "GRAZ", "LINZ"},
          {"M. Gruber", "A. Huber", "P. Bauer"},
          {OtherBank{"AT", "20111", "GIBAATWWXXX"}, OtherBank{"AT", "12000", "BKAUATWWXXX"}}},
    Style{"ES",
          "Transferencia",
          "Pago con tarjeta",
          "Recibo",
          "Transferencia periódica",
          "Nómina {}",
          "Alquiler {}",
          "Traspaso a Cuenta NARANJA",
          "Traspaso desde Cuenta NÓMINA",
          "Intereses {}",
          "Liquidación tarjeta {}",
          "Devolución {}",
          {"Telefónica de España SAU", "Mercadona SA", "Ayuntamiento de Madrid"},
          {"Inmobiliaria Goya SL", "Alquileres Levante SL"},
          {Utility{"Iberdrola Clientes SAU", "Factura luz {}"},
           Utility{"Movistar", "Factura fibra y móvil {}"},
           Utility{"Mapfre Seguros", "Recibo seguro {}"}},
          {"Mercadona", "Carrefour Express", "DIA", "Lidl Supermercados"},
          {"El Corte Inglés", "Renfe Viajeros", "Zara", "Repsol"},
          {"MADRID", "BARCELONA", "VALENCIA"},
          {"P. Navarro", "C. Torres", "A. Ramos"},
          {OtherBank{"ES", "00490001", "BSCHESMMXXX"}, OtherBank{"ES", "21000418", "CAIXESBBXXX"}}},
    Style{"RO",
          "Transfer",
          "Plata card",
          "Debit direct",
          "Ordin de plată programat",
          "Salariu {}",
          "Chirie {}",
          "Transfer în Cont de Economii",
          "Transfer din Cont Curent",
          "Dobândă {}",
          "Rambursare card de credit {}",
          "Returnare {}",
          {"Dacia Automobile SA", "Orange Romania SA", "Primaria Municipiului Cluj"},
          {"Imobiliare Nord SRL", "Rezidential Parc SRL"},
          {Utility{"Enel Energie Muntenia", "Factura energie {}"},
           Utility{"Digi Romania SA", "Abonament internet {}"},
           Utility{"Allianz-Tiriac Asigurari", "Prima asigurare {}"}},
          {"Kaufland", "Mega Image", "Lidl Romania", "Carrefour Market"},
          {"eMAG", "CFR Calatori", "Dedeman", "OMV Petrom"},
          {"BUCURESTI", "CLUJ-NAPOCA", "IASI"},
          {"A. Popa", "M. Stan", "D. Dumitru"},
          {OtherBank{"RO", "BTRL", "BTRLRO22"}, OtherBank{"RO", "RNCB", "RNCBROBU"}}},
    Style{"LU",
          "Virement",
          "Paiement par carte",
          "Domiciliation",
          "Ordre permanent",
          "Salaire {}",
          "Loyer {}",
          "Vers compte épargne",
          "Du compte courant",
          "Intérêts {}",
          "Décompte carte de crédit {}",
          "Remboursement {}",
          {"ArcelorMittal SA", "Cactus SA", "Ville de Luxembourg"},
          {"Immobilière Kirchberg", "Agence Schroeder"},
          {Utility{"Enovos Luxembourg SA", "Acompte électricité {}"},
           Utility{"POST Luxembourg", "Facture internet {}"},
           Utility{"Foyer Assurances", "Prime assurance {}"}},
          {"Cactus Bereldange", "Delhaize Luxembourg", "Aldi Strassen", "Auchan Kirchberg"},
          {"Smatch", "CFL Billets", "Decathlon", "Aral Station"},
          {"LUXEMBOURG", "ESCH-SUR-ALZETTE", "DIFFERDANGE"},
          {"C. Hoffmann", "P. Muller", "J. Wagner"},
          {OtherBank{"LU", "001", "BCEELULL"}, OtherBank{"LU", "002", "BILLLULL"}}},
    Style{"IT",
          "Bonifico",
          "Pagamento carta",
          "Addebito diretto",
          "Bonifico periodico",
          "Stipendio {}",
          "Affitto {}",
          "Giroconto verso Conto Arancio",
          "Giroconto da Conto Corrente",
          "Interessi {}",
          "Saldo carta di credito {}",
          "Rimborso {}",
          {"Eni SpA", "Poste Italiane SpA", "Comune di Milano"},
          {"Immobiliare Navigli Srl", "Gestioni Casa Srl"},
          {Utility{"Enel Energia SpA", "Bolletta luce {}"}, Utility{"TIM SpA", "Fattura fibra {}"},
           Utility{"Generali Italia", "Premio assicurazione {}"}},
          {"Esselunga", "Coop Lombardia", "Conad", "Carrefour Express"},
          {"Trenitalia", "Feltrinelli", "Zara", "Q8 Stazione"},
          {"MILANO", "ROMA", "TORINO"},
          {"L. Ferrari", "G. Esposito", "S. Colombo"},
          {OtherBank{"IT", "0306909606", "BCITITMMXXX"},
           OtherBank{"IT", "0200801600", "UNCRITMMXXX"}}},
    Style{"WB",
          "Sepa Credit Transfer",
          "Card Payment",
          "Sepa Direct Debit",
          "Standing Order",
          "Payroll {}",
          "Office rent {}",
          "Transfer to deposit",
          "Transfer from current account",
          "Interest {}",
          "Corporate card settlement {}",
          "Refund {}",
          {"Global Foods B.V.", "Harbour Freight Ltd", "Nordic Retail AB"},
          {"Zuidas Offices B.V.", "Port Warehousing N.V."},
          {Utility{"Eneco Zakelijk B.V.", "Energy {}"}, Utility{"Vodafone Business", "Telecom {}"},
           Utility{"Allianz Benelux", "Insurance premium {}"}},
          {"Makro Cash and Carry", "Sligro Food Group", "Hanos", "Bidfood"},
          {"KLM Royal Dutch Airlines", "Hilton Hotels", "Uber BV", "Amazon Business"},
          {"AMSTERDAM", "ROTTERDAM", "LONDON"},
          {"Blue Harbor Ltd", "Van Leeuwen Transport B.V.", "Alpine Parts GmbH"},
          {OtherBank{"NL", "ABNA", "ABNANL2A"}, OtherBank{"GB", "NWBK601613", "NWBKGB2L"}}},
};

const Style& style_for(std::string_view country) {
  for (const auto& s : kStyles) {
    if (s.country == country) return s;
  }
  return kStyles.back();
}

BankParty counterparty(std::string_view name, const Style& style, Prng& rng) {
  const OtherBank& bank = style.banks[fnv1a(name) % style.banks.size()];
  (void)rng;
  return BankParty{std::string(name),
                   make_iban(bank.country, bank.code, fnv1a(name) ^ 0x5A5A5A5AULL),
                   std::string(bank.bic)};
}

// Scale of everyday amounts in a currency relative to EUR.
std::int64_t scale(std::string_view currency) {
  return currency == "RON" ? 5 : 1;
}

std::string month_label(year_month_day d) {
  return fmt::format("{:02d}-{}", static_cast<unsigned>(d.month()), static_cast<int>(d.year()));
}

// An ISO 11649 creditor reference ("RF" + check digits + reference).
std::string creditor_reference(std::string_view reference) {
  std::string digits;
  for (char c : std::string(reference) + "RF00") {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else {
      digits += std::to_string(c - 'A' + 10);
    }
  }
  int r = 0;
  for (char c : digits) r = (r * 10 + (c - '0')) % 97;
  return fmt::format("RF{:02d}{}", 98 - r, reference);
}

struct Event {
  BankTransaction t;
  sys_days booking;  // planned booking day
  std::size_t account = 0;
  std::uint64_t sequence = 0;
};

class Generator {
 public:
  Generator(const ProfileSpec& profile, std::uint64_t seed, TimePoint today)
      : profile_(profile),
        style_(style_for(profile.country)),
        rng_(derive_seed(seed, "sandbank-profile:" + profile.id)),
        now_(today),
        today_(floor<days>(today)) {
    year_month_day t{today_};
    year_month first = year_month{t.year(), t.month()} - months{kHistoryMonths + 1};
    start_ = sys_days{first / day{1}};
  }

  ProfileHistory run(int position) {
    ProfileHistory out;
    for (std::size_t i = 0; i < profile_.accounts.size(); ++i) {
      const auto& spec = profile_.accounts[i];
      store::BankAccount a;
      a.id = spec.id;
      a.profile_id = profile_.id;
      a.position = static_cast<int>(i);
      a.kind = spec.kind;
      a.iban = spec.iban;
      a.bban = spec.iban.size() > 4 ? spec.iban.substr(4) : std::string();
      a.bic = spec.bic;
      a.masked_pan = spec.masked_pan;
      a.name = spec.name;
      a.product = spec.product;
      a.currency = spec.currency;
      a.credit_limit_minor = spec.credit_limit_minor;
      out.accounts.push_back(std::move(a));
    }
    (void)position;
    // Cards first: their monthly totals decide the repayments from current accounts.
    for (std::size_t i = 0; i < profile_.accounts.size(); ++i) {
      if (profile_.accounts[i].activity == "card") card_activity(i);
    }
    for (std::size_t i = 0; i < profile_.accounts.size(); ++i) {
      const auto& a = profile_.accounts[i].activity;
      if (a == "salary") salary_activity(i);
      if (a == "business") business_activity(i);
      if (a == "foreign") foreign_activity(i);
      if (a == "savings") savings_activity(i);
      if (a == "quiet") quiet_activity(i);
    }
    std::stable_sort(events_.begin(), events_.end(), [](const Event& a, const Event& b) {
      if (a.t.execution_time != b.t.execution_time) return a.t.execution_time < b.t.execution_time;
      return a.sequence < b.sequence;
    });

    std::vector<std::int64_t> booked(profile_.accounts.size(), 0);
    std::vector<std::uint64_t> counters(profile_.accounts.size(), 0);
    for (auto& e : events_) {
      if (e.t.execution_time > now_) continue;
      auto& t = e.t;
      t.account_id = profile_.accounts[e.account].id;
      t.currency = profile_.accounts[e.account].currency;
      const std::string exec_date = format_day(floor<days>(t.execution_time));
      if (e.booking > today_) {
        t.status = "pending";
        t.booking_date.clear();
        t.value_date = exec_date;
        t.booking_due = format_day(e.booking);  // booked then (bank/bookings.hpp)
      } else {
        t.status = "booked";
        t.booking_date = format_day(e.booking);
        t.value_date = t.booking_date;
        booked[e.account] += t.amount_minor;
      }
      std::uint64_t n = ++counters[e.account];
      t.transaction_id = fmt::format("{}{:06d}{:010d}", compact(exec_date), n,
                                     fnv1a(t.account_id) % 10000000000ULL);
      out.transactions.push_back(std::move(t));
    }
    for (std::size_t i = 0; i < profile_.accounts.size(); ++i) {
      const auto& spec = profile_.accounts[i];
      std::int64_t opening = spec.balance_minor ? *spec.balance_minor - booked[i] : 0;
      out.opening_balances.emplace_back(spec.id, opening);
    }
    return out;
  }

 private:
  static std::string format_day(sys_days d) {
    year_month_day ymd{d};
    return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  }
  static std::string compact(const std::string& date) {
    std::string out;
    for (char c : date) {
      if (c != '-') out.push_back(c);
    }
    return out;
  }

  const store::BankParty holder(std::size_t account) const {
    const auto& a = profile_.accounts[account];
    return BankParty{a.name, a.iban, a.bic};
  }

  TimePoint at(sys_days d, int hour_lo, int hour_hi) {
    auto secs = rng_.between(hour_lo * 3600, hour_hi * 3600 - 1);
    return TimePoint(d) + seconds(secs);
  }

  static bool weekend(sys_days d) {
    weekday w{d};
    return w == Saturday || w == Sunday;
  }
  // The business day on or before d.
  static sys_days business_day_before(sys_days d) {
    while (weekend(d)) d -= days{1};
    return d;
  }
  static sys_days business_day_after(sys_days d) {
    while (weekend(d)) d += days{1};
    return d;
  }

  Event& add(std::size_t account, TimePoint when, sys_days booking, std::int64_t amount,
             const BankParty& other, std::string_view type, std::string remittance) {
    Event e;
    e.account = account;
    e.booking = booking;
    e.sequence = sequence_++;
    e.t.execution_time = when;
    e.t.amount_minor = amount;
    e.t.transaction_type = std::string(type);
    e.t.remittance_unstructured = std::move(remittance);
    e.t.end_to_end_id = "NOTPROVIDED";
    if (amount < 0) {
      e.t.debtor = holder(account);
      e.t.creditor = other;
    } else {
      e.t.creditor = holder(account);
      e.t.debtor = other;
    }
    events_.push_back(std::move(e));
    return events_.back();
  }

  std::string end_to_end(std::string_view prefix) {
    return fmt::format("{}{:012d}", prefix, rng_.next() % 1000000000000ULL);
  }

  void card_payment(std::size_t account, sys_days d, std::int64_t lo, std::int64_t hi,
                    bool grocery) {
    const auto& a = profile_.accounts[account];
    std::string merchant(grocery ? style_.supermarkets[rng_.pick(4)] : style_.shops[rng_.pick(4)]);
    std::string city(style_.cities[rng_.pick(3)]);
    std::int64_t amount = -rng_.between(lo, hi) * scale(a.currency);
    TimePoint when = at(d, 8, 21);
    sys_days booking = business_day_after(d + days{rng_.between(1, 2)});
    std::string details = fmt::format("{} {}", merchant, city);
    auto& e = add(account, when, booking, amount, BankParty{merchant, "", ""}, style_.card,
                  fmt::format("{} {}", details, format_day(d)));
    e.t.masked_pan = a.masked_pan.empty() ? std::string() : a.masked_pan;
    e.t.transaction_details = details;
  }

  // Everyday life on a current account: salary, rent, bills, shopping, savings, friends.
  void salary_activity(std::size_t account) {
    const auto& a = profile_.accounts[account];
    const std::int64_t k = scale(a.currency);
    const bool many = profile_.scenario == "many_transactions";
    const std::string employer(style_.employers[rng_.pick(3)]);
    const std::string landlord(style_.landlords[rng_.pick(2)]);
    const std::int64_t salary = rng_.between(2400, 4800) * 100 * k;
    const std::int64_t rent = rng_.between(750, 1500) * 100 * k;
    std::optional<std::size_t> savings;
    for (std::size_t j = 0; j < profile_.accounts.size(); ++j) {
      const auto& other = profile_.accounts[j];
      if (other.kind == "savings" && other.currency == a.currency && !savings) savings = j;
    }
    for (sys_days d = start_; d <= today_; d += days{1}) {
      year_month_day ymd{d};
      const unsigned dom = static_cast<unsigned>(ymd.day());
      const std::string month = month_label(ymd);
      if (d == business_day_before(sys_days{ymd.year() / ymd.month() / day{25}})) {
        auto& e = add(account, TimePoint(d) + hours(5) + minutes(rng_.between(0, 59)), d,
                      salary + rng_.between(0, 5) * 1000 * k, counterparty(employer, style_, rng_),
                      style_.transfer, fmt::format(fmt::runtime(style_.salary), month));
        e.t.end_to_end_id = end_to_end("SAL");
      }
      if (dom == 1) {
        auto& e = add(account, at(d, 6, 9), business_day_after(d), -rent,
                      counterparty(landlord, style_, rng_), style_.standing_order,
                      fmt::format(fmt::runtime(style_.rent), month));
        e.t.end_to_end_id = end_to_end("SO");
      }
      static constexpr std::array<unsigned, 3> kBillDays{6, 18, 12};
      static constexpr std::array<std::pair<int, int>, 3> kBillRange{
          {{85, 180}, {35, 65}, {70, 140}}};
      for (std::size_t u = 0; u < 3; ++u) {
        if (dom != kBillDays[u]) continue;
        const auto& util = style_.utilities[u];
        std::int64_t amount =
            -(rng_.between(kBillRange[u].first * 100, kBillRange[u].second * 100)) * k;
        auto& e = add(account, at(d, 4, 7), business_day_after(d), amount,
                      counterparty(util.name, style_, rng_), style_.direct_debit,
                      fmt::format(fmt::runtime(util.text), month));
        e.t.end_to_end_id = end_to_end("DD");
        e.t.remittance_structured = creditor_reference(fmt::format(
            "{}{:06d}", compact(format_day(d)).substr(0, 6), fnv1a(util.name) % 1000000));
      }
      const int rounds = many ? 4 : 1;
      for (int r = 0; r < rounds; ++r) {
        if (rng_.chance(40)) card_payment(account, d, 8, 95, true);
        if (rng_.chance(22)) card_payment(account, d, 4, 120, false);
      }
      if (rng_.chance(5)) {
        std::string who(style_.friends[rng_.pick(3)]);
        auto& e = add(account, at(d, 9, 22), d, rng_.between(500, 8000) * k,
                      counterparty(who, style_, rng_), style_.transfer,
                      fmt::format(fmt::runtime(style_.friend_text), format_day(d)));
        e.t.end_to_end_id = end_to_end("E2E");
      }
      if (savings && dom == 26)
        own_transfer(account, *savings, d, rng_.between(100, 500) * 100 * k, style_.savings_out,
                     style_.savings_in);
      if (dom == 3) repay_cards(account, d);
    }
  }

  void own_transfer(std::size_t from, std::size_t to, sys_days d, std::int64_t amount,
                    std::string_view text_out, std::string_view text_in) {
    TimePoint when = at(d, 7, 20);
    std::string e2e = end_to_end("OWN");
    auto& out = add(from, when, d, -amount, holder(to), style_.transfer, std::string(text_out));
    out.t.end_to_end_id = e2e;
    auto& in = add(to, when, d, amount, holder(from), style_.transfer, std::string(text_in));
    in.t.end_to_end_id = e2e;
  }

  // Card accounts settled on `account`: the previous month's purchases, repaid on the 3rd.
  void repay_cards(std::size_t account, sys_days d) {
    for (std::size_t c = 0; c < profile_.accounts.size(); ++c) {
      const auto& card = profile_.accounts[c];
      if (card.kind != "card" || card.settlement_account != profile_.accounts[account].id) continue;
      year_month_day ymd{d};
      year_month previous = year_month{ymd.year(), ymd.month()} - months{1};
      auto it =
          card_spend_.find({c, static_cast<int>(previous.year()) * 100 +
                                   static_cast<int>(static_cast<unsigned>(previous.month()))});
      if (it == card_spend_.end() || it->second == 0) continue;
      std::string text =
          fmt::format(fmt::runtime(style_.card_repay),
                      fmt::format("{:02d}-{}", static_cast<unsigned>(previous.month()),
                                  static_cast<int>(previous.year())));
      own_transfer(account, c, business_day_after(d), it->second, text, text);
    }
  }

  void card_activity(std::size_t account) {
    const int per_day = profile_.scenario == "many_transactions" ? 70 : 35;
    for (sys_days d = start_; d <= today_; d += days{1}) {
      if (!rng_.chance(per_day)) continue;
      card_payment(account, d, 5, 180, rng_.chance(30));
      const auto& e = events_.back();
      year_month_day ymd{e.booking};
      card_spend_[{account, static_cast<int>(ymd.year()) * 100 +
                                static_cast<int>(static_cast<unsigned>(ymd.month()))}] -=
          e.t.amount_minor;
    }
  }

  void foreign_activity(std::size_t account) {
    const auto& a = profile_.accounts[account];
    const std::string payer(style_.friends[rng_.pick(3)]);
    for (sys_days d = start_; d <= today_; d += days{1}) {
      year_month_day ymd{d};
      if (static_cast<unsigned>(ymd.day()) == 10) {
        BankParty from{"Harbour Freight Ltd", make_iban("GB", "NWBK601613", fnv1a(payer)),
                       "NWBKGB2L"};
        auto& e =
            add(account, at(d, 9, 16), business_day_after(d), rng_.between(300, 1500) * 100, from,
                style_.transfer, fmt::format("Invoice {} {}", a.currency, month_label(ymd)));
        e.t.end_to_end_id = end_to_end("FX");
      }
      if (rng_.chance(8)) card_payment(account, d, 10, 90, false);
    }
  }

  void savings_activity(std::size_t account) {
    for (sys_days d = start_; d <= today_; d += days{1}) {
      year_month_day ymd{d};
      if (ymd == year_month_day{ymd.year() / ymd.month() / last}) {
        auto& e = add(account, TimePoint(d) + hours(23), d, rng_.between(150, 1500),
                      BankParty{"ING", "", profile_.accounts[account].bic}, style_.transfer,
                      fmt::format(fmt::runtime(style_.interest), month_label(ymd)));
        e.t.end_to_end_id = "NOTPROVIDED";
      }
    }
  }

  void quiet_activity(std::size_t account) {
    for (sys_days d = start_; d <= today_; d += days{1}) {
      if (!rng_.chance(3)) continue;
      std::string who(style_.friends[rng_.pick(3)]);
      add(account, at(d, 9, 20), d, rng_.between(-5000, 8000), counterparty(who, style_, rng_),
          style_.transfer, fmt::format(fmt::runtime(style_.friend_text), format_day(d)));
    }
  }

  // Wholesale banking: customers paying invoices, suppliers, payroll, fees.
  void business_activity(std::size_t account) {
    int invoice = 1000;
    for (sys_days d = start_; d <= today_; d += days{1}) {
      year_month_day ymd{d};
      if (weekend(d)) continue;
      if (rng_.chance(55)) {
        std::string who(style_.friends[rng_.pick(3)]);
        auto& e = add(account, at(d, 7, 18), d, rng_.between(500, 25000) * 100,
                      counterparty(who, style_, rng_), style_.transfer,
                      fmt::format("Invoice {}-{}", static_cast<int>(ymd.year()), ++invoice));
        e.t.end_to_end_id = end_to_end("INV");
        e.t.remittance_structured = creditor_reference(fmt::format("{}", invoice));
      }
      if (rng_.chance(35)) {
        std::string who(style_.employers[rng_.pick(3)]);
        auto& e = add(account, at(d, 7, 18), d, -rng_.between(300, 15000) * 100,
                      counterparty(who, style_, rng_), style_.transfer,
                      fmt::format("Purchase order PO-{:06d}", rng_.between(1, 999999)));
        e.t.end_to_end_id = end_to_end("PO");
      }
      if (d == business_day_before(sys_days{ymd.year() / ymd.month() / day{25}})) {
        auto& e = add(account, at(d, 6, 8), d, -rng_.between(20000, 60000) * 100,
                      BankParty{"Salarissen batch", "", ""}, style_.transfer,
                      fmt::format(fmt::runtime(style_.salary), month_label(ymd)));
        e.t.end_to_end_id = end_to_end("PAY");
      }
      if (static_cast<unsigned>(ymd.day()) <= 3 &&
          d == business_day_after(sys_days{ymd.year() / ymd.month() / day{1}})) {
        add(account, at(d, 1, 3), d, -rng_.between(2500, 6000),
            BankParty{"ING Bank N.V.", "", profile_.accounts[account].bic}, style_.direct_debit,
            fmt::format("Account fees {}", month_label(ymd)));
      }
    }
  }

  const ProfileSpec& profile_;
  const Style& style_;
  Prng rng_;
  TimePoint now_;
  sys_days today_;
  sys_days start_;
  std::vector<Event> events_;
  std::uint64_t sequence_ = 0;
  std::map<std::pair<std::size_t, int>, std::int64_t> card_spend_;  // (card, yyyymm) → spend
};

}  // namespace

std::string date_of(TimePoint t) {
  year_month_day ymd{floor<days>(t)};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

ProfileHistory generate_profile(const ProfileSpec& profile, int position, std::uint64_t seed,
                                TimePoint today) {
  return Generator(profile, seed, today).run(position);
}

store::BankData generate_bank(const Profiles& profiles, std::uint64_t seed, TimePoint today) {
  store::BankData data;
  data.seeded_at = today;
  std::map<std::string, int> positions;
  for (const auto& p : profiles.profiles) {
    int position = positions[p.country]++;
    data.profiles.push_back(
        store::BankProfile{p.id, p.name, p.country, p.scopes, p.scenario, position});
    auto history = generate_profile(p, position, seed, today);
    for (auto& a : history.accounts) data.accounts.push_back(std::move(a));
    for (auto& o : history.opening_balances) data.opening_balances.push_back(std::move(o));
    for (auto& t : history.transactions) data.transactions.push_back(std::move(t));
  }
  return data;
}

}  // namespace sandbank::bank
