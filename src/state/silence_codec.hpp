#pragma once
// silence_codec: the store's JSON of a cluster's silence record (silence/record.hpp) — the
// `clusters.silence` column of state.db and the "silence" field of an HA group's cluster
// record. Times as Unix seconds. A record that does not read back is dropped with the
// reason (the silence is then found again by its marker, never created twice).
#include <optional>
#include <string>
#include <string_view>

#include "silence/record.hpp"

namespace sesmon::state {

std::string encode_silence(const silence::silence_record& r);
std::optional<silence::silence_record> decode_silence(std::string_view text, std::string& error);

}  // namespace sesmon::state
