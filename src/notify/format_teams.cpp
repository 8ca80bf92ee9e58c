#include "notify/format_teams.hpp"

#include "common/json_writer.hpp"
#include "notify/catalogue.hpp"
#include "notify/utf8_text.hpp"

namespace sesmon::notify {

namespace json = common::json;

namespace {

// Stalls, failures and blindness are drawn in the card's "attention" colour.
bool alarming(event_type type) {
    return type == event_type::upgrade_failed || type == event_type::upgrade_stalled ||
           type == event_type::monitor_blind || type == event_type::upgrade_vanished;
}

void text_block(json::writer& w, std::string_view text, bool heading, bool subtle = false,
                std::string_view color = {}) {
    w.StartObject();
    json::put(w, "type", "TextBlock");
    json::put(w, "text", text);
    json::key(w, "wrap");
    w.Bool(true);
    if (heading) {
        json::put(w, "size", "Medium");
        json::put(w, "weight", "Bolder");
    }
    if (subtle) {
        json::key(w, "isSubtle");
        w.Bool(true);
        json::put(w, "size", "Small");
    }
    if (!color.empty())
        json::put(w, "color", color);
    w.EndObject();
}

// The body with the summary and the error cut to `limit` bytes each.
std::string card(const event& e, const message_text& m, const catalogue& c, const std::string& link,
                 std::size_t limit) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::put(w, "type", "message");
    json::key(w, "attachments");
    w.StartArray();
    w.StartObject();
    json::put(w, "contentType", "application/vnd.microsoft.card.adaptive");
    json::key(w, "contentUrl");
    w.Null();
    json::key(w, "content");
    w.StartObject();
    json::put(w, "$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    json::put(w, "type", "AdaptiveCard");
    json::put(w, "version", "1.2");
    json::key(w, "body");
    w.StartArray();
    text_block(w, m.title + ": " + e.cluster.name, true, false,
               alarming(e.type) ? "Attention" : "");
    text_block(w, shorten(m.summary, limit, c.shortened, text_unit::bytes), false);
    w.StartObject();
    json::put(w, "type", "FactSet");
    json::key(w, "facts");
    w.StartArray();
    for (const message_fact& fact : m.facts) {
        w.StartObject();
        json::put(w, "title", fact.label);
        json::put(w, "value", shorten(fact.value, limit, c.shortened, text_unit::bytes));
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    text_block(w, m.occurred + " \u00b7 " + m.event_ref, false, true);
    w.EndArray();
    if (!link.empty()) {
        json::key(w, "actions");
        w.StartArray();
        w.StartObject();
        json::put(w, "type", "Action.OpenUrl");
        json::put(w, "title", c.open_dashboard);
        json::put(w, "url", link);
        w.EndObject();
        w.EndArray();
    }
    json::key(w, "msteams");
    w.StartObject();
    json::put(w, "width", "Full");
    w.EndObject();
    w.EndObject();
    w.EndObject();
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

}  // namespace

std::string format_teams(const event& e, const text_options& options, const std::string& link) {
    const message_text m = render_message(e, options);
    const catalogue& c = catalogue_for(options.language);
    // Everything but the summary and the error is small and bounded (names, versions,
    // times); those two are cut until the card fits.
    for (std::size_t limit : {std::size_t{12000}, std::size_t{4000}, std::size_t{1000}}) {
        std::string body = card(e, m, c, link, limit);
        if (body.size() <= teams_body_limit)
            return body;
    }
    return card(e, m, c, link, 200);
}

}  // namespace sesmon::notify
