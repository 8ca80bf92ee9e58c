#include "cli/state_reading.hpp"

#include "config/report.hpp"
#include "state/database.hpp"

namespace sesmon::cli {

std::optional<sesmon::config> load_for_state_reading(const std::string& path, std::ostream& err) {
    const auto real = config_file::process_environment();
    config_file::environment env;
    env.getenv = [real](const std::string& name) -> std::optional<std::string> {
        auto value = real.getenv(name);
        if ((!value || value->empty()) &&
            (name == "NCLOUD_ACCESS_KEY" || name == "NCLOUD_SECRET_KEY"))
            return std::string("unused by this command");
        return value;
    };
    return config_file::load_or_report(path, err, env);
}

std::unique_ptr<state::sqlite::connection> open_state_for_reading(const sesmon::config& cfg,
                                                                  std::ostream& err) {
    try {
        return state::open_for_reading(cfg.state.directory);
    } catch (const std::exception& e) {
        err << "ses-upgrade-monitor: cannot read the state in " << cfg.state.directory << ": "
            << e.what() << '\n';
        return nullptr;
    }
}

}  // namespace sesmon::cli
