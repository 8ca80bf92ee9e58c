#include "support/scripted_dns.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <stdexcept>
#include <vector>

namespace sesmon::test {
namespace {

constexpr std::uint16_t type_a = 1;

std::uint16_t read16(const unsigned char* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

void put16(std::vector<unsigned char>& out, std::uint16_t v) {
    out.push_back(static_cast<unsigned char>(v >> 8));
    out.push_back(static_cast<unsigned char>(v & 0xff));
}

}  // namespace

scripted_dns::scripted_dns(std::map<std::string, std::string> a_records)
    : records_(std::move(a_records)) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    timeval tv{0, 20 * 1000};  // lets serve() notice stop_
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) {
        throw std::runtime_error("scripted_dns: cannot bind 127.0.0.1 UDP");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
}

scripted_dns::~scripted_dns() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
}

std::string scripted_dns::server() const {
    return "127.0.0.1:" + std::to_string(port_);
}

std::size_t scripted_dns::queries(const std::string& name) const {
    std::lock_guard lock(mutex_);
    const auto it = queries_.find(name);
    return it == queries_.end() ? 0 : it->second;
}

void scripted_dns::serve() {
    unsigned char buf[1500];
    while (!stop_) {
        sockaddr_in peer{};
        socklen_t peer_len = sizeof peer;
        const ssize_t n =
            ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&peer), &peer_len);
        if (n < 12 || read16(buf + 4) != 1) {
            continue;  // timeout, or not one question
        }
        // The question: labels, then type and class.
        std::string name;
        std::size_t at = 12;
        while (at < static_cast<std::size_t>(n) && buf[at] != 0) {
            const std::size_t label = buf[at];
            if (label > 63 || at + 1 + label > static_cast<std::size_t>(n))
                break;
            if (!name.empty())
                name += '.';
            for (std::size_t i = 0; i < label; ++i)
                name += static_cast<char>(std::tolower(buf[at + 1 + i]));
            at += 1 + label;
        }
        if (at + 5 > static_cast<std::size_t>(n))
            continue;
        const std::size_t question_end = at + 5;  // the zero byte, type, class
        const std::uint16_t type = read16(buf + at + 1);
        {
            std::lock_guard lock(mutex_);
            ++queries_[name];
        }
        const auto record = records_.find(name);
        if (record == records_.end())
            continue;  // hang: never answer
        const bool answer = type == type_a;
        std::vector<unsigned char> out(buf, buf + question_end);
        out[2] = 0x81;  // QR, RD
        out[3] = 0x80;  // RA, NOERROR
        out[6] = 0;
        out[7] = answer ? 1 : 0;  // ANCOUNT
        out[8] = out[9] = out[10] = out[11] = 0;
        if (answer) {
            put16(out, 0xc00c);  // the name: a pointer to the question's
            put16(out, type_a);
            put16(out, 1);  // IN
            put16(out, 0);
            put16(out, 60);  // TTL
            put16(out, 4);
            in_addr ip{};
            ::inet_pton(AF_INET, record->second.c_str(), &ip);
            const auto* bytes = reinterpret_cast<const unsigned char*>(&ip);
            out.insert(out.end(), bytes, bytes + 4);
        }
        ::sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&peer), peer_len);
    }
}

}  // namespace sesmon::test
