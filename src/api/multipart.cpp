#include "api/multipart.hpp"

#include <fmt/format.h>

#include "api/codes.hpp"
#include "bank/payments.hpp"
#include "core/strings.hpp"

namespace sandbank::api {
namespace {

[[noreturn]] void malformed(std::string message) {
  throw InvalidField(codes::kPaymentFormMalformed, "", std::move(message));
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// `name=value; name="quoted \" value"` parameters after the first ';' of a header value.
struct Parameter {
  std::string name;
  std::string value;
};
std::vector<Parameter> parameters(std::string_view text) {
  std::vector<Parameter> out;
  std::size_t i = text.find(';');
  while (i != std::string_view::npos && i < text.size()) {
    ++i;  // the ';'
    while (i < text.size() && is_blank(text[i])) ++i;
    auto eq = text.find('=', i);
    if (eq == std::string_view::npos) break;
    Parameter p;
    p.name = to_lower(trim_ows(text.substr(i, eq - i)));
    i = eq + 1;
    while (i < text.size() && is_blank(text[i])) ++i;
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        p.value += text[i++];
      }
      if (i >= text.size()) malformed("A quoted header parameter is not closed");
      ++i;  // the closing quote
      i = text.find(';', i);
    } else {
      auto end = text.find(';', i);
      p.value = std::string(trim_ows(text.substr(i, end - i)));
      i = end;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

std::string form_data_boundary(std::string_view content_type) {
  auto semicolon = content_type.find(';');
  if (!iequals(trim_ows(content_type.substr(0, semicolon)), "multipart/form-data")) return {};
  try {
    for (auto& p : parameters(content_type)) {
      if (p.name == "boundary") {
        return p.value.empty() || p.value.size() > 70 ? std::string() : p.value;
      }
    }
  } catch (const InvalidField&) {
  }
  return {};
}

std::vector<FormPart> parse_form_data(std::string_view body, std::string_view boundary,
                                      std::size_t max_parts) {
  const std::string delimiter = "--" + std::string(boundary);
  const std::string next_delimiter = "\r\n" + delimiter;
  std::size_t pos = 0;
  if (!body.starts_with(delimiter)) {
    pos = body.find(next_delimiter);
    if (pos == std::string_view::npos) {
      malformed(fmt::format("The body has no part: no line starts with --{}", boundary));
    }
    pos += 2;
  }
  std::vector<FormPart> parts;
  for (;;) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return parts;  // the close delimiter
    while (pos < body.size() && is_blank(body[pos])) ++pos;
    if (body.substr(pos, 2) != "\r\n") {
      malformed(fmt::format("--{} is not followed by a line end (CRLF)", boundary));
    }
    pos += 2;
    if (parts.size() == max_parts) {
      malformed(fmt::format("The form has more than {} parts", max_parts));
    }
    FormPart part;
    bool disposition = false;
    // Header lines up to the empty line.
    for (;;) {
      auto end = body.find("\r\n", pos);
      if (end == std::string_view::npos)
        malformed("A part's headers do not end with an empty line");
      auto line = body.substr(pos, end - pos);
      pos = end + 2;
      if (line.empty()) break;
      auto colon = line.find(':');
      if (colon == std::string_view::npos) {
        malformed(fmt::format("The part header \"{}\" has no ':'", line.substr(0, 80)));
      }
      auto name = trim_ows(line.substr(0, colon));
      auto value = trim_ows(line.substr(colon + 1));
      if (iequals(name, "Content-Disposition")) {
        if (!iequals(trim_ows(value.substr(0, value.find(';'))), "form-data")) {
          malformed(fmt::format("A part's Content-Disposition is \"{}\", not form-data",
                                value.substr(0, 80)));
        }
        disposition = true;
        for (auto& p : parameters(value)) {
          if (p.name == "name") part.name = p.value;
          if (p.name == "filename") part.filename = p.value;
        }
      } else if (iequals(name, "Content-Type")) {
        part.content_type = std::string(value);
      }
    }
    if (!disposition || part.name.empty()) {
      malformed("Every part needs Content-Disposition: form-data; name=\"...\"");
    }
    auto end = body.find(next_delimiter, pos);
    if (end == std::string_view::npos) {
      malformed(fmt::format("The part {} is not closed by a line --{}", part.name, boundary));
    }
    part.data = std::string(body.substr(pos, end - pos));
    parts.push_back(std::move(part));
    pos = end + 2;
  }
}

std::string write_form_data(const std::vector<FormPart>& parts, std::string_view boundary) {
  std::string out;
  for (const auto& part : parts) {
    out += fmt::format("--{}\r\nContent-Disposition: form-data; name=\"{}\"", boundary, part.name);
    if (!part.filename.empty()) out += fmt::format("; filename=\"{}\"", part.filename);
    out += "\r\n";
    if (!part.content_type.empty()) out += fmt::format("Content-Type: {}\r\n", part.content_type);
    out += "\r\n";
    out += part.data;
    out += "\r\n";
  }
  out += fmt::format("--{}--\r\n", boundary);
  return out;
}

}  // namespace sandbank::api
