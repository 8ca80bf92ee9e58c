// `labels:` of a cluster and of discovery.defaults (SPEC §13): a mapping of label keys to
// values, each checked against the rules of sesmon/labels.hpp at its own position.
#include "config/context.hpp"

namespace sesmon::config_file {

label_set read_labels(const map_reader& m) {
    label_set out;
    const YAML::Node labels = m.value("labels");
    if (!labels.IsDefined())
        return out;
    if (!labels.IsMap()) {
        m.fail("labels", "expected a mapping of label keys to values, e.g. {team: search}");
        return out;
    }
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        const YAML::Node key = it->first;  // copies: the iterator yields temporaries
        const YAML::Node value = it->second;
        const std::string key_text = key.IsScalar() ? key.Scalar() : std::string("?");
        const std::string path = m.path("labels") + "." + key_text;
        if (!key.IsScalar() || !valid_label_key(key_text)) {
            m.diag().add(key.Mark(), path, std::string(label_key_rule));
            continue;
        }
        if (out.find(key_text) != nullptr) {
            m.diag().add(key.Mark(), path, "label \"" + key_text + "\" given twice");
            continue;
        }
        if (!value.IsScalar()) {
            m.diag().add(value.IsNull() ? key.Mark() : value.Mark(), path,
                         "expected a string value (\"\" for an empty one)");
            continue;
        }
        if (!valid_label_value(value.Scalar())) {
            m.diag().add(value.Mark(), path, std::string(label_value_rule));
            continue;
        }
        out.set(key_text, value.Scalar());
    }
    return out;
}

}  // namespace sesmon::config_file
