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
    // std::string keeps a NUL after the last byte. A NUL inside ends the text, as it does
    // for rapidjson's length-bounded Parse (which reads a NUL byte as the end too).
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
