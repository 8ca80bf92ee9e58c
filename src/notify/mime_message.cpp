#include "notify/mime_message.hpp"

#include <algorithm>
#include <cstdio>

#include "common/crypto.hpp"

namespace sesmon::notify {
namespace {

// A UTF-8 lead byte (or ASCII): where a character starts.
bool starts_character(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
}

std::string base64_lines(std::string_view bytes) {
    const std::string encoded = common::base64_encode(bytes);
    std::string out;
    for (std::size_t i = 0; i < encoded.size(); i += 76)
        out += encoded.substr(i, 76) + "\r\n";
    return out;
}

// "Thu, 26 Nov 2026 20:01:02 +0000".
std::string rfc5322_date(wall_time t) {
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd(day);
    const std::chrono::weekday weekday(day);
    const std::chrono::hh_mm_ss hms(t - day);
    char text[64];
    std::snprintf(text, sizeof text, "%s, %u %s %d %02d:%02d:%02d +0000",
                  days[weekday.c_encoding()], static_cast<unsigned>(ymd.day()),
                  months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return text;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

}  // namespace

std::string encoded_header_value(std::string_view text) {
    const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
    });
    if (plain)
        return std::string(text);
    // 45 bytes encode to 60 characters: with "=?UTF-8?B?" and "?=" a word stays under 75.
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = std::min(text.size(), i + 45);
        while (end < text.size() && end > i && !starts_character(text[end]))
            --end;
        if (end == i)
            end = std::min(text.size(), i + 45);
        out += (out.empty() ? "" : "\r\n ") + std::string("=?UTF-8?B?") +
               common::base64_encode(text.substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

std::string mime_message(const mail_content& mail, const mime_envelope& envelope) {
    const std::string boundary = "sesmon-" + envelope.event_id.substr(0, 24);
    std::string m;
    m += "From: ses-upgrade-monitor <" + envelope.from + ">\r\n";
    m += "To: " + joined(envelope.to) + "\r\n";
    m += "Subject: " + encoded_header_value(mail.subject) + "\r\n";
    m += "Date: " + rfc5322_date(envelope.date) + "\r\n";
    m += "Message-ID: <" + envelope.event_id + "@ses-upgrade-monitor>\r\n";
    m += "Auto-Submitted: auto-generated\r\n";
    m += "X-SES-Event-Id: " + envelope.event_id + "\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    for (const auto& [type, body] :
         {std::pair{"text/plain", &mail.text}, std::pair{"text/html", &mail.html}}) {
        m += "--" + boundary + "\r\n";
        m += std::string("Content-Type: ") + type + "; charset=UTF-8\r\n";
        m += "Content-Transfer-Encoding: base64\r\n\r\n";
        m += base64_lines(*body);
    }
    m += "--" + boundary + "--\r\n";
    return m;
}

}  // namespace sesmon::notify
