#include "web/api_reference.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "web/assets.hpp"

namespace sandbank::web {
namespace {

namespace json = boost::json;

constexpr std::string_view kSmall = R"({
  "openapi": "3.1.0",
  "info": {"title": "T", "version": "1", "description": "Intro with `code` and <b>.\n\n- one\n- two"},
  "tags": [{"name": "Second"}, {"name": "First", "description": "The first & only"}],
  "paths": {
    "/a/{id}": {
      "parameters": [{"$ref": "#/components/parameters/Id"}],
      "get": {
        "tags": ["First"], "operationId": "getA", "summary": "Get <a>",
        "x-sandbank-listener": ["api"], "security": [{"mutualTLS": [], "token": ["scope:x"]}],
        "responses": {
          "200": {"description": "Fine", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}},
          "404": {"$ref": "#/components/responses/Missing"}
        }
      }
    },
    "/b": {
      "post": {"tags": ["Untagged"], "operationId": "postB", "x-sandbank-listener": ["web"],
               "security": [], "responses": {"302": {"description": "Away"}}}
    }
  },
  "components": {
    "parameters": {"Id": {"name": "id", "in": "path", "required": true, "description": "The id", "schema": {"type": "string"}}},
    "responses": {"Missing": {"description": "Not there"}},
    "schemas": {"A": {"type": "object"}}
  }
})";

TEST(ApiReference, ListsEveryOperationOfSandbanksDocument) {
  auto page = render_api_reference(assets::kOpenApiDocument);
  auto doc = json::parse(assets::kOpenApiDocument);
  std::size_t operations = 0;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (!operation.is_object() || !operation.as_object().contains("operationId")) continue;
      ++operations;
      auto id = std::string(operation.at("operationId").as_string());
      EXPECT_NE(page.find("id=\"op-" + id + "\""), std::string::npos) << id;
    }
  }
  EXPECT_GE(operations, 38u);
  EXPECT_NE(page.find("data-outcome=\"api-reference\""), std::string::npos);
  EXPECT_NE(page.find("<code class=\"path\">/v3/accounts/{account-id}/balances</code>"),
            std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

TEST(ApiReference, RendersTagsParametersResponsesAndEscapes) {
  auto page = render_api_reference(kSmall);
  // Tags in the document's order, operations of an undeclared tag after them.
  auto first = page.find("id=\"tag-first\"");
  auto untagged = page.find("id=\"tag-untagged\"");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(untagged, std::string::npos);
  EXPECT_LT(first, untagged);
  EXPECT_EQ(page.find("id=\"tag-second\""), std::string::npos) << "a tag without operations";
  EXPECT_NE(page.find("The first &amp; only"), std::string::npos);
  // Path-level parameters through $ref, responses through $ref, schema names.
  EXPECT_NE(page.find("<code>id</code>"), std::string::npos);
  EXPECT_NE(page.find("The id"), std::string::npos);
  EXPECT_NE(page.find("Not there"), std::string::npos);
  EXPECT_NE(page.find("application/json: A"), std::string::npos);
  EXPECT_NE(page.find("mutualTLS + token (scope:x)"), std::string::npos);
  EXPECT_NE(page.find(">POST<"), std::string::npos);
  // Text is escaped; `code`, paragraphs and lists become markup.
  EXPECT_NE(page.find("Get &lt;a&gt;"), std::string::npos);
  EXPECT_NE(page.find("Intro with <code>code</code> and &lt;b&gt;."), std::string::npos);
  EXPECT_NE(page.find("<ul><li>one</li><li>two</li></ul>"), std::string::npos);
}

TEST(ApiReference, RefusesWhatIsNotADocument) {
  EXPECT_THROW(render_api_reference("not json"), std::invalid_argument);
  EXPECT_THROW(render_api_reference("{\"openapi\": \"3.1.0\"}"), std::invalid_argument);
  EXPECT_THROW(
      render_api_reference(R"({"info": {}, "paths": {"/x": {"get": {"$ref": "#/nowhere"}}}})"),
      std::invalid_argument);
}

TEST(ApiReference, HandlerAnswersThePageWithThePagesPolicy) {
  auto handler = api_reference_handler(kSmall);
  http::Request request;
  auto response = handler(request);
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.header("Content-Type").value_or(""), "text/html; charset=utf-8");
  auto csp = std::string(response.header("Content-Security-Policy").value_or(""));
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(response.body.find("id=\"op-getA\""), std::string::npos);
}

}  // namespace
}  // namespace sandbank::web
