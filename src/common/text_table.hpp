#pragma once
// text_table: aligned plain-text columns for the operator commands' table output
// (`deliveries`, `history`). Left-aligned, two spaces between columns, no trailing blanks,
// one line per row, ending with a newline. Widths count UTF-8 code points (`history` prints
// "2140 → 2150"), which is exact for everything the commands print (no wide characters).
#include <string>
#include <vector>

namespace sesmon::common {

std::string render_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows);

}  // namespace sesmon::common
