#include "monitor/event_id.hpp"

#include <string_view>

#include "common/crypto.hpp"

namespace sesmon::monitor {
namespace {

void append_field(std::string& out, std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
}

}  // namespace

std::string make_event_id(const event_key& key) {
    std::string encoded;
    append_field(encoded, "ses-upgrade-monitor/event/v1");
    append_field(encoded, key.instance_no);
    append_field(encoded, key.action_date);
    append_field(encoded, key.target_version);
    append_field(encoded, to_string(key.type));
    append_field(encoded, key.hostname);
    append_field(encoded, key.status);
    append_field(encoded, std::to_string(key.episode));
    return common::to_hex(common::sha256(encoded));
}

}  // namespace sesmon::monitor
