#include "daemon/handoff.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/crypto.hpp"
#include "notify/format_generic.hpp"
#include "notify/outbox.hpp"

namespace sesmon::daemon {

namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

handoff::handoff(fs::path state_dir, std::shared_ptr<spdlog::logger> logger)
    : state_dir_(std::move(state_dir)),
      directory_(state_dir_ / "handoff"),
      logger_(std::move(logger)) {
    std::error_code ec;
    fs::create_directories(directory_, ec);
    if (ec)
        logger_->error("cannot create {}: {}", directory_.string(), ec.message());
}

fs::path handoff::file_of(const std::string& instance_no) const {
    // Same rule as the state store: plain names as they are, anything else hashed.
    const bool plain = !instance_no.empty() && instance_no.size() <= 64 &&
                       std::all_of(instance_no.begin(), instance_no.end(), [](unsigned char c) {
                           return std::isalnum(c) || c == '-' || c == '_';
                       });
    return directory_ /
           ((plain ? instance_no : common::to_hex(common::sha256(instance_no))) + ".json");
}

bool handoff::write(const std::string& instance_no, const std::vector<event>& events) {
    std::string body = "[";
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (i)
            body += ',';
        body += notify::format_generic(events[i]);
    }
    body += ']';
    if (auto ec = common::write_file_atomically(file_of(instance_no), body, 0600)) {
        logger_->error("cannot write handoff file {}: {}", file_of(instance_no).string(),
                       ec.message());
        return false;
    }
    return true;
}

void handoff::clear(const std::string& instance_no) {
    std::error_code ec;
    fs::remove(file_of(instance_no), ec);
}

std::vector<event> handoff::take(const std::string& instance_no,
                                 const monitor::cluster_state& state) {
    std::vector<event> out;
    const auto file = file_of(instance_no);
    if (!fs::exists(file))
        return out;
    rapidjson::Document doc;
    const auto text = read_all(file);
    doc.Parse(text.c_str());
    if (!doc.HasParseError() && doc.IsArray()) {
        for (const auto& item : doc.GetArray()) {
            rapidjson::StringBuffer buf;
            rapidjson::Writer<rapidjson::StringBuffer> w(buf);
            item.Accept(w);
            auto e = notify::parse_generic(std::string_view(buf.GetString(), buf.GetSize()));
            if (!e)
                continue;
            if (std::find(state.emitted.begin(), state.emitted.end(), e->id) !=
                state.emitted.end()) {
                out.push_back(std::move(*e));
            }
        }
    } else {
        logger_->warn("handoff file {} does not parse; ignored", file.string());
    }
    clear(instance_no);
    return out;
}

bool handoff::in_outbox(const std::string& notifier, const std::string& id) const {
    const auto dir = state_dir_ / "outbox" / notify::file_name_for(notifier);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".json")
            continue;
        if (auto e = notify::parse_generic(read_all(entry.path())); e && e->id == id)
            return true;
    }
    return false;
}

}  // namespace sesmon::daemon
