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
                                                                  std::ostream& err, int& failure) {
    try {
        return state::open_for_reading(cfg.state.directory);
    } catch (const state::schema_too_new& e) {
        err << "ses-upgrade-monitor: " << e.what()
            << "; read it with that version's ses-upgrade-monitor\n";
        failure = 2;
    } catch (const std::exception& e) {
        err << "ses-upgrade-monitor: cannot read the state in " << cfg.state.directory << ": "
            << e.what() << '\n';
        failure = 1;
    }
    return nullptr;
}

state_for_reading open_for_command(const std::string& config_path, std::ostream& err) {
    state_for_reading out;
    out.cfg = load_for_state_reading(config_path, err);
    if (!out.cfg) {
        out.failure = 2;
        return out;
    }
    out.db = open_state_for_reading(*out.cfg, err, out.failure);
    return out;
}

}  // namespace sesmon::cli
