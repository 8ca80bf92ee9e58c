#pragma once
// ha_seat: what `ses-upgrade-monitor status` says about an HA group (SPEC §11) — this
// member's role and the current leader, read once from etcd (the group's leader key), in the
// view model's ha_view, so that the JSON carries the `ha` object /api/v1/clusters has.
//
// The role is what etcd records: "leader" when the leader key names this member
// (`ha.member`), "standby" when it names another member or nobody (then `leader` is "" and
// `problem` says that nobody polls), "unknown" when etcd could not be read (`problem` says
// why). It does not ask the running daemon: its /readyz and dashboard say how it sees itself.
#include <optional>
#include <string>

#include "sesmon/config.hpp"
#include "sesmon/time.hpp"
#include "web/view_model.hpp"

namespace sesmon::cli {

// Reads the leader key, within `timeout`. Throws std::runtime_error for unusable TLS files
// of `ha.etcd` (a configuration error); etcd failures are in the returned view's `problem`.
web::ha_view read_ha_seat(const ha_config& ha, duration timeout);

// One line for the table: "HA group /p: this member (b) is a standby; member a leads", ...
std::string describe_seat(const web::ha_view& seat);

}  // namespace sesmon::cli
