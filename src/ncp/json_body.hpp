#pragma once
// json_body: a response body parsed once into a JSON tree, shared by the error classifier
// and the progress parser (each used to parse it again). Parses in place: the tree's strings
// point into the body it owns, nothing is copied. Iterative (deep nesting cannot exhaust the
// stack) and UTF-8 validating. A body over max_progress_body_bytes is not parsed at all.
#include <rapidjson/document.h>

#include <cstddef>
#include <string>

namespace sesmon::ncp {

inline constexpr std::size_t max_progress_body_bytes = 8 * 1024 * 1024;

class json_body {
  public:
    explicit json_body(std::string text);
    json_body(const json_body&) = delete;
    json_body& operator=(const json_body&) = delete;

    std::size_t size() const { return size_; }
    bool too_large() const { return size_ > max_progress_body_bytes; }
    // Parsed without error (false when too large).
    bool parsed() const { return !too_large() && !doc_.HasParseError(); }
    // A parsed JSON object.
    bool is_object() const { return parsed() && doc_.IsObject(); }
    // The tree; meaningful when parsed().
    const rapidjson::Document& doc() const { return doc_; }
    // For an unparsable body: "malformed JSON at offset N: <reason>".
    std::string parse_error() const;

  private:
    std::string text_;  // the tree's strings point into it
    std::size_t size_;
    rapidjson::Document doc_;
};

}  // namespace sesmon::ncp
