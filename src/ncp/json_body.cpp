#include "ncp/json_body.hpp"

#include <rapidjson/error/en.h>

namespace sesmon::ncp {

json_body::json_body(std::string text, json_scratch* scratch)
    : text_(std::move(text)), size_(text_.size()) {
    json_pool* pool = nullptr;
    if (scratch != nullptr && !scratch->in_use_) {
        scratch_ = scratch;
        scratch_->in_use_ = true;
        pool = &scratch_->pool_;
    } else {
        pool = &own_pool_.emplace();
    }
    doc_.emplace(pool, std::size_t{1024}, pool);
    if (too_large())
        return;
    constexpr unsigned flags =
        rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
    // The text ends at its first NUL (a NUL inside ends it too, as for rapidjson's
    // length-bounded Parse). rapidjson's UTF-8 validation takes all the continuation bytes a
    // lead byte announces before it checks them: a string ending in 0xF2 reads 3 bytes on,
    // past a single NUL (found by fuzz_progress_parser: heap-buffer-overflow). So the text
    // gets as many NULs as the longest tail, before the parse (the tree points into it).
    constexpr std::size_t longest_utf8_tail = 3;
    text_.append(longest_utf8_tail, '\0');
    doc_->ParseInsitu<flags>(text_.data());
}

json_body::~json_body() {
    doc_.reset();
    if (scratch_ != nullptr) {
        scratch_->pool_.Clear();
        scratch_->in_use_ = false;
    }
}

std::string json_body::parse_error() const {
    return std::string("malformed JSON at offset ") + std::to_string(doc_->GetErrorOffset()) +
           ": " + rapidjson::GetParseError_En(doc_->GetParseError());
}

}  // namespace sesmon::ncp
