#include "net/resolver.hpp"

#include <ares.h>

#include <arpa/inet.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstring>
#include <map>
#include <stdexcept>

namespace sesmon::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// One lookup's outcome, shared by the waiting coroutine and c-ares' callback (which may
// come after the coroutine gave up, or during ares_destroy).
struct lookup {
    explicit lookup(asio::any_io_executor executor) : wake(executor) {}
    asio::steady_timer wake;  // the coroutine waits on it until the deadline or the answer
    bool done = false;
    resolve_result result;
};

// c-ares wants `fd` watched for reading and/or writing.
struct watch {
    explicit watch(asio::any_io_executor executor, int fd) : descriptor(executor, fd) {}
    asio::posix::stream_descriptor descriptor;  // not owned: c-ares closes the socket
    bool want_read = false;
    bool want_write = false;
    bool reading = false;  // a wait is pending
    bool writing = false;
};

}  // namespace

class resolver::impl : public std::enable_shared_from_this<resolver::impl> {
  public:
    impl(asio::any_io_executor executor) : executor_(executor), timer_(executor) {}

    void open(const resolver_options& options) {
        if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
            throw std::runtime_error("c-ares: library initialisation failed");
        }
        library_ = true;
        ares_options opts{};
        opts.sock_state_cb = &impl::on_socket_state;
        opts.sock_state_cb_data = this;
        opts.timeout = static_cast<int>(options.attempt_timeout.count());
        opts.tries = options.tries;
        const int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
        if (const int rc = ares_init_options(&channel_, &opts, mask); rc != ARES_SUCCESS) {
            throw std::runtime_error(std::string("c-ares: ") + ares_strerror(rc));
        }
        if (!options.servers.empty()) {
            std::string csv;
            for (const auto& s : options.servers)
                csv += (csv.empty() ? "" : ",") + s;
            if (const int rc = ares_set_servers_ports_csv(channel_, csv.c_str());
                rc != ARES_SUCCESS) {
                throw std::runtime_error("c-ares: bad DNS servers \"" + csv +
                                         "\": " + ares_strerror(rc));
            }
        }
    }

    // Every pending lookup completes (ARES_EDESTRUCTION) and every wait is cancelled; the
    // object itself lives on until the last handler that holds it has run.
    void close() {
        if (channel_ != nullptr) {
            ares_destroy(channel_);  // calls on_socket_state(fd, 0, 0) for each socket
            channel_ = nullptr;
        }
        for (auto& [fd, w] : watches_)
            w->descriptor.release();
        watches_.clear();
        timer_.cancel();
        if (library_) {
            ares_library_cleanup();
            library_ = false;
        }
    }

    void start(const std::string& host, unsigned short port, std::shared_ptr<lookup> state) {
        ares_addrinfo_hints hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = ARES_AI_NUMERICSERV;
        const std::string service = std::to_string(port);
        // The callback owns one reference, released when it runs (it always runs once).
        ares_getaddrinfo(channel_, host.c_str(), service.c_str(), &hints, &impl::on_answer,
                         new std::shared_ptr<lookup>(std::move(state)));
        arm_timer();
    }

  private:
    static void on_answer(void* arg, int status, int /*timeouts*/, ares_addrinfo* info) {
        const std::unique_ptr<std::shared_ptr<lookup>> owner(
            static_cast<std::shared_ptr<lookup>*>(arg));
        lookup& state = **owner;
        if (status == ARES_SUCCESS && info != nullptr) {
            for (auto* node = info->nodes; node != nullptr; node = node->ai_next) {
                if (node->ai_family == AF_INET) {
                    const auto* in = reinterpret_cast<const sockaddr_in*>(node->ai_addr);
                    asio::ip::address_v4::bytes_type bytes;
                    std::memcpy(bytes.data(), &in->sin_addr, bytes.size());
                    state.result.endpoints.emplace_back(asio::ip::address_v4(bytes),
                                                        ntohs(in->sin_port));
                } else if (node->ai_family == AF_INET6) {
                    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(node->ai_addr);
                    asio::ip::address_v6::bytes_type bytes;
                    std::memcpy(bytes.data(), &in6->sin6_addr, bytes.size());
                    state.result.endpoints.emplace_back(
                        asio::ip::address_v6(bytes, in6->sin6_scope_id), ntohs(in6->sin6_port));
                }
            }
        }
        if (state.result.endpoints.empty()) {
            state.result.error = status == ARES_SUCCESS ? "no address" : ares_strerror(status);
        }
        if (info != nullptr)
            ares_freeaddrinfo(info);
        state.done = true;
        state.wake.cancel();
    }

    static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
        static_cast<impl*>(data)->socket_state(fd, readable != 0, writable != 0);
    }

    void socket_state(int fd, bool readable, bool writable) {
        auto it = watches_.find(fd);
        if (!readable && !writable) {
            if (it != watches_.end()) {
                it->second->descriptor.release();  // cancels its waits; c-ares closes the fd
                watches_.erase(it);
            }
            return;
        }
        if (it == watches_.end())
            it = watches_.emplace(fd, std::make_shared<watch>(executor_, fd)).first;
        it->second->want_read = readable;
        it->second->want_write = writable;
        arm(it->second);
    }

    void arm(const std::shared_ptr<watch>& w) {
        if (w->want_read && !w->reading)
            wait_for(w, true);
        if (w->want_write && !w->writing)
            wait_for(w, false);
    }

    void wait_for(const std::shared_ptr<watch>& w, bool read) {
        bool& pending = read ? w->reading : w->writing;
        pending = true;
        w->descriptor.async_wait(
            read ? asio::posix::descriptor_base::wait_read
                 : asio::posix::descriptor_base::wait_write,
            [self = shared_from_this(), w, read](boost::system::error_code ec) {
                (read ? w->reading : w->writing) = false;
                self->ready(w, ec, read);
            });
    }

    void ready(const std::shared_ptr<watch>& w, boost::system::error_code ec, bool read) {
        if (ec || channel_ == nullptr || !w->descriptor.is_open())
            return;  // cancelled: the socket was dropped, or the resolver closed
        const int fd = w->descriptor.native_handle();
        ares_process_fd(channel_, read ? fd : ARES_SOCKET_BAD, read ? ARES_SOCKET_BAD : fd);
        if (w->descriptor.is_open())
            arm(w);  // still wanted (socket_state may have changed what)
        arm_timer();
    }

    // c-ares' next timeout (retransmission, giving up) becomes our timer.
    void arm_timer() {
        if (channel_ == nullptr)
            return;
        timeval tv{};
        if (ares_timeout(channel_, nullptr, &tv) == nullptr) {
            timer_.cancel();  // nothing pending
            return;
        }
        timer_.expires_after(std::chrono::seconds(tv.tv_sec) +
                             std::chrono::microseconds(tv.tv_usec));
        timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec || self->channel_ == nullptr)
                return;
            ares_process_fd(self->channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
            self->arm_timer();
        });
    }

    asio::any_io_executor executor_;
    asio::steady_timer timer_;
    ares_channel channel_ = nullptr;
    bool library_ = false;
    std::map<int, std::shared_ptr<watch>> watches_;
};

resolver::resolver(asio::any_io_executor executor, resolver_options options)
    : impl_(std::make_shared<impl>(executor)) {
    try {
        impl_->open(options);
    } catch (...) {
        impl_->close();
        throw;
    }
}

resolver::~resolver() {
    impl_->close();
}

asio::awaitable<resolve_result> resolver::resolve(std::string host, unsigned short port,
                                                  steady_time deadline) {
    boost::system::error_code ec;
    const auto literal = asio::ip::make_address(host, ec);
    if (!ec) {
        resolve_result out;
        out.endpoints.emplace_back(literal, port);
        co_return out;
    }
    auto state = std::make_shared<lookup>(co_await asio::this_coro::executor);
    state->wake.expires_at(deadline);
    impl_->start(host, port, state);  // may answer at once (/etc/hosts)
    if (!state->done) {
        co_await state->wake.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (!state->done) {
        resolve_result out;
        out.timed_out = std::chrono::steady_clock::now() >= deadline;
        out.error = out.timed_out ? "" : "cancelled";
        co_return out;
    }
    co_return std::move(state->result);
}

}  // namespace sesmon::net
