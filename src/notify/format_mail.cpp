#include "notify/format_mail.hpp"

#include "notify/catalogue.hpp"
#include "notify/utf8_text.hpp"

namespace sesmon::notify {

namespace {

// Any one value (an error message, say) is cut to this so the whole mail stays under the
// body limit whatever the event carries.
constexpr std::size_t value_limit = 32 * 1024;

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    for (char ch : text) {
        switch (ch) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += ch;
        }
    }
    return out;
}

mail_content format_mail(const event& e, const text_options& options, const std::string& link) {
    const message_text m = render_message(e, options);
    const catalogue& c = catalogue_for(options.language);
    const auto cut = [&](std::string_view value) {
        return shorten(value, value_limit, c.shortened, text_unit::bytes);
    };
    mail_content mail;
    mail.subject = shorten("[ses-upgrade-monitor] " + m.title + ": " + e.cluster.name,
                           mail_subject_limit, c.shortened, text_unit::bytes);

    std::string& text = mail.text;
    text = cut(m.summary) + "\n\n";
    for (const message_fact& fact : m.facts)
        text += fact.label + ": " + cut(fact.value) + "\n";
    text += m.occurred_label + ": " + m.occurred + "\n";
    if (!link.empty())
        text += "\n" + std::string(c.open_dashboard) + ": " + link + "\n";
    text += "\n-- \nses-upgrade-monitor \u00b7 " + std::string(to_string(e.type)) + " \u00b7 " +
            m.event_ref + "\n";

    std::string& html = mail.html;
    html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
           html_escape(mail.subject) +
           "</title></head>\n<body style=\"font-family: sans-serif\">\n<h2>" +
           html_escape(m.title + ": " + e.cluster.name) + "</h2>\n<p>" +
           html_escape(cut(m.summary)) + "</p>\n<table cellpadding=\"4\">\n";
    for (const message_fact& fact : m.facts) {
        html += "<tr><th align=\"left\">" + html_escape(fact.label) + "</th><td>" +
                html_escape(cut(fact.value)) + "</td></tr>\n";
    }
    html += "<tr><th align=\"left\">" + html_escape(m.occurred_label) + "</th><td>" +
            html_escape(m.occurred) + "</td></tr>\n</table>\n";
    if (!link.empty()) {
        html += "<p><a href=\"" + html_escape(link) + "\">" + html_escape(c.open_dashboard) +
                "</a></p>\n";
    }
    html += "<p style=\"color: #888888; font-size: small\">ses-upgrade-monitor \u00b7 " +
            std::string(to_string(e.type)) + " \u00b7 " + html_escape(m.event_ref) +
            "</p>\n</body></html>\n";
    return mail;
}

}  // namespace sesmon::notify
