#pragma once
// Checked reading of YAML nodes for the loader: every problem is recorded in `diagnostics`
// with the node's position and key path, and reading goes on so one run reports as many
// problems as it can. A null value (`key:` or `key: ~`) counts as absent.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/error.hpp"
#include "sesmon/time.hpp"

namespace sesmon::config_file {

// A string from a YAML list, with where it was.
struct located_string {
    std::string text;
    YAML::Mark mark;
    std::string path;  // "clusters[0].notify[1]"
};

// The problems found so far in one file.
class diagnostics {
  public:
    explicit diagnostics(std::string file) : file_(std::move(file)) {}

    // `mark` is yaml-cpp's (0-based); a null mark (line < 0) becomes 1:1.
    void add(const YAML::Mark& mark, std::string path, std::string message);
    bool empty() const { return issues_.empty(); }
    // Throws config::error with every problem found, if any.
    void throw_if_any() const;

  private:
    std::string file_;
    std::vector<issue> issues_;
};

// One YAML mapping read against a fixed set of keys. Construction reports a node that is not
// a mapping, unknown keys (at the key) and duplicate keys. An absent or null node reads as
// an empty mapping.
class map_reader {
  public:
    map_reader(diagnostics& diag, const YAML::Node& node, std::string path,
               std::vector<std::string_view> allowed, const YAML::Mark& fallback);

    bool is_mapping() const { return mapping_; }
    // Present with a non-null value.
    bool has(std::string_view key) const { return find(key) != nullptr; }
    // The value, or an undefined node when absent or null.
    YAML::Node value(std::string_view key) const;
    // Keys present in the file, in file order (null values included).
    std::vector<std::string> keys() const;

    const std::string& path() const { return path_; }
    std::string path(std::string_view key) const;
    const YAML::Mark& mark() const { return mark_; }
    YAML::Mark key_mark(std::string_view key) const;
    YAML::Mark value_mark(std::string_view key) const;

    void fail(std::string_view key, std::string message) const;      // at the value
    void fail_key(std::string_view key, std::string message) const;  // at the key
    void fail_here(std::string message) const;                       // at the mapping

    // Typed reads: true when the key is present and valid (then `out` is set); a present but
    // invalid value is reported and leaves `out` unchanged.
    bool read(std::string_view key, std::string& out) const;
    bool read(std::string_view key, int& out) const;
    bool read(std::string_view key, bool& out) const;  // true or false
    bool read(std::string_view key, double& out) const;
    // A duration of at most 400d (common::max_duration); 0s only where `zero` allows it.
    enum class zero_duration { refused, allowed };
    bool read(std::string_view key, duration& out,
              zero_duration zero = zero_duration::refused) const;
    // A list of strings; nullopt when absent or when any item is not a string (reported).
    std::optional<std::vector<located_string>> read_strings(std::string_view key) const;
    // Reads a string that must be one of `names` (reported as "unknown <what> ...").
    template <typename E>
    bool read_enum(std::string_view key, std::string_view what,
                   const std::vector<std::pair<std::string_view, E>>& names, E& out) const;

    // A nested mapping under `key`, positioned at the key when absent.
    map_reader child(std::string_view key, std::vector<std::string_view> allowed) const;
    diagnostics& diag() const { return *diag_; }

  private:
    struct entry {
        std::string key;
        YAML::Node key_node;
        YAML::Node value;
    };
    const entry* find(std::string_view key) const;
    std::optional<std::string> scalar(std::string_view key, std::string_view expected) const;
    template <typename T>
    bool read_number(std::string_view key, std::string_view expected, T& out) const;
    void report_unknown_enum(std::string_view key, std::string_view what, const std::string& given,
                             const std::vector<std::string_view>& names) const;

    diagnostics* diag_;
    std::string path_;
    YAML::Mark mark_;
    bool mapping_ = true;
    std::vector<entry> entries_;
};

// "a, b or c"
std::string list_names(const std::vector<std::string_view>& names);

template <typename E>
bool map_reader::read_enum(std::string_view key, std::string_view what,
                           const std::vector<std::pair<std::string_view, E>>& names, E& out) const {
    const auto text = scalar(key, "a string");
    if (!text) {
        return false;
    }
    std::vector<std::string_view> known;
    for (const auto& [name, value] : names) {
        if (name == *text) {
            out = value;
            return true;
        }
        known.push_back(name);
    }
    report_unknown_enum(key, what, *text, known);
    return false;
}

}  // namespace sesmon::config_file
