// The verifiers' success paths take shortcuts: the signing string built in one pass, the
// guide's IMF-fixdate parsed without a detour, a plain Digest header used in place, quoted
// parameter values copied whole, ASCII case folding. Each must give what the general path gives.

#include <gtest/gtest.h>

#include <chrono>

#include "core/time_format.hpp"
#include "signing/ascii.hpp"
#include "signing/troubleshoot.hpp"
#include "signing_test_support.hpp"

namespace sandbank::signing {
namespace {

using testing::t0;

// ---------------------------------------------------------------------------------------------
// Signing string in one pass

Message varied_request() {
  Message m;
  m.method = "PoSt";
  m.target = "https://api.example.com/v3/payments?b=2&a=%20";
  m.add("Host", " api.example.com\t");
  m.add("DATE", "Tue, 24 Nov 2026 10:00:00 GMT");
  m.add("digest", "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  m.add("X-Example", "Example header\r\n    with some whitespace.");
  m.add("x-example", "second\n\tfolded");
  m.add("X-Empty", "");
  m.add("Cache-Control", "max-age=60");
  m.add("cache-control", " must-revalidate ");
  return m;
}

TEST(SigningStringOnePass, EqualsTheLinesJoined) {
  Message m = varied_request();
  const std::optional<std::string> created = "1402170695";
  const std::optional<std::string> expires = "1402170699.5";
  const std::vector<std::vector<std::string>> lists = {
      {"(request-target)", "date", "digest"},
      {"(request-target)", "(created)", "(expires)", "host", "date", "cache-control", "x-empty",
       "x-example"},
      {"Date", "DIGEST", "(Request-Target)", "(CREATED)", "X-Example"},
      {"digest"},
      {"host", "host", "(request-target)", "(request-target)"},
  };
  for (const auto& names : lists) {
    std::string missing;
    auto built = detail::build_lines(m.view(), names, created, expires, &missing);
    ASSERT_TRUE(missing.empty());
    std::string out = "kept|";
    std::string missing2;
    ASSERT_TRUE(detail::append_signing_string(m.view(), names, created, expires, out, &missing2));
    EXPECT_EQ(out, "kept|" + built.joined());
    EXPECT_TRUE(missing2.empty());
  }
}

TEST(SigningStringOnePass, ReportsTheFirstAbsentNameAsBuildLinesDoes) {
  Message m = varied_request();
  const std::vector<std::vector<std::string>> lists = {
      {"(request-target)", "X-Absent", "date", "other-absent"},
      {"(created)", "date"},
      {"date", "(EXPIRES)"},
  };
  for (const auto& names : lists) {
    std::string missing;
    detail::build_lines(m.view(), names, std::nullopt, std::nullopt, &missing);
    ASSERT_FALSE(missing.empty());
    std::string out;
    std::string missing2;
    EXPECT_FALSE(
        detail::append_signing_string(m.view(), names, std::nullopt, std::nullopt, out, &missing2));
    EXPECT_EQ(missing2, missing);
  }
  // build_signing_string names it in its error as before.
  std::vector<std::string> names = {"(request-target)", "X-Absent"};
  try {
    build_signing_string(m.view(), names);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "signature.header_absent");
    EXPECT_EQ(e.message(), "The header x-absent is listed for signing but absent from the request");
  }
}

// ---------------------------------------------------------------------------------------------
// IMF-fixdate

// Wherever the one-pass parser gives a time, parse_http_date gives the same one. (Only then is
// parse_http_date asked: for years a TimePoint cannot hold its arithmetic overflows.)
void expect_agrees(const std::string& s) {
  auto fast = detail::parse_imf_fixdate(s);
  if (!fast) return;
  auto full = parse_http_date(s);
  ASSERT_TRUE(full) << s;
  EXPECT_EQ(*fast, full->time) << s;
  EXPECT_EQ(full->format, HttpDateFormat::ImfFixdate) << s;
}

TEST(ImfFixdate, EveryFormattedTimeParsesToItselfInOnePass) {
  // A stride of a week and 13 s over the years it reads (1700..2200) and every day around now
  // hit every weekday, month, leap year and century rule.
  const auto from = std::chrono::seconds(-8'520'336'000LL);  // 1700-01-01
  const auto to = std::chrono::seconds(7'289'654'400LL);     // 2201-01-01
  for (auto s = from; s < to; s += std::chrono::seconds(86'399 * 7 + 13)) {
    TimePoint t(s);
    std::string text = format_imf_fixdate(t);
    auto fast = detail::parse_imf_fixdate(text);
    ASSERT_TRUE(fast) << text;
    EXPECT_EQ(*fast, t) << text;
    expect_agrees(text);
  }
  for (int d = -800; d <= 800; ++d) {
    TimePoint t = t0() + std::chrono::hours(24 * d) + std::chrono::seconds(d * 37 % 86400);
    std::string text = format_imf_fixdate(t);
    ASSERT_EQ(detail::parse_imf_fixdate(text), t) << text;
  }
}

TEST(ImfFixdate, NeverAcceptsWhatTheFullParserRefusesOrReadsOtherwise) {
  std::vector<std::string> samples = {
      "Tue, 24 Nov 2026 10:00:00 GMT", "Sun, 29 Feb 2032 23:59:60 GMT",
      "Sat, 01 Jan 0000 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT",
      "Fri, 01 Jan 1700 00:00:00 GMT", "Wed, 31 Dec 2200 23:59:59 GMT",
      "Tue, 29 Feb 2000 12:00:00 GMT", "Mon, 01 Mar 2100 00:00:00 GMT",
  };
  std::vector<std::string> cases = samples;
  for (const auto& s : samples) {
    for (std::size_t i = 0; i <= s.size(); ++i) {
      for (char c : std::string_view("0159 :,-AaGgTZx\t")) {
        if (i < s.size()) {
          std::string t = s;
          t[i] = c;
          cases.push_back(t);
        }
        std::string ins = s;
        ins.insert(i, 1, c);
        cases.push_back(ins);
      }
      if (i < s.size()) {
        std::string del = s;
        del.erase(i, 1);
        cases.push_back(del);
      }
    }
  }
  for (const char* s : {"Sun, 29 Feb 2026 10:00:00 GMT", "Mon, 29 Feb 2100 10:00:00 GMT",
                        "Tue, 31 Apr 2026 10:00:00 GMT", "Tue, 00 Nov 2026 10:00:00 GMT",
                        "Tue, 24 Nov 2026 24:00:00 GMT", "Tue, 24 Nov 2026 10:60:00 GMT",
                        "Tue, 24 Nov 2026 10:00:61 GMT", "Wed, 24 Nov 2026 10:00:00 GMT",
                        "Tuesday, 24-Nov-26 10:00:00 GMT", "Tue Nov 24 10:00:00 2026", ""}) {
    cases.push_back(s);
  }
  std::size_t accepted = 0;
  for (const auto& s : cases) {
    expect_agrees(s);
    if (detail::parse_imf_fixdate(s)) ++accepted;
  }
  EXPECT_GT(accepted, samples.size());  // some mutations are other valid dates
  EXPECT_FALSE(detail::parse_imf_fixdate("Wed, 24 Nov 2026 10:00:00 GMT"));  // a Tuesday
  EXPECT_FALSE(detail::parse_imf_fixdate("Sun, 29 Feb 2026 10:00:00 GMT"));  // no such day
  EXPECT_FALSE(detail::parse_imf_fixdate("Tue, 24 nov 2026 10:00:00 GMT"));
  EXPECT_FALSE(detail::parse_imf_fixdate("Tue, 24 Nov 2026 10:00:00 UTC"));
  // The years a TimePoint holds without overflow are read here; the others are left to
  // parse_http_date.
  EXPECT_TRUE(detail::parse_imf_fixdate("Fri, 01 Jan 1700 00:00:00 GMT"));
  EXPECT_TRUE(detail::parse_imf_fixdate("Wed, 31 Dec 2200 23:59:59 GMT"));
  EXPECT_FALSE(detail::parse_imf_fixdate("Thu, 31 Dec 1699 23:59:59 GMT"));
  EXPECT_FALSE(detail::parse_imf_fixdate("Thu, 01 Jan 2201 00:00:00 GMT"));
}

TEST(ImfFixdate, CheckDateValueGivesTheSameDiagnosesForEveryForm) {
  // Through the one-pass parser or not, the answers are the ones of the guide's examples.
  auto ok = check_date_value("Tue, 24 Nov 2026 10:03:00 GMT", t0());
  EXPECT_TRUE(ok);
  auto late = check_date_value("Tue, 24 Nov 2026 10:03:01 GMT", t0());
  EXPECT_EQ(late.code, "date.outside_window");
  EXPECT_EQ(late.message,
            "Date Tue, 24 Nov 2026 10:03:01 GMT is 181 s ahead of the server time Tue, 24 Nov "
            "2026 10:00:00 GMT; the allowed difference is 180 s either way (compute Date right "
            "before sending and keep the clock in sync)");
  auto leap = check_date_value("Tue, 24 Nov 2026 10:02:60 GMT", t0());
  EXPECT_TRUE(leap);  // 60 reads as 59
  auto wrong_day = check_date_value("Wed, 24 Nov 2026 10:00:00 GMT", t0());
  EXPECT_EQ(wrong_day.code, "date.malformed");
  EXPECT_EQ(wrong_day.message, "Date header says Wed but 24 Nov 2026 is a Tue");
  EXPECT_TRUE(check_date_value("Tuesday, 24-Nov-26 10:01:00 GMT", t0()));
  EXPECT_TRUE(check_date_value("Tue Nov 24 09:59:00 2026", t0()));
}

// ---------------------------------------------------------------------------------------------
// Digest header in place

TEST(DigestInPlace, OneHeaderSeveralHeadersAndFoldedValuesGiveTheSameAnswers) {
  const std::string body = R"({"hello": "world"})";
  const std::string both = make_digest(body) + ", " + make_digest(body, DigestAlgorithm::Sha512);
  const std::string bad = make_digest(body) + "," + make_digest("x", DigestAlgorithm::Sha512);
  for (const std::string& value : {both, bad, std::string("MD5=abc"), std::string("SHA-256")}) {
    Message one;
    one.body = body;
    one.add("Digest", value);
    Message two;
    two.body = body;
    auto comma = value.find(',');
    two.add("digest", value.substr(0, comma));
    if (comma != std::string::npos) two.add("DIGEST", value.substr(comma + 1));
    Message folded;  // obs-fold after each comma, OWS around the value
    folded.body = body;
    std::string with_folds;
    for (char c : value) with_folds += c == ',' ? std::string(",\r\n\t") : std::string(1, c);
    folded.add("Digest", "\t" + with_folds + " ");
    auto d1 = verify_digest(one.view());
    for (const auto* m : {&two, &folded}) {
      auto d = verify_digest(m->view());
      EXPECT_EQ(d.ok, d1.ok) << value;
      EXPECT_EQ(d.code, d1.code) << value;
      EXPECT_EQ(d.message, d1.message) << value;
      EXPECT_EQ(d.cause, d1.cause) << value;
      EXPECT_EQ(d.facts, d1.facts) << value;
    }
  }
  // A fold is one space, as in the signing string, and the space around a value goes.
  Message inner;
  inner.body = body;
  inner.add("Digest", "SHA-256=\r\n abc");
  auto d = verify_digest(inner.view());
  EXPECT_EQ(d.code, "digest.malformed");
  EXPECT_EQ(d.message, "Digest SHA-256 value decodes to 2 bytes; a SHA-256 hash has 32 bytes");
}

// ---------------------------------------------------------------------------------------------
// Parameter values and case folding

TEST(SignatureParamsFastPath, QuotedValuesWithAndWithoutEscapes) {
  auto p = parse_signature_params(
      R"p(keyId="plain",signature="a\"b",headers="Date (Request-Target)",algorithm="x\\")p");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->key_id, "plain");
  EXPECT_EQ(p->signature, "a\"b");
  EXPECT_EQ(p->algorithm, "x\\");
  EXPECT_EQ(*p->headers, (std::vector<std::string>{"date", "(request-target)"}));
  // The first quote after a backslash pair ends the value; a lone backslash stays.
  auto q = parse_signature_params(R"(keyId="a\b\\",signature="s")");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->key_id, "a\\b\\");
  Diagnosis d;
  EXPECT_FALSE(parse_signature_params(R"(keyId="a\")", &d));
  EXPECT_EQ(d.message, "Signature parameters: the value of 'keyId' has no closing quote");
  // Tabs inside a headers list are not separators; OWS around each name is trimmed.
  auto t = parse_signature_params("keyId=\"k\",headers=\"\tdate\tdigest \",signature=\"s\"");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t->headers, (std::vector<std::string>{"date\tdigest"}));
}

TEST(AsciiCase, FoldsOnlyAToZAsTheCLocaleDoes) {
  EXPECT_TRUE(detail::ascii_iequals("TPP-Signature-Certificate", "tpp-signature-certificate"));
  EXPECT_TRUE(detail::ascii_iequals("", ""));
  EXPECT_FALSE(detail::ascii_iequals("date", "dates"));
  EXPECT_FALSE(detail::ascii_iequals("d@te", "d`te"));  // 0x40/0x60 differ by the case bit only
  EXPECT_FALSE(detail::ascii_iequals("\xC4", "\xE4"));  // Latin-1 letters do not fold
  EXPECT_EQ(detail::ascii_to_lower("(Request-Target) \xC4Z@[`{"), "(request-target) \xC4z@[`{");
  EXPECT_TRUE(detail::has_cr_or_lf("a\rb"));
  EXPECT_FALSE(detail::has_cr_or_lf("a\tb"));
  Message m;
  m.add("dIgEsT", "x");
  EXPECT_EQ(m.view().first("DIGEST"), "x");
}

// ---------------------------------------------------------------------------------------------
// The whole verification with header names in any case, several Authorization headers

TEST(HttpSignatureFastPath, HeaderNamesInAnyCaseAndABearerBesideTheSignature) {
  const auto& pki = testing::pki();
  ManualClock clock(t0());
  Message m = testing::token_request();
  for (auto& [name, value] : m.headers) {
    std::string upper;
    for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    name = upper;
  }
  m.add("authorization", "Bearer abc");
  m.add(
      "AUTHORIZATION",
      "signature " + sign_http_signature(m.view(), "SN=49BA5C71", HttpSignatureAlgorithm::RsaSha256,
                                         testing::guide_headers(), pki.signing.key));
  HttpSignaturePolicy policy;
  policy.carrier = SignatureCarrier::Authorization;
  auto r = verify_http_signature(m.view(), policy, tpp_certificate_key_resolver(), clock);
  EXPECT_TRUE(r) << r.message;
  EXPECT_EQ(r.verified_as, "rsa-sha256");
  // Two Date headers are refused, whatever their case.
  m.add("date", format_imf_fixdate(t0()));
  auto twice = verify_http_signature(m.view(), policy, tpp_certificate_key_resolver(), clock);
  EXPECT_EQ(twice.code, "date.malformed");
  EXPECT_EQ(twice.message, "The Date header is sent more than once");
}

}  // namespace
}  // namespace sandbank::signing
