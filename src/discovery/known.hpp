#pragma once
// known: the clusters discovery has seen in complete listings. The daemon keeps the set in
// the state store between runs (so a restarted daemon watches them before its first
// listing answers).
#include <string>
#include <vector>

namespace sesmon::discovery {

// One cluster of the known set: listed as allowed, with a watchable status, in some
// complete listing, and not yet dropped.
struct known_cluster {
    std::string instance_no;
    std::string region;       // the region whose list it was in
    std::string listed_name;  // clusterName as last listed
    std::string name;         // the label it is watched under; "" until assigned
    int misses = 0;           // consecutive complete listings it was absent from
    friend bool operator==(const known_cluster&, const known_cluster&) = default;
};

// Sorted by instance_no (numerically), one entry per instance_no.
using known_set = std::vector<known_cluster>;

// Orders instance numbers as numbers ("99" < "100"), then as text.
bool instance_less(const std::string& a, const std::string& b);

}  // namespace sesmon::discovery
