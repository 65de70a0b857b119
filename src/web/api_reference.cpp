#include "web/api_reference.hpp"

#include <boost/json.hpp>
#include <kainjow/mustache.hpp>
#include <memory>
#include <stdexcept>
#include <vector>

#include "web/assets.hpp"
#include "web/pages.hpp"

namespace sandbank::web {
namespace {

namespace json = boost::json;
namespace mustache = kainjow::mustache;

constexpr std::string_view kMethods[] = {"get",   "put",  "post",   "delete",
                                         "patch", "head", "options"};

std::string escape(std::string_view text) {
  return mustache::html_escape<std::string>(std::string(text));
}

// One line of a description as HTML: `code` spans and **strong** kept, the rest escaped.
std::string inline_html(std::string_view text) {
  std::string out;
  bool code = false;
  while (true) {
    auto tick = text.find('`');
    auto part = text.substr(0, tick);
    if (code) {
      out += "<code>" + escape(part) + "</code>";
    } else {
      std::string escaped = escape(part);
      bool strong = false;
      for (auto star = escaped.find("**"); star != std::string::npos;
           star = escaped.find("**", star)) {
        escaped.replace(star, 2, strong ? "</strong>" : "<strong>");
        strong = !strong;
      }
      if (strong) escaped += "</strong>";
      out += escaped;
    }
    if (tick == std::string_view::npos) break;
    text.remove_prefix(tick + 1);
    code = !code;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, std::string_view separator) {
  std::vector<std::string_view> out;
  while (true) {
    auto at = text.find(separator);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + separator.size());
  }
  return out;
}

// A description as HTML: paragraphs at blank lines, a block of "- " lines as a list.
std::string text_html(std::string_view text) {
  std::string out;
  for (auto block : split(text, "\n\n")) {
    auto lines = split(block, "\n");
    bool list = !block.empty();
    for (auto line : lines) list = list && line.starts_with("- ");
    if (list) {
      out += "<ul>";
      for (auto line : lines) out += "<li>" + inline_html(line.substr(2)) + "</li>";
      out += "</ul>";
    } else if (!block.empty()) {
      std::string joined;
      for (auto line : lines) {
        if (!joined.empty()) joined += ' ';
        joined += line;
      }
      out += "<p>" + inline_html(joined) + "</p>";
    }
  }
  return out;
}

std::string string_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

class Document {
 public:
  explicit Document(std::string_view text) {
    boost::system::error_code ec;
    root_ = json::parse(text, ec);
    if (ec || !root_.is_object() || !root_.get_object().contains("paths") ||
        !root_.at("paths").is_object()) {
      throw std::invalid_argument("the OpenAPI document is not a JSON object with paths");
    }
  }

  const json::object& root() const { return root_.get_object(); }

  // The object a value stands for: itself, or what its local $ref names.
  const json::object& resolve(const json::value& value) const {
    const json::value* current = &value;
    for (int depth = 0; depth < 16; ++depth) {
      if (!current->is_object()) throw std::invalid_argument("an OpenAPI object is not an object");
      const auto& object = current->get_object();
      const auto* ref = object.if_contains("$ref");
      if (ref == nullptr) return object;
      std::string_view pointer = ref->is_string() ? std::string_view(ref->get_string()) : "";
      if (!pointer.starts_with("#/")) {
        throw std::invalid_argument("not a local $ref: " + std::string(pointer));
      }
      boost::system::error_code ec;
      current = root_.find_pointer(pointer.substr(1), ec);
      if (current == nullptr)
        throw std::invalid_argument("unresolved $ref " + std::string(pointer));
    }
    throw std::invalid_argument("$ref chain too long");
  }

  // A schema in words: its component name, "array of <name>", or its type.
  std::string schema_name(const json::value& schema) const {
    if (!schema.is_object()) return "";
    const auto& object = schema.get_object();
    if (auto ref = string_at(object, "$ref"); !ref.empty()) return ref.substr(ref.rfind('/') + 1);
    if (const auto* items = object.if_contains("items"); items != nullptr) {
      return "array of " + schema_name(*items);
    }
    if (const auto* type = object.if_contains("type"); type != nullptr && type->is_string()) {
      return std::string(type->get_string());
    }
    if (object.contains("oneOf")) return "one of several";
    return "";
  }

 private:
  json::value root_;
};

std::string listener_text(const json::object& operation) {
  const auto* listeners = operation.if_contains("x-sandbank-listener");
  bool api = false, web = false;
  if (listeners != nullptr && listeners->is_array()) {
    for (const auto& l : listeners->get_array()) {
      api = api || (l.is_string() && l.get_string() == "api");
      web = web || (l.is_string() && l.get_string() == "web");
    }
  }
  if (api && web) return "API and web listener";
  if (api) return "API listener (mutual TLS)";
  if (web) return "web listener";
  return "";
}

std::string security_text(const json::object& operation) {
  const auto* security = operation.if_contains("security");
  if (security == nullptr || !security->is_array()) return "";
  std::string out;
  for (const auto& alternative : security->get_array()) {
    if (!alternative.is_object()) continue;
    std::string all;
    for (const auto& [scheme, scopes] : alternative.get_object()) {
      std::string one(scheme);
      if (scopes.is_array() && !scopes.get_array().empty()) {
        std::string list;
        for (const auto& s : scopes.get_array()) {
          if (!s.is_string()) continue;
          if (!list.empty()) list += ' ';
          list += s.get_string();
        }
        one += " (" + list + ")";
      }
      if (!all.empty()) all += " + ";
      all += one;
    }
    if (all.empty()) continue;
    if (!out.empty()) out += ", or ";
    out += all;
  }
  return out.empty() ? "none" : out;
}

std::string media_text(const Document& document, const json::object& content) {
  std::string out;
  for (const auto& [type, media] : content) {
    std::string one(type);
    if (media.is_object()) {
      if (const auto* schema = media.get_object().if_contains("schema")) {
        auto name = document.schema_name(*schema);
        if (!name.empty()) one += ": " + name;
      }
    }
    if (!out.empty()) out += "; ";
    out += one;
  }
  return out;
}

mustache::data parameters_data(const Document& document, const json::object* path_item,
                               const json::object& operation) {
  mustache::data list{mustache::data::type::list};
  for (const json::object* owner : {path_item, &operation}) {
    const auto* parameters = owner ? owner->if_contains("parameters") : nullptr;
    if (parameters == nullptr || !parameters->is_array()) continue;
    for (const auto& p : parameters->get_array()) {
      const auto& parameter = document.resolve(p);
      mustache::data item;
      item.set("name", string_at(parameter, "name"));
      item.set("in", string_at(parameter, "in"));
      const auto* required = parameter.if_contains("required");
      item.set("required",
               required && required->is_bool() && required->get_bool() ? "required" : "optional");
      if (const auto* schema = parameter.if_contains("schema")) {
        item.set("schema", document.schema_name(*schema));
      }
      item.set("description", text_html(string_at(parameter, "description")));
      list.push_back(item);
    }
  }
  return list;
}

mustache::data operation_data(const Document& document, const std::string& path,
                              const json::object& path_item, std::string_view method,
                              const json::object& operation) {
  mustache::data op;
  op.set("id", string_at(operation, "operationId"));
  op.set("method", [&] {
    std::string upper(method);
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper;
  }());
  op.set("path", path);
  op.set("summary", string_at(operation, "summary"));
  op.set("listener", listener_text(operation));
  op.set("security", security_text(operation));
  op.set("description", text_html(string_at(operation, "description")));
  auto parameters = parameters_data(document, &path_item, operation);
  op.set("has_parameters", !parameters.is_empty_list());
  op.set("parameters", parameters);
  if (const auto* body = operation.if_contains("requestBody")) {
    const auto& request = document.resolve(*body);
    if (const auto* content = request.if_contains("content"); content && content->is_object()) {
      op.set("request_body", media_text(document, content->get_object()));
    }
  }
  mustache::data responses{mustache::data::type::list};
  if (const auto* all = operation.if_contains("responses"); all && all->is_object()) {
    for (const auto& [status, value] : all->get_object()) {
      const auto& response = document.resolve(value);
      mustache::data item;
      item.set("status", std::string(status));
      item.set("description", text_html(string_at(response, "description")));
      if (const auto* content = response.if_contains("content"); content && content->is_object()) {
        item.set("media", media_text(document, content->get_object()));
      }
      responses.push_back(item);
    }
  }
  op.set("responses", responses);
  return op;
}

std::string anchor(std::string_view name) {
  std::string out = "tag-";
  for (char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c))
               ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
               : '-';
  }
  return out;
}

http::Response html(std::string body) {
  auto response = http::Response::text(200, std::move(body), "text/html; charset=utf-8");
  response.set("Content-Security-Policy",
               "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'");
  response.set("Referrer-Policy", "no-referrer");
  return response;
}

}  // namespace

std::string render_api_reference(std::string_view openapi_json) {
  Document document(openapi_json);
  const auto& root = document.root();

  // The groups in the order of the document's tags, then any tag only operations name.
  std::vector<std::string> names;
  std::vector<std::string> descriptions;
  if (const auto* tags = root.if_contains("tags"); tags && tags->is_array()) {
    for (const auto& tag : tags->get_array()) {
      if (!tag.is_object()) continue;
      names.push_back(string_at(tag.get_object(), "name"));
      descriptions.push_back(string_at(tag.get_object(), "description"));
    }
  }
  std::vector<mustache::data> operations(names.size(), mustache::data{mustache::data::type::list});
  std::size_t count = 0;
  for (const auto& [path, item] : root.at("paths").get_object()) {
    const auto& path_item = document.resolve(item);
    for (auto method : kMethods) {
      const auto* value = path_item.if_contains(method);
      if (value == nullptr) continue;
      const auto& operation = document.resolve(*value);
      std::string tag = "Other";
      if (const auto* tags = operation.if_contains("tags"); tags && tags->is_array() &&
                                                            !tags->get_array().empty() &&
                                                            tags->get_array()[0].is_string()) {
        tag = std::string(tags->get_array()[0].get_string());
      }
      auto at = std::find(names.begin(), names.end(), tag) - names.begin();
      if (static_cast<std::size_t>(at) == names.size()) {
        names.push_back(tag);
        descriptions.emplace_back();
        operations.emplace_back(mustache::data::type::list);
      }
      operations[at].push_back(
          operation_data(document, std::string(path), path_item, method, operation));
      ++count;
    }
  }

  mustache::data groups{mustache::data::type::list};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (operations[i].is_empty_list()) continue;
    mustache::data group;
    group.set("name", names[i]);
    group.set("anchor", anchor(names[i]));
    group.set("description", text_html(descriptions[i]));
    group.set("operations", operations[i]);
    groups.push_back(group);
  }

  const auto& info = root.at("info").as_object();
  mustache::data data;
  data.set("title", string_at(info, "title"));
  data.set("version", string_at(info, "version"));
  data.set("openapi", string_at(root, "openapi"));
  data.set("summary", string_at(info, "summary"));
  data.set("description", text_html(string_at(info, "description")));
  data.set("operation_count", std::to_string(count));
  data.set("groups", groups);
  mustache::mustache content{std::string(assets::kApiReferenceTemplate)};
  auto body = content.render(data);

  mustache::data layout;
  layout.set("title", "API reference");
  layout.set("stylesheet", std::string(kStylesheetPath));
  layout.set("outcome", "api-reference");
  layout.set("content", body);
  return mustache::mustache{std::string(assets::kLayoutTemplate)}.render(layout);
}

http::Handler api_reference_handler(std::string_view openapi_json) {
  auto page = std::make_shared<const std::string>(render_api_reference(openapi_json));
  return [page](http::Request&) { return html(*page); };
}

}  // namespace sandbank::web
