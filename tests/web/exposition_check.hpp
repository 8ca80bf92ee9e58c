#pragma once
// A strict checker of the Prometheus text exposition format 0.0.4, for tests: the grammar
// of HELP/TYPE/comment/sample lines, metric and label names, label value escaping, float
// values, one TYPE per family before its samples, contiguous families, unique series, and
// histogram consistency (cumulative buckets ending in le="+Inf" equal to _count, a _sum).
#include <map>
#include <string>
#include <vector>

namespace sesmon::web::testing {

struct exposition_sample {
    std::string name;
    std::map<std::string, std::string> labels;  // unescaped values
    double value = 0;
};

struct exposition {
    std::map<std::string, std::string> types;  // family → counter|gauge|histogram|...
    std::map<std::string, std::string> help;   // family → unescaped help text
    std::vector<exposition_sample> samples;
    std::vector<std::string> errors;  // "line N: what is wrong"; empty when valid

    // The value of the sample with exactly these labels, or nullptr.
    const exposition_sample* find(const std::string& name,
                                  const std::map<std::string, std::string>& labels) const;
};

exposition check_exposition(const std::string& text);

}  // namespace sesmon::web::testing
