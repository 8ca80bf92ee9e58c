#include "ha/etcd_types.hpp"

#include <stdexcept>

namespace sesmon::ha {

std::string_view to_string(etcd_error_kind kind) {
    switch (kind) {
        case etcd_error_kind::unreachable:
            return "unreachable";
        case etcd_error_kind::protocol:
            return "protocol";
        case etcd_error_kind::server:
            return "server";
        case etcd_error_kind::too_large:
            return "too_large";
    }
    return "server";
}

std::string etcd_error::describe() const {
    switch (kind) {
        case etcd_error_kind::unreachable:
            return "etcd unreachable: " + message;
        case etcd_error_kind::protocol:
        case etcd_error_kind::too_large:
            return message;
        case etcd_error_kind::server:
            break;
    }
    return "etcd error" + (grpc_code != 0 ? " (code " + std::to_string(grpc_code) + ")" : "") +
           ": " + message;
}

bool etcd_error::needs_authentication() const {
    if (kind != etcd_error_kind::server)
        return false;
    // etcd answers a request without a token "user name is empty" (InvalidArgument), an
    // expired or unknown one "invalid auth token" (Unauthenticated), and one issued before
    // the last change of users or roles "revision of auth store is old".
    return grpc_code == grpc_code::unauthenticated ||
           message.find("user name is empty") != std::string::npos ||
           message.find("invalid auth token") != std::string::npos ||
           message.find("revision of auth store is old") != std::string::npos;
}

bool etcd_error::lease_not_found() const {
    return kind == etcd_error_kind::server && grpc_code == grpc_code::not_found &&
           message.find("lease not found") != std::string::npos;
}

void throw_exception_from_error(const etcd_error& e, const boost::source_location&) {
    throw std::runtime_error(e.describe());
}

std::string prefix_range_end(std::string_view prefix) {
    std::string end(prefix);
    while (!end.empty()) {
        auto& last = reinterpret_cast<unsigned char&>(end.back());
        if (last < 0xff) {
            ++last;
            return end;
        }
        end.pop_back();
    }
    return std::string(1, '\0');  // every key: etcd's "\0" range end
}

}  // namespace sesmon::ha
