#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// The opaque cursors of transaction pages (BankRepository::list_transactions), shared by the
// stores so that both hand out and accept the same ones:
// base64url("v1|<execution_time>|<row id>|<from or ->|<to or ->"), the times as
// sqlite::format_timestamp writes them.
namespace sandbank::store::detail {

struct Cursor {
  std::string execution_time;
  std::int64_t row_id = 0;
  std::string from;  // "" = unbounded
  std::string to;
};

std::string encode_cursor(const Cursor& c);
// Throws 400 "bank.cursor_invalid" for a cursor this server did not hand out.
Cursor decode_cursor(std::string_view cursor);

// Smallest and largest possible stored timestamps, for open ranges.
constexpr std::string_view kMinStamp = "0000-00-00T00:00:00.000000Z";
constexpr std::string_view kMaxStamp = "9999-99-99T99:99:99.999999Z";

}  // namespace sandbank::store::detail
