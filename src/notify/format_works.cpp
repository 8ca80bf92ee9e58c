#include "notify/format_works.hpp"

#include "common/json_writer.hpp"
#include "notify/catalogue.hpp"
#include "notify/utf8_text.hpp"

namespace sesmon::notify {

namespace json = common::json;

namespace {

// A fact's value inside a bubble: long ones (an error) are cut so the bubble stays small.
constexpr std::size_t bubble_value_limit = 1000;

void text_component(json::writer& w, std::string_view text, std::string_view size,
                    bool bold = false, std::string_view color = {}) {
    w.StartObject();
    json::put(w, "type", "text");
    json::put(w, "text", text);
    json::put(w, "size", size);
    json::key(w, "wrap");
    w.Bool(true);
    if (bold)
        json::put(w, "weight", "bold");
    if (!color.empty())
        json::put(w, "color", color);
    w.EndObject();
}

void fact_row(json::writer& w, std::string_view label, std::string_view value,
              std::string_view marker) {
    w.StartObject();
    json::put(w, "type", "box");
    json::put(w, "layout", "baseline");
    json::put(w, "spacing", "sm");
    json::key(w, "contents");
    w.StartArray();
    w.StartObject();
    json::put(w, "type", "text");
    json::put(w, "text", label);
    json::put(w, "size", "xs");
    json::put(w, "color", "#888888");
    json::key(w, "flex");
    w.Int(2);
    json::key(w, "wrap");
    w.Bool(true);
    w.EndObject();
    w.StartObject();
    json::put(w, "type", "text");
    json::put(w, "text", shorten(value, bubble_value_limit, marker, text_unit::characters));
    json::put(w, "size", "xs");
    json::key(w, "flex");
    w.Int(5);
    json::key(w, "wrap");
    w.Bool(true);
    w.EndObject();
    w.EndArray();
    w.EndObject();
}

void bubble(json::writer& w, const message_text& m, const catalogue& c, const std::string& link,
            const event& e) {
    w.StartObject();
    json::put(w, "type", "bubble");
    json::key(w, "body");
    w.StartObject();
    json::put(w, "type", "box");
    json::put(w, "layout", "vertical");
    json::put(w, "spacing", "md");
    json::key(w, "contents");
    w.StartArray();
    text_component(w, m.title + ": " + e.cluster.name, "md", true);
    text_component(w, shorten(m.summary, bubble_value_limit, c.shortened, text_unit::characters),
                   "sm");
    w.StartObject();
    json::put(w, "type", "separator");
    w.EndObject();
    for (const message_fact& fact : m.facts)
        fact_row(w, fact.label, fact.value, c.shortened);
    fact_row(w, m.occurred_label, m.occurred, c.shortened);
    w.EndArray();
    w.EndObject();
    json::key(w, "footer");
    w.StartObject();
    json::put(w, "type", "box");
    json::put(w, "layout", "vertical");
    json::key(w, "contents");
    w.StartArray();
    w.StartObject();
    json::put(w, "type", "button");
    json::put(w, "style", "primary");
    json::put(w, "height", "sm");
    json::key(w, "action");
    w.StartObject();
    json::put(w, "type", "uri");
    json::put(w, "label", c.open_dashboard);
    json::put(w, "uri", link);
    w.EndObject();
    w.EndObject();
    w.EndArray();
    w.EndObject();
    w.EndObject();
}

}  // namespace

std::string works_text(const event& e, const text_options& options, const std::string& link) {
    const message_text m = render_message(e, options);
    const catalogue& c = catalogue_for(options.language);
    std::string text = "[" + m.title + "] " + m.summary + "\n";
    for (const message_fact& fact : m.facts)
        text += "\n" + fact.label + ": " + fact.value;
    text += "\n" + m.occurred_label + ": " + m.occurred;
    // The link goes first in what is kept: the text is cut before it, not through it.
    const std::string tail = link.empty() ? std::string() : "\n" + link;
    return shorten(text, works_text_limit - utf8_length(tail), c.shortened, text_unit::characters) +
           tail;
}

std::string format_works(const event& e, const text_options& options, const std::string& link) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "content");
    w.StartObject();
    if (link.empty()) {
        json::put(w, "type", "text");
        json::put(w, "text", works_text(e, options, link));
    } else {
        const message_text m = render_message(e, options);
        const catalogue& c = catalogue_for(options.language);
        json::put(w, "type", "flex");
        json::put(w, "altText",
                  shorten("[" + m.title + "] " + m.summary, works_alt_text_limit, c.shortened,
                          text_unit::characters));
        json::key(w, "contents");
        bubble(w, m, c, link, e);
    }
    w.EndObject();
    w.EndObject();
    return json::text(buffer);
}

}  // namespace sesmon::notify
