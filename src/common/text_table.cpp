#include "common/text_table.hpp"

#include <algorithm>

namespace sesmon::common {
namespace {

// Columns a cell takes in a terminal: its UTF-8 code points (continuation bytes do not
// count), so that "2140 → 2150" lines up.
std::size_t display_width(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

}  // namespace

std::string render_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width(header.size(), 0);
    const auto measure = [&](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size() && i < width.size(); ++i)
            width[i] = std::max(width[i], display_width(row[i]));
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
                line += std::string(width[i] - display_width(cell) + 2, ' ');
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
