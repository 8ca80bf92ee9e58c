#pragma once
// text_table: aligned plain-text columns for the operator commands' table output
// (`deliveries`, `history`). Left-aligned, two spaces between columns, no trailing blanks,
// one line per row, ending with a newline. Widths count bytes, which is exact for the ASCII
// the commands print (hostnames, statuses, times).
#include <string>
#include <vector>

namespace sesmon::common {

std::string render_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows);

}  // namespace sesmon::common
