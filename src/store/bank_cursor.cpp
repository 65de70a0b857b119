#include "store/bank_cursor.hpp"

#include <fmt/format.h>

#include <charconv>
#include <vector>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "store/codes.hpp"
#include "store/sqlite.hpp"

namespace sandbank::store::detail {
namespace {

[[noreturn]] void bad_cursor(std::string_view cursor) {
  throw Error(400, codes::kBankCursorInvalid,
              "The next cursor is not one this server handed out; start again without it",
              fmt::format("cursor: {}", cursor));
}

bool valid_stamp(std::string_view s) {
  return s.size() == 27 && sqlite::parse_timestamp(s).has_value();
}

}  // namespace

std::string encode_cursor(const Cursor& c) {
  std::string text = fmt::format("v1|{}|{}|{}|{}", c.execution_time, c.row_id,
                                 c.from.empty() ? "-" : c.from, c.to.empty() ? "-" : c.to);
  return base64url_encode(as_bytes(text));
}

Cursor decode_cursor(std::string_view cursor) {
  auto bytes = base64url_decode(cursor);
  if (!bytes) bad_cursor(cursor);
  std::string text = to_string(*bytes);
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto bar = text.find('|', start);
    parts.push_back(text.substr(start, bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  if (parts.size() != 5 || parts[0] != "v1" || !valid_stamp(parts[1])) bad_cursor(cursor);
  Cursor c;
  c.execution_time = parts[1];
  auto [ptr, ec] = std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), c.row_id);
  if (ec != std::errc() || ptr != parts[2].data() + parts[2].size() || c.row_id <= 0) {
    bad_cursor(cursor);
  }
  for (int i : {3, 4}) {
    std::string& bound = i == 3 ? c.from : c.to;
    if (parts[i] == "-") continue;
    if (!valid_stamp(parts[i])) bad_cursor(cursor);
    bound = parts[i];
  }
  return c;
}

}  // namespace sandbank::store::detail
