#pragma once
// The e-mail of an event, for ncp_mail and smtp: a subject ("[ses-upgrade-monitor] <title>:
// <cluster>") and a plain-text and an HTML body with the summary, the facts, the time, the
// dashboard link and the event id. Pure.
#include <string>

#include "notify/message_text.hpp"
#include "sesmon/event.hpp"

namespace sesmon::notify {

struct mail_content {
    std::string subject;  // at most mail_subject_limit bytes
    std::string text;     // plain text, lines joined with "\n"
    std::string html;     // a whole small document, every value escaped
};

inline constexpr std::size_t mail_subject_limit = 400;      // bytes (SENS: title ≤ 500 B)
inline constexpr std::size_t mail_body_limit = 400 * 1024;  // bytes (SENS: body ≤ 500 KB)

mail_content format_mail(const sesmon::event& e, const text_options& options,
                         const std::string& link);

// &, <, >, " and ' as HTML entities.
std::string html_escape(std::string_view text);

}  // namespace sesmon::notify
