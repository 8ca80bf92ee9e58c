#pragma once
// The SENS SMS message of an event (ncp_sms): "[<title>] <summary>". SENS counts a message
// in bytes, a non-ASCII character as two: an SMS holds 80, an LMS 2,000 with a subject of
// 40. With sms_type auto a text that does not fit an SMS goes as an LMS; with sms_type sms
// it is shortened to one SMS. Never refused for its length.
#include <string>

#include "notify/message_text.hpp"
#include "sesmon/config.hpp"
#include "sesmon/event.hpp"

namespace sesmon::notify {

inline constexpr std::size_t sms_limit = 80;          // SENS bytes
inline constexpr std::size_t lms_limit = 2000;        // SENS bytes
inline constexpr std::size_t lms_subject_limit = 40;  // SENS bytes

struct sms_content {
    std::string type;     // "SMS" or "LMS"
    std::string subject;  // LMS only ("" for SMS)
    std::string content;
};

sms_content format_sms(const sesmon::event& e, const text_options& options, sesmon::sms_type type);

}  // namespace sesmon::notify
