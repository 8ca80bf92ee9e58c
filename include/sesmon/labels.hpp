#pragma once
// labels: a cluster's labels (SPEC §13), `labels: {team: search, env: prod}` in clusters[] and
// discovery.defaults, and the selectors that pick clusters by them (`team:search` in the
// HTTP API's `label=` and `status --label`).
//
// label_set is a small value type: entries sorted by key, each key at most once, so two sets
// with the same labels compare equal and iterate in the same order (JSON, logs, tables).
// Validation (key and value rules) is the loader's job: a label_set holds whatever it is
// given. Matching: `contains_all` answers "does this cluster carry every one of these
// labels" (the shape of a route's or a maintenance window's `labels:`); `matches` applies
// the selectors of a query. Not thread-safe beyond const access; cheap to copy (a cluster
// has a handful of labels).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sesmon {

inline constexpr std::size_t max_label_key_length = 63;
inline constexpr std::size_t max_label_value_length = 63;  // characters (UTF-8 code points)
inline constexpr std::string_view label_key_rule =
    "a label key must match [a-z][a-z0-9_]* (at most 63 characters)";
inline constexpr std::string_view label_value_rule =
    "a label value must be at most 63 printable characters (UTF-8, no control characters)";

// Whether `key` follows label_key_rule / `value` follows label_value_rule.
bool valid_label_key(std::string_view key);
bool valid_label_value(std::string_view value);

class label_set {
  public:
    using entry = std::pair<std::string, std::string>;

    label_set() = default;
    // From pairs in any order; a repeated key keeps its last value.
    label_set(std::initializer_list<entry> entries);

    // Sets `key` to `value` (replacing a value it had).
    void set(std::string key, std::string value);
    // The value of `key`, or nullptr when the set has no such key.
    const std::string* find(std::string_view key) const;

    // Every label of `required` is in this set with the same value (an empty `required`
    // is contained in every set).
    bool contains_all(const label_set& required) const;

    // `overrides` on top of this set: its keys replace this set's values.
    label_set merged_with(const label_set& overrides) const;

    const std::vector<entry>& entries() const { return entries_; }
    bool empty() const { return entries_.empty(); }
    std::size_t size() const { return entries_.size(); }
    auto begin() const { return entries_.begin(); }
    auto end() const { return entries_.end(); }

    // "team=search,env=prod" (sorted by key): for log lines and tables; "" when empty.
    std::string to_text() const;

    friend bool operator==(const label_set&, const label_set&) = default;

  private:
    std::vector<entry> entries_;  // sorted by key, keys unique
};

// One `key:value` selector.
struct label_selector {
    std::string key;
    std::string value;
    friend bool operator==(const label_selector&, const label_selector&) = default;
};

// Parses `key:value` (split at the first ':'; the value may contain more). nullopt for text
// without ':' or with a key or value that breaks the rules; `error` (when given) then says
// why, naming the text.
std::optional<label_selector> parse_label_selector(std::string_view text,
                                                   std::string* error = nullptr);

// Whether `labels` satisfy `selectors`: selectors with the same key are alternatives
// (`team:search` or `team:logs`), selectors with different keys must all hold. No
// selectors: true.
bool matches(const label_set& labels, const std::vector<label_selector>& selectors);

}  // namespace sesmon
