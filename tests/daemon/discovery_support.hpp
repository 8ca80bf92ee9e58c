#pragma once
// What a daemon watches, as its /api/v1/clusters says: shared by the discovery tests (alone,
// discovery_test.cpp, and in an HA group, ha_group_test.cpp).
#include <rapidjson/document.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "harness.hpp"

namespace sesmon::daemon_test {

// name → discovered, from /api/v1/clusters; empty when unavailable.
inline std::map<std::string, bool> watched(daemon_process& d) {
    std::map<std::string, bool> out;
    const auto body = http("GET", d.server_port(), "/api/v1/clusters");
    if (!body)
        return out;
    rapidjson::Document doc;
    doc.Parse(body->c_str());
    if (!doc.IsObject() || !doc.HasMember("clusters"))
        return out;
    for (const auto& c : doc["clusters"].GetArray())
        out[c["name"].GetString()] = c["discovered"].GetBool();
    return out;
}

// The clusters tests/daemon/scenarios/discovery.yaml's listing makes a daemon watch (with
// discovery's include "^prod" and exclude "-tmp$", and "mine" = 4002 configured): 17
// prod-NN (prod-02 is the static "mine"), "prod logs (eu)" and prod-old.
inline std::set<std::string> discovered_at_start() {
    std::set<std::string> out{"prod-01", "prod-logs-eu", "prod-old"};
    for (int i = 3; i <= 18; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "prod-%02d", i);
        out.insert(name);
    }
    return out;
}

inline std::set<std::string> discovered_names(daemon_process& d) {
    std::set<std::string> out;
    for (const auto& [name, discovered] : watched(d)) {
        if (discovered)
            out.insert(name);
    }
    return out;
}

}  // namespace sesmon::daemon_test
