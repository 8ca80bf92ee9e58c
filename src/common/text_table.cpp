#include "common/text_table.hpp"

#include <algorithm>

namespace sesmon::common {

std::string render_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width(header.size(), 0);
    const auto measure = [&](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size() && i < width.size(); ++i)
            width[i] = std::max(width[i], row[i].size());
    };
    measure(header);
    for (const auto& row : rows)
        measure(row);

    std::string out;
    const auto append = [&](const std::vector<std::string>& row) {
        std::string line;
        for (std::size_t i = 0; i < width.size(); ++i) {
            const std::string& cell = i < row.size() ? row[i] : std::string();
            line += cell;
            if (i + 1 < width.size())
                line += std::string(width[i] - cell.size() + 2, ' ');
        }
        line.erase(line.find_last_not_of(' ') + 1);
        out += line + "\n";
    };
    append(header);
    for (const auto& row : rows)
        append(row);
    return out;
}

}  // namespace sesmon::common
