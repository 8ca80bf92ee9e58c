#pragma once
// The NAVER WORKS Bot API 2.0 message body (ncp-api.md "Notifications"): a `text` message
// of at most 2,000 characters, or — when the notifier has a dashboard_url — a `flex` bubble
// (title, summary, facts, time) with a button to the dashboard's cluster view and an
// `altText` of at most 400 characters. Over-long texts are shortened with the catalogue's
// marker, never refused.
#include <string>

#include "notify/message_text.hpp"
#include "sesmon/event.hpp"

namespace sesmon::notify {

inline constexpr std::size_t works_text_limit = 2000;     // characters
inline constexpr std::size_t works_alt_text_limit = 400;  // characters

// The message as plain text (also what a text message carries).
std::string works_text(const sesmon::event& e, const text_options& options,
                       const std::string& link);

// {"content": {...}}: flex with a button when `link` is set, text otherwise.
std::string format_works(const sesmon::event& e, const text_options& options,
                         const std::string& link);

}  // namespace sesmon::notify
