#include "sim/poll_log.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace sesmon::sim {

void poll_log::record(const std::string& instance_no, std::chrono::system_clock::time_point at) {
    auto& times = polls_[instance_no];
    times.push_back(
        std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count());
    while (times.size() > per_cluster_)
        times.pop_front();
}

std::string poll_log::json() const {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("clusters");
    w.StartObject();
    for (const auto& [instance_no, times] : polls_) {
        w.Key(instance_no.c_str(), static_cast<rapidjson::SizeType>(instance_no.size()));
        w.StartArray();
        for (long long t : times)
            w.Int64(t);
        w.EndArray();
    }
    w.EndObject();
    w.EndObject();
    return buffer.GetString();
}

}  // namespace sesmon::sim
