#pragma once
// json_body: a response body parsed once into a JSON tree, shared by the error classifier
// and the progress parser (each used to parse it again). Parses in place: the tree's strings
// point into the body it owns, nothing is copied. Iterative (deep nesting cannot exhaust the
// stack) and UTF-8 validating. A body over max_progress_body_bytes is not parsed at all.
#include <rapidjson/document.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace sesmon::ncp {

inline constexpr std::size_t max_progress_body_bytes = 8 * 1024 * 1024;

using json_pool = rapidjson::MemoryPoolAllocator<>;
// The tree and the parser's stack both live in one memory pool.
using json_document = rapidjson::GenericDocument<rapidjson::UTF8<>, json_pool, json_pool>;

// Memory that json_body can parse into and hand back, so that a client parsing one body
// after another allocates nothing for the tree (a fresh pool mallocs and frees a 64 KiB
// chunk per body, and glibc consolidates its free lists on every such free). One body at
// a time: a second json_body while one is alive uses a pool of its own.
class json_scratch {
  public:
    static constexpr std::size_t size = 32 * 1024;  // a progress answer of ~100 nodes
    json_scratch() : buffer_(std::make_unique<char[]>(size)), pool_(buffer_.get(), size) {}
    json_scratch(const json_scratch&) = delete;
    json_scratch& operator=(const json_scratch&) = delete;

  private:
    friend class json_body;
    std::unique_ptr<char[]> buffer_;
    json_pool pool_;
    bool in_use_ = false;
};

class json_body {
  public:
    // `scratch` (optional) must outlive this body.
    explicit json_body(std::string text, json_scratch* scratch = nullptr);
    ~json_body();
    json_body(const json_body&) = delete;
    json_body& operator=(const json_body&) = delete;

    std::size_t size() const { return size_; }
    bool too_large() const { return size_ > max_progress_body_bytes; }
    // Parsed without error (false when too large).
    bool parsed() const { return !too_large() && !doc_->HasParseError(); }
    // A parsed JSON object.
    bool is_object() const { return parsed() && doc_->IsObject(); }
    // The tree; meaningful when parsed().
    const json_document& doc() const { return *doc_; }
    // For an unparsable body: "malformed JSON at offset N: <reason>".
    std::string parse_error() const;

  private:
    std::string text_;  // the tree's strings point into it
    std::size_t size_;
    json_scratch* scratch_ = nullptr;  // borrowed, handed back by the destructor
    std::optional<json_pool> own_pool_;
    std::optional<json_document> doc_;
};

}  // namespace sesmon::ncp
