#include "state/integrity_check.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>
#include <mutex>

#include "state/database.hpp"

namespace sesmon::state {

struct integrity_check::core {
    void run();

    std::filesystem::path directory;
    std::function<void(const std::string&)> on_damage;
    std::shared_ptr<spdlog::logger> log;
    std::function<void()> before_check;
    std::mutex mutex;
    sqlite3* checking = nullptr;  // under `mutex`: the connection to interrupt
    bool closing = false;
};

integrity_check::integrity_check(std::filesystem::path directory,
                                 std::function<void(const std::string&)> on_damage,
                                 std::shared_ptr<spdlog::logger> log,
                                 std::function<void()> before_check)
    : core_(std::make_shared<core>()) {
    core_->directory = std::move(directory);
    core_->on_damage = std::move(on_damage);
    core_->log = std::move(log);
    core_->before_check = std::move(before_check);
    thread_ = worker_thread([c = core_] { c->run(); });
}

integrity_check::~integrity_check() {
    close(duration::zero());
}

bool integrity_check::close(duration max_wait) {
    {
        std::lock_guard lock(core_->mutex);
        core_->closing = true;
        if (core_->checking != nullptr)
            sqlite3_interrupt(core_->checking);
    }
    return thread_.join_within(max_wait);
}

void integrity_check::core::run() {
    if (before_check)
        before_check();
    const auto began = std::chrono::steady_clock::now();
    std::unique_ptr<sqlite::connection> db;
    try {
        db = open_for_reading(directory);
    } catch (const std::exception& e) {
        log->warn("state: could not check state.db: {}", e.what());
        return;
    }
    {
        std::lock_guard lock(mutex);
        if (closing)
            return;
        checking = db->handle();
    }
    std::string problem;
    try {
        problem = check_integrity(*db, directory);
        if (problem.empty()) {
            log->info(
                "state: state.db passed its integrity check in {:.1f} s",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
        }
    } catch (const sqlite::error& e) {
        if (e.code() != SQLITE_INTERRUPT)
            log->warn("state: could not check state.db: {}", e.what());
    }
    {
        std::lock_guard lock(mutex);
        checking = nullptr;
    }
    if (!problem.empty())
        on_damage(problem);
}

}  // namespace sesmon::state
