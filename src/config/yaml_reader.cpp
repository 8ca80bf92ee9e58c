#include "config/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <type_traits>

#include "common/time_format.hpp"
#include "config/suggest.hpp"

namespace sesmon::config_file {
namespace {

bool present(const YAML::Node& node) {
    return node.IsDefined() && !node.IsNull();
}

std::string join_path(const std::string& base, std::string_view key) {
    return base.empty() ? std::string(key) : base + "." + std::string(key);
}

}  // namespace

void diagnostics::add(const YAML::Mark& mark, std::string path, std::string message) {
    issue problem;
    problem.line = mark.line >= 0 ? mark.line + 1 : 1;
    problem.column = mark.column >= 0 ? mark.column + 1 : 1;
    problem.path = std::move(path);
    problem.message = std::move(message);
    issues_.push_back(std::move(problem));
}

void diagnostics::throw_if_any() const {
    if (!issues_.empty()) {
        throw error(file_, issues_);
    }
}

std::string list_names(const std::vector<std::string_view>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            out += i + 1 == names.size() ? " or " : ", ";
        }
        out += names[i];
    }
    return out;
}

map_reader::map_reader(diagnostics& diag, const YAML::Node& node, std::string path,
                       std::vector<std::string_view> allowed, const YAML::Mark& fallback)
    : diag_(&diag), path_(std::move(path)), mark_(fallback) {
    if (!present(node)) {
        return;
    }
    mark_ = node.Mark();
    if (!node.IsMap()) {
        mapping_ = false;
        diag_->add(mark_, path_.empty() ? "(top level)" : path_, "expected a mapping of keys");
        return;
    }
    // yaml-cpp's map iterator yields pairs by value: copy the nodes (handles), never bind
    // references to `it->first`, which die with the temporary.
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key_node = it->first;
        const YAML::Node value_node = it->second;
        if (!key_node.IsScalar()) {
            diag_->add(key_node.Mark(), path_, "keys must be plain strings");
            continue;
        }
        const std::string key = key_node.Scalar();
        bool known = false;
        for (const std::string_view name : allowed) {
            known = known || name == key;
        }
        if (!known) {
            diag_->add(key_node.Mark(), join_path(path_, key),
                       "unknown key" + did_you_mean(key, allowed));
            continue;
        }
        if (std::any_of(entries_.begin(), entries_.end(),
                        [&](const entry& e) { return e.key == key; })) {
            diag_->add(key_node.Mark(), join_path(path_, key), "duplicate key");
            continue;
        }
        entries_.push_back(entry{key, key_node, value_node});
    }
}

const map_reader::entry* map_reader::find(std::string_view key) const {
    for (const entry& e : entries_) {
        if (e.key == key) {
            return present(e.value) ? &e : nullptr;
        }
    }
    return nullptr;
}

YAML::Node map_reader::value(std::string_view key) const {
    const entry* e = find(key);
    return e != nullptr ? e->value : YAML::Node(YAML::NodeType::Undefined);
}

std::vector<std::string> map_reader::keys() const {
    std::vector<std::string> out;
    for (const entry& e : entries_) {
        out.push_back(e.key);
    }
    return out;
}

std::string map_reader::path(std::string_view key) const {
    return join_path(path_, key);
}

YAML::Mark map_reader::key_mark(std::string_view key) const {
    for (const entry& e : entries_) {
        if (e.key == key) {
            return e.key_node.Mark();
        }
    }
    return mark_;
}

YAML::Mark map_reader::value_mark(std::string_view key) const {
    const entry* e = find(key);
    return e != nullptr ? e->value.Mark() : key_mark(key);
}

void map_reader::fail(std::string_view key, std::string message) const {
    diag_->add(value_mark(key), path(key), std::move(message));
}

void map_reader::fail_key(std::string_view key, std::string message) const {
    diag_->add(key_mark(key), path(key), std::move(message));
}

void map_reader::fail_here(std::string message) const {
    diag_->add(mark_, path_, std::move(message));
}

std::optional<std::string> map_reader::scalar(std::string_view key,
                                              std::string_view expected) const {
    const entry* e = find(key);
    if (e == nullptr) {
        return std::nullopt;
    }
    if (!e->value.IsScalar()) {
        fail(key, "expected " + std::string(expected));
        return std::nullopt;
    }
    return e->value.Scalar();
}

bool map_reader::read(std::string_view key, std::string& out) const {
    auto text = scalar(key, "a string");
    if (!text) {
        return false;
    }
    out = std::move(*text);
    return true;
}

// Reads an int or a finite double; the whole scalar must be the number.
template <typename T>
bool map_reader::read_number(std::string_view key, std::string_view expected, T& out) const {
    const auto text = scalar(key, expected);
    if (!text) {
        return false;
    }
    T value{};
    const char* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    bool finite = true;
    if constexpr (std::is_floating_point_v<T>) {
        finite = std::isfinite(value);
    }
    if (ec != std::errc{} || ptr != end || !finite) {
        fail(key, "expected " + std::string(expected) + ", got \"" + *text + "\"");
        return false;
    }
    out = value;
    return true;
}

bool map_reader::read(std::string_view key, int& out) const {
    return read_number(key, "an integer", out);
}

bool map_reader::read(std::string_view key, bool& out) const {
    const auto text = scalar(key, "true or false");
    if (!text) {
        return false;
    }
    if (*text != "true" && *text != "false") {
        fail(key, "expected true or false, got \"" + *text + "\"");
        return false;
    }
    out = *text == "true";
    return true;
}

bool map_reader::read(std::string_view key, double& out) const {
    return read_number(key, "a number", out);
}

bool map_reader::read(std::string_view key, duration& out, zero_duration zero) const {
    const auto text = scalar(key, "a duration");
    if (!text) {
        return false;
    }
    const auto value = common::parse_duration(*text);
    if (!value) {
        fail(key, "invalid duration \"" + *text +
                      "\": use 500ms, 30s, 5m, 2h, 1h30m or 7d, at most 400d");
        return false;
    }
    if (value->count() == 0 && zero == zero_duration::refused) {
        fail(key, "must be greater than 0");
        return false;
    }
    out = *value;
    return true;
}

std::optional<std::vector<located_string>> map_reader::read_strings(std::string_view key) const {
    const entry* e = find(key);
    if (e == nullptr) {
        return std::nullopt;
    }
    if (!e->value.IsSequence()) {
        fail(key, "expected a list");
        return std::nullopt;
    }
    std::vector<located_string> out;
    bool ok = true;
    std::size_t index = 0;
    for (const YAML::Node& item : e->value) {
        if (!item.IsScalar()) {
            diag_->add(item.Mark(), path(key) + "[" + std::to_string(index) + "]",
                       "expected a string");
            ok = false;
        } else {
            out.push_back(located_string{item.Scalar(), item.Mark(),
                                         path(key) + "[" + std::to_string(index) + "]"});
        }
        ++index;
    }
    if (!ok) {
        return std::nullopt;
    }
    return out;
}

void map_reader::report_unknown_enum(std::string_view key, std::string_view what,
                                     const std::string& given,
                                     const std::vector<std::string_view>& names) const {
    const auto hint = closest_name(given, names);
    fail(key, "unknown " + std::string(what) + " \"" + given + "\" (" +
                  (hint ? "did you mean \"" + std::string(*hint) + "\"? " : "") + "expected " +
                  list_names(names) + ")");
}

map_reader map_reader::child(std::string_view key, std::vector<std::string_view> allowed) const {
    return map_reader(*diag_, value(key), path(key), std::move(allowed), key_mark(key));
}

}  // namespace sesmon::config_file
