#include "app/config_file.hpp"

#include <toml++/toml.h>

#include "app/codes.hpp"
#include "core/error.hpp"

namespace sandbank::app {
namespace {

Error invalid(const std::string& file, const std::string& why) {
  return Error(400, codes::kConfigInvalid, "config file " + file + ": " + why);
}

void append_value(const std::string& file, const std::string& key, const toml::node& node,
                  std::vector<std::string>& out) {
  if (auto s = node.value<std::string>(); s && node.is_string()) {
    out.push_back("--" + key);
    out.push_back(*s);
  } else if (node.is_integer()) {
    out.push_back("--" + key);
    out.push_back(std::to_string(*node.value<std::int64_t>()));
  } else if (node.is_boolean()) {
    bool on = *node.value<bool>();
    if (key == "diagnostics" || key == "inspector") {
      if (!on) out.push_back("--no-" + key);
    } else if (on) {
      out.push_back("--" + key);
    }
  } else if (const auto* array = node.as_array()) {
    for (const auto& element : *array) append_value(file, key, element, out);
  } else {
    throw invalid(file,
                  "the value of '" + key + "' must be a string, a number, a boolean or a list");
  }
}

}  // namespace

std::vector<std::string> expand_config_file(const std::vector<std::string>& argv) {
  // Only `serve` takes --config.
  std::size_t serve = 0;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    if (argv[i] == "serve") {
      serve = i;
      break;
    }
    if (!argv[i].empty() && argv[i][0] != '-') return argv;  // another subcommand
  }
  if (serve == 0) return argv;

  std::vector<std::string> rest;
  std::string file;
  for (std::size_t i = serve + 1; i < argv.size(); ++i) {
    const auto& a = argv[i];
    if (a == "--config") {
      if (i + 1 >= argv.size())
        throw Error(400, codes::kConfigInvalid, "--config needs a file name");
      file = argv[++i];
    } else if (a.rfind("--config=", 0) == 0) {
      file = a.substr(9);
    } else {
      rest.push_back(a);
    }
  }
  if (file.empty()) return argv;

  toml::table table;
  try {
    table = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    auto where = e.source().begin;
    throw invalid(file, "line " + std::to_string(where.line) + ", column " +
                            std::to_string(where.column) + ": " + std::string(e.description()));
  }
  std::vector<std::string> expanded(argv.begin(), argv.begin() + static_cast<long>(serve) + 1);
  for (const auto& [key, node] : table) {
    if (node.is_table()) {
      throw invalid(file, "sections such as [" + std::string(key.str()) +
                              "] are not used; write the options at the top level");
    }
    append_value(file, std::string(key.str()), node, expanded);
  }
  expanded.insert(expanded.end(), rest.begin(), rest.end());
  return expanded;
}

}  // namespace sandbank::app
