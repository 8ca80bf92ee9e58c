#include "common/label.hpp"

#include <algorithm>
#include <cctype>

namespace sesmon::common {

bool valid_label(std::string_view name) {
    if (name.empty() || name.size() > max_label_length ||
        std::isalnum(static_cast<unsigned char>(name[0])) == 0) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-';
    });
}

}  // namespace sesmon::common
