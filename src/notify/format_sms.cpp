#include "notify/format_sms.hpp"

#include "notify/catalogue.hpp"
#include "notify/utf8_text.hpp"

namespace sesmon::notify {

sms_content format_sms(const event& e, const text_options& options, sms_type type) {
    const message_text m = render_message(e, options);
    const catalogue& c = catalogue_for(options.language);
    const std::string text = "[" + m.title + "] " + m.summary;
    sms_content out;
    if (sms_bytes(text) <= sms_limit || type == sms_type::sms) {
        out.type = "SMS";
        // The marker would eat a tenth of an SMS: a single ellipsis says enough.
        out.content = shorten(text, sms_limit, "\u2026", text_unit::sms_bytes);
        return out;
    }
    out.type = "LMS";
    out.subject =
        shorten(m.title + ": " + e.cluster.name, lms_subject_limit, "\u2026", text_unit::sms_bytes);
    std::string body = m.summary + "\n" + m.occurred;
    out.content = shorten(body, lms_limit, c.shortened, text_unit::sms_bytes);
    return out;
}

}  // namespace sesmon::notify
