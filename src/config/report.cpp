#include "config/report.hpp"

#include "config/load.hpp"

namespace sesmon::config_file {

std::optional<sesmon::config> load_or_report(const std::string& path, std::ostream& err,
                                             const environment& env) {
    try {
        return load(path, env);
    } catch (const error& e) {
        for (const std::string& line : e.lines()) {
            err << line << '\n';
        }
    } catch (const std::exception& e) {
        err << path << ": " << e.what() << '\n';
    }
    return std::nullopt;
}

}  // namespace sesmon::config_file
