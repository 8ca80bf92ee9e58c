#pragma once
// query_string: the parameters of a request target's query, decoded, in order — for the
// routes that take repeatable parameters (`label=` twice) and values with escapes.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sesmon::web {

using query_params = std::vector<std::pair<std::string, std::string>>;

// %XX escapes decoded; with `plus_is_space`, '+' decodes to ' ' (HTML forms and
// URLSearchParams write a space so). nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view raw, bool plus_is_space = false);

// Every name=value pair of the target's query ("a=1&b&c=%20" → (a,1) (b,"") (c," ")), both
// sides decoded with '+' as space; empty pieces ("a=1&&b=2") are skipped. nullopt when
// something does not decode.
std::optional<query_params> parse_query(std::string_view target);

}  // namespace sesmon::web
