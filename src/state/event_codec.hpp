#pragma once
// event_codec: the store's own serialization of sesmon::event — compact JSON with a format
// number, times as Unix seconds. Deliberately not the public webhook schema (format_generic):
// payloads are formatted at delivery, so the wire format can change without touching
// stored rows, and stored rows can carry what no payload shows.
#include <optional>
#include <string>
#include <string_view>

#include "sesmon/event.hpp"

namespace sesmon::state {

inline constexpr int event_codec_format = 1;

std::string encode_event(const sesmon::event& e);

// nullopt for anything encode_event did not write (the caller logs and skips the row).
std::optional<sesmon::event> decode_event(std::string_view text);

}  // namespace sesmon::state
