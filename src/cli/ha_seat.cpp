#include "cli/ha_seat.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>

#include "daemon/ha_member.hpp"
#include "ha/election.hpp"
#include "ha/etcd_client.hpp"
#include "state/group_codec.hpp"

namespace sesmon::cli {

namespace {

constexpr const char* nobody_leads =
    "no member leads the group: nobody polls or alerts (an election takes up to ha.lease_ttl; "
    "if this lasts, no member is running or none can reach etcd)";

// A coroutine with parameters, not a capturing lambda: the frame keeps its parameters, while
// a lambda's captures die with the temporary closure.
boost::asio::awaitable<void> read_leader_key(
    ha::etcd_client& client, std::string key, duration timeout,
    std::optional<ha::etcd_result<ha::range_response>>& out) {
    // A named request: GCC 12 frees a braced temporary in a co_await expression twice.
    ha::range_request request;
    request.key = std::move(key);
    out = co_await client.range(std::move(request), timeout);
}

}  // namespace

web::ha_view read_ha_seat(const ha_config& ha, duration timeout) {
    web::ha_view seat{.group = ha.prefix, .member = ha.member, .role = "unknown"};
    // An io_context of its own: nothing of the etcd client outlives this call.
    boost::asio::io_context io(1);
    ha::etcd_client client(io.get_executor(), daemon::etcd_client_options_of(ha));
    std::optional<ha::etcd_result<ha::range_response>> answer;
    std::string failure;
    boost::asio::co_spawn(
        io, read_leader_key(client, state::group::keys{ha.prefix}.leader(), timeout, answer),
        [&](const std::exception_ptr& e) {
            if (!e)
                return;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                failure = std::string("internal error: ") + ex.what();
            }
        });
    io.run();

    if (!answer || !*answer) {
        seat.problem = answer ? answer->error().describe()
                              : (failure.empty() ? "etcd did not answer" : failure);
        return seat;
    }
    const auto& kvs = (*answer)->kvs;
    if (kvs.empty()) {
        seat.role = ha::to_string(ha::role::standby);
        seat.problem = nobody_leads;
        return seat;
    }
    seat.leader = kvs.front().value;
    seat.role = ha::to_string(seat.leader == ha.member ? ha::role::leader : ha::role::standby);
    return seat;
}

std::string describe_seat(const web::ha_view& seat) {
    std::string line = "HA group " + seat.group + ": this member (" + seat.member + ") ";
    if (seat.role == ha::to_string(ha::role::leader))
        return line + "leads";
    if (seat.role == ha::to_string(ha::role::standby)) {
        return line + "is a standby; " +
               (seat.leader.empty() ? std::string("no member leads (nobody polls or alerts)")
                                    : "member " + seat.leader + " leads");
    }
    return line + "has an unknown role: " + seat.problem;
}

}  // namespace sesmon::cli
