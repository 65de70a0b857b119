#include "core/form.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/pct_string_view.hpp>

namespace sandbank::form {

std::optional<std::string> decode(std::string_view component) {
  auto encoded = boost::urls::make_pct_string_view(component);
  if (!encoded) return std::nullopt;
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  return encoded->decode(options);
}

std::vector<Pair> parse(std::string_view text) {
  std::vector<Pair> pairs;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const auto pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const auto name = pair.substr(0, eq);
    const auto value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    auto decoded_name = decode(name);
    auto decoded_value = decode(value);
    Pair out;
    out.valid = decoded_name.has_value() && decoded_value.has_value();
    out.name = decoded_name ? std::move(*decoded_name) : std::string(name);
    out.value = decoded_value ? std::move(*decoded_value) : std::string(value);
    out.text = pair;
    pairs.push_back(std::move(out));
  }
  return pairs;
}

Unique parse_unique(std::string_view text, bool empty_is_absent) {
  Unique result;
  for (auto& pair : parse(text)) {
    if (!pair.valid) {
      result.problem = Unique::Problem::Malformed;
      result.where = std::string(pair.text);
      return result;
    }
    if (empty_is_absent && pair.value.empty()) continue;
    auto [at, inserted] = result.values.try_emplace(std::move(pair.name), std::move(pair.value));
    if (!inserted) {
      result.problem = Unique::Problem::Duplicate;
      result.where = at->first;
      return result;
    }
  }
  return result;
}

std::string_view query_of(std::string_view url) {
  auto fragment = url.find('#');
  url = url.substr(0, fragment);
  auto question = url.find('?');
  return question == std::string_view::npos ? std::string_view() : url.substr(question + 1);
}

}  // namespace sandbank::form
