#include "config/error.hpp"

#include <utility>

namespace sesmon::config_file {
namespace {

std::string join(const std::string& file, const std::vector<issue>& issues) {
    std::string out;
    for (const issue& problem : issues) {
        if (!out.empty()) {
            out += '\n';
        }
        out += error::format(file, problem);
    }
    return out;
}

}  // namespace

error::error(std::string file, std::vector<issue> issues)
    : std::runtime_error(join(file, issues)), file_(std::move(file)), issues_(std::move(issues)) {}

std::vector<std::string> error::lines() const {
    std::vector<std::string> out;
    out.reserve(issues_.size());
    for (const issue& problem : issues_) {
        out.push_back(format(file_, problem));
    }
    return out;
}

std::string error::format(const std::string& file, const issue& problem) {
    std::string out = file;
    if (problem.line > 0) {
        out += ':' + std::to_string(problem.line) + ':' + std::to_string(problem.column);
    }
    out += ": ";
    if (!problem.path.empty()) {
        out += problem.path + ": ";
    }
    out += problem.message;
    return out;
}

}  // namespace sesmon::config_file
