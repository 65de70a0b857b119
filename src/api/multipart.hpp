#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// multipart/form-data (RFC 7578), as ING's periodic pain.001 initiation sends and answers it:
// parts with a name, an optional file name and content type, and their bytes.
namespace sandbank::api {

struct FormPart {
  std::string name;          // Content-Disposition: form-data; name="..."
  std::string filename;      // its filename="...", "" when none
  std::string content_type;  // the part's Content-Type, "" when none (text/plain)
  std::string data;
};

// The boundary of a `multipart/form-data; boundary=...` Content-Type (quoted or not); "" when
// the type is another or the boundary is missing or longer than RFC 2046's 70 characters.
std::string form_data_boundary(std::string_view content_type);

// The parts of a multipart/form-data body (CRLF line ends, as RFC 7578 and every client
// write them; preamble and epilogue ignored). Throws InvalidField
// "payment.form_malformed" (400, field "") naming what is wrong, or for more than max_parts
// parts.
std::vector<FormPart> parse_form_data(std::string_view body, std::string_view boundary,
                                      std::size_t max_parts = 16);

// A multipart/form-data body of `parts` with `boundary` (which must not occur in them).
std::string write_form_data(const std::vector<FormPart>& parts, std::string_view boundary);

}  // namespace sandbank::api
