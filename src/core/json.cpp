#include "core/json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <cstdint>
#include <limits>
#include <unordered_set>
#include <vector>

#include "core/codes.hpp"
#include "core/error.hpp"

namespace sandbank {
namespace {

namespace json = boost::json;

// A basic_parser handler that only looks at member names: each open object remembers the names
// it has seen (hashed), each open array the index of its next element, so that the first name
// seen twice is reported with the path to it.
class DuplicateFinder {
 public:
  static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();

  std::string duplicate;  // its path, once found

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    open(true);
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    frames_.pop_back();
    return true;
  }
  bool on_array_begin(json::error_code&) {
    open(false);
    return true;
  }
  bool on_array_end(std::size_t, json::error_code&) {
    frames_.pop_back();
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key_.append(s.data(), s.size());
    Frame& object = frames_.back();
    if (!object.names.insert(key_).second) {
      duplicate = path_to(frames_.size()) + (frames_.size() > 1 ? "." : "") + key_;
      ec = json::make_error_code(json::error::syntax);  // stops the parser
      return false;
    }
    object.last_name = std::move(key_);
    key_.clear();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return scalar(); }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return scalar(); }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return scalar(); }
  bool on_double(double, json::string_view, json::error_code&) { return scalar(); }
  bool on_bool(bool, json::error_code&) { return scalar(); }
  bool on_null(json::error_code&) { return scalar(); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  struct Frame {
    bool object;
    std::unordered_set<std::string> names;  // objects: the member names seen so far
    std::string last_name;                  // objects: the member whose value is being read
    std::size_t next_index = 0;             // arrays: the index of the next element
    std::string segment;                    // how the parent names this container: "name" or "[3]"
  };

  void open(bool object) {
    Frame frame{object, {}, {}, 0, element_segment()};
    frames_.push_back(std::move(frame));
  }
  bool scalar() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().next_index;
    return true;
  }
  // The segment naming the value that begins now within its container.
  std::string element_segment() {
    if (frames_.empty()) return {};
    Frame& parent = frames_.back();
    if (parent.object) return parent.last_name;
    std::string index(1, '[');
    index += std::to_string(parent.next_index++);
    index += ']';
    return index;
  }
  // The path of the first `depth` open containers.
  std::string path_to(std::size_t depth) const {
    std::string path;
    for (std::size_t i = 1; i < depth; ++i) {
      const std::string& segment = frames_[i].segment;
      if (!path.empty() && (segment.empty() || segment.front() != '[')) path += '.';
      path += segment;
    }
    return path;
  }

  std::vector<Frame> frames_;
  std::string key_;
};

// At most `max` bytes of a valid UTF-8 text, cut before a character boundary.
std::string shortened(std::string text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "...";
}

}  // namespace

std::string find_duplicate_member(std::string_view text) {
  json::basic_parser<DuplicateFinder> parser{json::parse_options{}};
  json::error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
  return parser.handler().duplicate;
}

json::value parse_request_json(std::string_view text, boost::system::error_code& ec) {
  json::value value = json::parse(text, ec);
  if (ec) return value;
  if (auto duplicate = find_duplicate_member(text); !duplicate.empty()) {
    throw Error(400, core::codes::kRequestDuplicateMember,
                "The JSON body names the member " + shortened(std::move(duplicate), 200) +
                    " twice; each member may appear once in its object");
  }
  return value;
}

}  // namespace sandbank
