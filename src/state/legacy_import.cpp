#include "state/legacy_import.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "common/time_format.hpp"
#include "monitor/cluster_state_json.hpp"
#include "state/event_codec.hpp"
#include "state/history.hpp"

namespace sesmon::state {
namespace fs = std::filesystem;
namespace {

// The old layout's parts, in the state directory.
constexpr std::string_view legacy_dirs[] = {"clusters", "outbox", "dead-letter", "handoff"};

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

// The regular files of `dir` ending in `extension`, sorted by name (the old outbox names
// sort in submission order). Temp files of interrupted writes are skipped.
std::vector<fs::path> files_in(const fs::path& dir, std::string_view extension) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (it->is_regular_file(ec) && name.ends_with(extension) &&
            name.find(".tmp.") == std::string::npos) {
            out.push_back(it->path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string compact(const rapidjson::Value& v) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    v.Accept(w);
    return {buffer.GetString(), buffer.GetSize()};
}

class importer {
  public:
    importer(sqlite::connection& db, const legacy_hooks& hooks, wall_time now, spdlog::logger& log)
        : db_(db),
          hooks_(hooks),
          now_(now.time_since_epoch().count()),
          log_(log),
          insert_cluster_(db,
                          "INSERT OR IGNORE INTO clusters(instance_no, name, state, updated_at) "
                          "VALUES(?1, ?2, ?3, ?4)"),
          insert_event_(db,
                        "INSERT OR IGNORE INTO events(id, instance_no, cluster, type, "
                        "upgrade_id, occurred_at, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
          insert_outbox_(db,
                         "INSERT OR IGNORE INTO outbox(notifier, event_id, status, last_error, "
                         "updated_at) VALUES(?1, ?2, ?3, ?4, ?5)") {}

    void clusters(const fs::path& dir) {
        for (const fs::path& file : files_in(dir, ".json")) {
            std::string error;
            const auto text = read_file(file);
            auto parsed = text ? monitor::cluster_state_from_json(*text, error) : std::nullopt;
            if (!parsed) {
                unreadable(file, text ? error : "cannot read");
                continue;
            }
            states_[parsed->instance_no] = parsed->state;
            insert_cluster_.bind(1, parsed->instance_no)
                .bind(2, parsed->instance_no)  // the old files had no name; the next commit sets it
                .bind(3, *text)
                .bind(4, now_)
                .run();
            result.clusters += static_cast<std::size_t>(db_.changes());
        }
    }

    void outboxes(const fs::path& dir) {
        std::error_code ec;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            if (!it->is_directory(ec))
                continue;
            const std::string notifier = it->path().filename().string();
            for (const fs::path& file : files_in(it->path(), ".json")) {
                const auto text = read_file(file);
                auto e = text ? hooks_.parse_generic(*text) : std::nullopt;
                if (!e) {
                    unreadable(file, "not an outbox entry");
                    continue;
                }
                result.pending += add(*e, notifier, "pending", "", now_);
            }
        }
    }

    void dead_letters(const fs::path& dir) {
        for (const fs::path& file : files_in(dir, ".jsonl")) {
            const std::string notifier = file.stem().string();
            std::ifstream in(file);
            std::string line;
            while (std::getline(in, line)) {
                if (line.empty())
                    continue;
                rapidjson::Document doc;
                doc.Parse(line.data(), line.size());
                std::optional<event> e;
                std::string reason = "dead-lettered before the upgrade to state.db";
                std::int64_t at = now_;
                if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("event")) {
                    e = hooks_.parse_generic(compact(doc["event"]));
                    if (doc.HasMember("reason") && doc["reason"].IsString())
                        reason = doc["reason"].GetString();
                    if (doc.HasMember("time") && doc["time"].IsString()) {
                        if (auto t = common::parse_rfc3339(doc["time"].GetString()))
                            at = t->time_since_epoch().count();
                    }
                }
                if (!e) {
                    unreadable(file, "a line is not a dead letter");
                    continue;
                }
                result.dead += add(*e, notifier, "dead", reason, at);
            }
        }
    }

    void handoffs(const fs::path& dir) {
        for (const fs::path& file : files_in(dir, ".json")) {
            const auto text = read_file(file);
            rapidjson::Document doc;
            if (text)
                doc.Parse(text->data(), text->size());
            if (!text || doc.HasParseError() || !doc.IsArray()) {
                unreadable(file, "not a handoff file");
                continue;
            }
            for (const auto& item : doc.GetArray()) {
                auto e = hooks_.parse_generic(compact(item));
                if (!e || !emitted(*e))
                    continue;  // unknown to the saved state: the tracker emits it again
                for (const std::string& notifier : hooks_.route(*e))
                    result.handed_over += add(*e, notifier, "pending", "", now_);
            }
        }
    }

    legacy_import_result result;

  private:
    bool emitted(const event& e) const {
        const auto it = states_.find(e.cluster.instance_no);
        return it != states_.end() &&
               std::find(it->second.emitted.begin(), it->second.emitted.end(), e.id) !=
                   it->second.emitted.end();
    }

    // Stores the event (once) and its outbox row; returns 1 when the row is new.
    std::size_t add(const event& e, const std::string& notifier, std::string_view status,
                    const std::string& error, std::int64_t at) {
        insert_event_.bind(1, e.id)
            .bind(2, e.cluster.instance_no)
            .bind(3, e.cluster.name)
            .bind(4, to_string(e.type))
            .bind(5, upgrade_id_of(e))
            .bind(6, e.occurred_at.time_since_epoch().count())
            .bind(7, encode_event(e))
            .run();
        insert_outbox_.bind(1, notifier).bind(2, e.id).bind(3, status).bind(4, error).bind(5, at);
        insert_outbox_.run();
        return static_cast<std::size_t>(db_.changes());
    }

    void unreadable(const fs::path& file, const std::string& why) {
        ++result.unreadable;
        log_.warn("state: legacy file {} not imported ({}); it stays in the legacy directory",
                  file.string(), why);
    }

    sqlite::connection& db_;
    const legacy_hooks& hooks_;
    std::int64_t now_;
    spdlog::logger& log_;
    sqlite::statement insert_cluster_;
    sqlite::statement insert_event_;
    sqlite::statement insert_outbox_;
    std::map<std::string, monitor::cluster_state> states_;
};

// legacy-<YYYYMMDD>, or legacy-<YYYYMMDD>-<n> when that exists already.
fs::path legacy_destination(const fs::path& directory, wall_time now) {
    const std::string date = common::format_rfc3339_utc(now).substr(0, 10);
    std::string stem = "legacy-" + date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2);
    fs::path out = directory / stem;
    std::error_code ec;
    for (int n = 2; fs::exists(out, ec); ++n)
        out = directory / (stem + "-" + std::to_string(n));
    return out;
}

}  // namespace

bool has_legacy_layout(const fs::path& directory) {
    std::error_code ec;
    return std::any_of(std::begin(legacy_dirs), std::end(legacy_dirs),
                       [&](std::string_view d) { return fs::is_directory(directory / d, ec); });
}

std::optional<legacy_import_result> import_legacy(sqlite::connection& db, const fs::path& directory,
                                                  const legacy_hooks& hooks, wall_time now,
                                                  spdlog::logger& log) {
    if (!has_legacy_layout(directory))
        return std::nullopt;
    importer in(db, hooks, now, log);
    db.exec("BEGIN IMMEDIATE");
    try {
        in.clusters(directory / "clusters");  // first: handoffs consult the states
        in.outboxes(directory / "outbox");
        in.dead_letters(directory / "dead-letter");
        in.handoffs(directory / "handoff");
        db.exec("COMMIT");
    } catch (...) {
        db.exec("ROLLBACK");
        throw;
    }

    legacy_import_result result = in.result;
    const fs::path destination = legacy_destination(directory, now);
    std::error_code ec;
    fs::create_directory(destination, ec);
    for (std::string_view d : legacy_dirs) {
        if (!ec && fs::exists(directory / d))
            fs::rename(directory / d, destination / d, ec);
    }
    if (ec) {
        log.warn(
            "state: imported the old state files but could not move them to {} ({}); the "
            "import will run again at the next start (harmlessly)",
            destination.string(), ec.message());
    } else {
        result.moved_to = destination;
    }
    log.info(
        "state: imported the per-file state into state.db: {} cluster(s), {} pending and "
        "{} dead-lettered deliveries, {} handed over from a crash; old files in {}",
        result.clusters, result.pending, result.dead, result.handed_over,
        result.moved_to.empty() ? directory.string() : result.moved_to.string());
    return result;
}

}  // namespace sesmon::state
