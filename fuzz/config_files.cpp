// The files a user gives `sandbank serve`: the TOML --config file (expanded into options) and
// the --profiles file of test profiles.
#include <unistd.h>

#include <fstream>
#include <string>
#include <string_view>

#include "app/config_file.hpp"
#include "bank/profiles.hpp"
#include "core/error.hpp"

using namespace sandbank;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::string path = "/tmp/sandbank-fuzz-config-" + std::to_string(getpid()) + ".toml";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  try {
    (void)app::expand_config_file({"sandbank", "serve", "--config", path});
  } catch (const Error&) {
  }
  try {
    (void)bank::load_profiles(text);
  } catch (const Error&) {
  }
  return 0;
}
