#pragma once
// Cutting UTF-8 text to a receiver's limit without splitting a character: limits are in
// bytes (SENS, Teams, e-mail subjects), in characters (NAVER WORKS counts code points), or
// in SMS bytes (SENS counts a non-ASCII character as two, as EUC-KR does).
#include <cstddef>
#include <string>
#include <string_view>

namespace sesmon::notify {

// Code points in `text` (invalid bytes count one each).
std::size_t utf8_length(std::string_view text);

// SENS's byte count: ASCII one, every other character two.
std::size_t sms_bytes(std::string_view text);

enum class text_unit { bytes, characters, sms_bytes };

// `text` when it fits in `limit` units; otherwise as much of it as fits with `marker`
// appended (the marker counts towards the limit). Never splits a character.
std::string shorten(std::string_view text, std::size_t limit, std::string_view marker,
                    text_unit unit);

}  // namespace sesmon::notify
