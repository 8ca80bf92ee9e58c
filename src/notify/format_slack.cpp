#include "notify/format_slack.hpp"

#include <vector>

#include "common/json_writer.hpp"
#include "notify/catalogue.hpp"
#include "notify/event_text.hpp"

namespace sesmon::notify {

namespace json = common::json;

namespace {

// Slack's mrkdwn treats &, < and > as control characters.
std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// Header blocks take at most 150 characters of plain text.
std::string clip(std::string text, std::size_t max) {
    if (text.size() > max) {
        text.resize(max - 3);
        // Do not cut a UTF-8 sequence in half.
        while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) {
            text.pop_back();
        }
        if (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80) != 0) {
            text.pop_back();
        }
        text += "...";
    }
    return text;
}

void text_object(json::writer& w, std::string_view type, std::string_view text) {
    w.StartObject();
    json::put(w, "type", type);
    json::put(w, "text", text);
    if (type == "plain_text") {
        json::key(w, "emoji");
        w.Bool(true);
    }
    w.EndObject();
}

std::string bold(std::string_view label) {
    return "*" + std::string(label) + "*\n";
}

// The message's facts in Slack's mrkdwn: the same labels as every other format, the node and
// its status words (as code) in one field, and the expected finish as a <!date> that Slack
// shows in the reader's own zone (the text after | is the fallback, in the notifier's zone).
std::vector<std::string> fields(const event& e, const text_options& options) {
    const catalogue& c = catalogue_for(options.language);
    std::vector<std::string> out;
    for (const message_fact& fact : render_message(e, options).facts) {
        switch (fact.kind) {
            case fact_kind::status:
                break;  // part of the node's field
            case fact_kind::cluster: {
                std::string cluster = bold(fact.label) + escape(fact.value);
                std::string labels;
                for (const auto& [key, value] : e.cluster.labels)
                    labels +=
                        (labels.empty() ? "" : " \u00b7 ") + escape(key) + "=" + escape(value);
                out.push_back(labels.empty() ? cluster : cluster + "\n" + labels);
                break;
            }
            case fact_kind::node: {
                std::string node = bold(fact.label) + escape(fact.value);
                const std::string status = "`" + escape(e.node->status) + "`";
                node += "\n" +
                        (e.node->previous_status.empty()
                             ? status
                             : fill(c.status_was,
                                    {{"status", status},
                                     {"previous", "`" + escape(e.node->previous_status) + "`"}}));
                out.push_back(std::move(node));
                break;
            }
            case fact_kind::expected_finish: {
                const auto at = *e.upgrade->expected_finish;
                out.push_back(bold(fact.label) + "<!date^" +
                              std::to_string(at.time_since_epoch().count()) +
                              "^{date_short_pretty} {time}|" + escape(fact.value) + ">");
                break;
            }
            case fact_kind::error:
                out.push_back(bold(fact.label) + escape(clip(fact.value, 1900)));
                break;
            default:
                out.push_back(bold(fact.label) + escape(fact.value));
                break;
        }
    }
    // The cluster's own OpenSearch view (SPEC §16), where the event carries one.
    if (auto view = cluster_view_text(e); !view.empty())
        out.push_back(bold("OpenSearch") + escape(clip(view, 1900)));
    return out;
}

}  // namespace

std::string format_slack(const event& e, const text_options& options) {
    const message_text m = render_message(e, options);
    const std::string summary = localized_summary(e, options);
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::put(w, "text", std::string(event_emoji(e.type)) + " " + escape(summary));
    json::key(w, "blocks");
    w.StartArray();

    w.StartObject();
    json::put(w, "type", "header");
    json::key(w, "text");
    text_object(
        w, "plain_text",
        clip(std::string(event_emoji(e.type)) + " " + m.title + ": " + e.cluster.name, 150));
    w.EndObject();

    w.StartObject();
    json::put(w, "type", "section");
    json::key(w, "text");
    text_object(w, "mrkdwn", clip(escape(summary), 3000));
    json::key(w, "fields");
    w.StartArray();
    for (const auto& field : fields(e, options)) {
        text_object(w, "mrkdwn", field);
    }
    w.EndArray();
    w.EndObject();

    if (!e.digest.empty()) {
        // A digest: its members, one line each (the section text holds at most 3000).
        std::string lines;
        for (const digest_entry& d : e.digest)
            lines += "\u2022 " + escape(d.summary) + "\n";
        w.StartObject();
        json::put(w, "type", "section");
        json::key(w, "text");
        text_object(w, "mrkdwn", clip(lines, 3000));
        w.EndObject();
    }

    w.StartObject();
    json::put(w, "type", "context");
    json::key(w, "elements");
    w.StartArray();
    text_object(
        w, "mrkdwn",
        m.occurred + " \u00b7 " + std::string(to_string(e.type)) + " \u00b7 " + m.event_ref);
    w.EndArray();
    w.EndObject();

    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

}  // namespace sesmon::notify
