#include "notify/format_slack.hpp"

#include <vector>

#include "common/json_writer.hpp"
#include "common/time_format.hpp"
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

std::vector<std::string> fields(const event& e) {
    std::vector<std::string> out;
    std::string cluster = "*Cluster*\n" + escape(e.cluster.name);
    if (!e.cluster.instance_no.empty()) {
        cluster += " (" + escape(e.cluster.instance_no) +
                   (e.cluster.region.empty() ? "" : ", " + escape(e.cluster.region)) + ")";
    }
    out.push_back(std::move(cluster));
    if (auto versions = version_text(e); !versions.empty()) {
        out.push_back("*Versions*\n" + escape(versions));
    }
    if (auto progress = progress_text(e); !progress.empty()) {
        out.push_back("*Progress*\n" + progress + " nodes done");
    }
    if (e.upgrade && e.upgrade->expected_finish) {
        // Slack shows <!date^...> in the reader's own time zone; the text after | is the
        // fallback for clients that cannot.
        const auto at = *e.upgrade->expected_finish;
        out.push_back("*Expected finish*\n<!date^" + std::to_string(at.time_since_epoch().count()) +
                      "^{date_short_pretty} {time}|" + common::format_rfc3339_utc(at) + ">");
    }
    if (e.node) {
        std::string node = "*Node*\n" + escape(e.node->hostname);
        if (!e.node->role.empty()) {
            node += " (" + escape(e.node->role) + ")";
        }
        node += "\n`" + escape(e.node->status) + "`";
        if (!e.node->previous_status.empty()) {
            node += " (was `" + escape(e.node->previous_status) + "`)";
        }
        out.push_back(std::move(node));
    }
    if (e.type == event_type::upgrade_stalled || e.type == event_type::stall_cleared ||
        e.type == event_type::recovery_stuck) {
        if (auto stuck = stuck_for(e)) {
            out.push_back("*Stuck for*\n" + common::format_duration(*stuck));
        }
    }
    if (auto view = cluster_view_text(e); !view.empty()) {
        out.push_back("*OpenSearch*\n" + escape(clip(view, 1900)));
    }
    if (e.error) {
        out.push_back("*Last error*\n" + escape(clip(*e.error, 1900)));
    }
    return out;
}

}  // namespace

std::string format_slack(const event& e) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::put(w, "text", std::string(event_emoji(e.type)) + " " + escape(e.summary));
    json::key(w, "blocks");
    w.StartArray();

    w.StartObject();
    json::put(w, "type", "header");
    json::key(w, "text");
    text_object(w, "plain_text",
                clip(std::string(event_emoji(e.type)) + " " + std::string(event_title(e.type)) +
                         ": " + e.cluster.name,
                     150));
    w.EndObject();

    w.StartObject();
    json::put(w, "type", "section");
    json::key(w, "text");
    text_object(w, "mrkdwn", clip(escape(e.summary), 3000));
    json::key(w, "fields");
    w.StartArray();
    for (const auto& field : fields(e)) {
        text_object(w, "mrkdwn", field);
    }
    w.EndArray();
    w.EndObject();

    w.StartObject();
    json::put(w, "type", "context");
    json::key(w, "elements");
    w.StartArray();
    text_object(w, "mrkdwn",
                common::format_rfc3339_utc(e.occurred_at) + " \u00b7 " +
                    std::string(to_string(e.type)) + " \u00b7 event " + e.id.substr(0, 12));
    w.EndArray();
    w.EndObject();

    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

}  // namespace sesmon::notify
