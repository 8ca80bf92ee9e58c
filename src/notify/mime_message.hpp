#pragma once
// The RFC 5322 / MIME text of an e-mail for SMTP: headers (From, To, Subject as RFC 2047
// UTF-8 encoded words, Date, Message-ID from the event id, Auto-Submitted) and a
// multipart/alternative body with the plain-text and the HTML part, each Base64 in lines
// of 76. CRLF line ends. Pure.
#include <string>
#include <vector>

#include "notify/format_mail.hpp"
#include "sesmon/time.hpp"

namespace sesmon::notify {

struct mime_envelope {
    std::string from;
    std::vector<std::string> to;
    std::string event_id;
    sesmon::wall_time date;
};

std::string mime_message(const mail_content& mail, const mime_envelope& envelope);

// "=?UTF-8?B?...?=" words of at most 75 characters, joined by CRLF + space (folding);
// pure ASCII printable text is returned as it is.
std::string encoded_header_value(std::string_view text);

}  // namespace sesmon::notify
