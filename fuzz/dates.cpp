// HTTP dates (IMF-fixdate and RFC 7231's two obsolete forms) and RFC 3339 timestamps.
#include <string_view>

#include "core/time_format.hpp"
#include "fuzz_support.hpp"
#include "signing/date_window.hpp"

using namespace sandbank;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto parsed = parse_rfc3339(text)) (void)format_rfc3339(*parsed);
  (void)parse_http_date(text);
  signing::Message m;
  m.method = "GET";
  m.target = "/";
  m.add("Date", std::string(text));
  (void)signing::check_date(m.view(), fuzz::fixed_clock());
  (void)signing::detail::parse_imf_fixdate(text);
  return 0;
}
