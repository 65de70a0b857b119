#include "api/multipart.hpp"

#include <gtest/gtest.h>

#include "bank/payments.hpp"

namespace sandbank::api {
namespace {

std::string code_of(std::string_view body, std::string_view boundary = "XyZ") {
  try {
    parse_form_data(body, boundary);
  } catch (const InvalidField& e) {
    return e.code();
  }
  return "parsed";
}

TEST(Multipart, BoundaryFromTheContentType) {
  EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=XyZ"), "XyZ");
  EXPECT_EQ(form_data_boundary("Multipart/Form-Data;boundary=\"a b;c\""), "a b;c");
  EXPECT_EQ(form_data_boundary("multipart/form-data; charset=utf-8; BOUNDARY=q"), "q");
  EXPECT_EQ(form_data_boundary("multipart/form-data"), "");
  EXPECT_EQ(form_data_boundary("multipart/mixed; boundary=x"), "");
  EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=" + std::string(71, 'b')), "");
}

// What curl -F sends.
TEST(Multipart, ReadsCurlsForm) {
  std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"xml_sct\"; filename=\"payment.xml\"\r\n"
      "Content-Type: application/xml\r\n"
      "\r\n"
      "<Document>\r\n--XY not a boundary</Document>\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"startDate\"\r\n"
      "\r\n"
      "2026-04-01\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"empty\"\r\n"
      "\r\n"
      "\r\n"
      "--XyZ--\r\n"
      "epilogue";
  auto parts = parse_form_data(body, "XyZ");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].name, "xml_sct");
  EXPECT_EQ(parts[0].filename, "payment.xml");
  EXPECT_EQ(parts[0].content_type, "application/xml");
  EXPECT_EQ(parts[0].data, "<Document>\r\n--XY not a boundary</Document>");
  EXPECT_EQ(parts[1].name, "startDate");
  EXPECT_EQ(parts[1].content_type, "");
  EXPECT_EQ(parts[1].data, "2026-04-01");
  EXPECT_EQ(parts[2].data, "");
}

TEST(Multipart, WrittenFormsReadBack) {
  std::vector<FormPart> parts{{"xml_sct", "", "application/xml", "<a/>"},
                              {"frequency", "", "text/plain", "MNTH"}};
  auto body = write_form_data(parts, "B1");
  EXPECT_TRUE(
      body.starts_with("--B1\r\nContent-Disposition: form-data; name=\"xml_sct\"\r\n"
                       "Content-Type: application/xml\r\n\r\n<a/>\r\n"))
      << body;
  EXPECT_TRUE(body.ends_with("\r\n--B1--\r\n")) << body;
  auto back = parse_form_data(body, "B1");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].name, "frequency");
  EXPECT_EQ(back[1].data, "MNTH");
}

TEST(Multipart, MalformedFormsAreNamed) {
  EXPECT_EQ(code_of(""), "payment.form_malformed");
  EXPECT_EQ(code_of("no parts at all"), "payment.form_malformed");
  EXPECT_EQ(code_of("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunclosed"),
            "payment.form_malformed");
  EXPECT_EQ(code_of("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--"),
            "payment.form_malformed");  // no name
  EXPECT_EQ(code_of("--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--"),
            "payment.form_malformed");
  EXPECT_EQ(code_of("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--"),
            "payment.form_malformed");  // unclosed quote
  EXPECT_EQ(code_of("--XyZ\r\nbroken header\r\n\r\nx\r\n--XyZ--"), "payment.form_malformed");
  EXPECT_EQ(code_of("--XyZ--"), "parsed");  // no parts
  std::string many;
  for (int i = 0; i < 17; ++i)
    many += "--XyZ\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nv\r\n";
  EXPECT_EQ(code_of(many + "--XyZ--"), "payment.form_malformed");
}

}  // namespace
}  // namespace sandbank::api
