#pragma once
// The simulator's notification services (NAVER WORKS, Teams, SENS) on 127.0.0.1:0, in this
// process on a thread of its own, for the notifiers' tests: the notifiers talk to it over
// real HTTP. Control requests (/_sim/...) are blocking.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <thread>

#include "net/http_server.hpp"
#include "sesmon/clock.hpp"
#include "sim/simulator.hpp"

namespace sesmon::notify::test {

// A fresh 2048-bit RSA key, PEM (PKCS#8); made once per process and reused.
const std::string& test_rsa_key();
// Another one, that the simulator does not know.
const std::string& other_rsa_key();

class service_sim {
  public:
    explicit service_sim(sim::simulator_options options);
    ~service_sim();
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    // Blocking control requests; the answer's body ("" on a transport failure).
    std::string get(const std::string& target);
    std::string post(const std::string& target, const std::string& body = "");
    // The records of one service (works_token, works_message, teams, sens_sms, sens_mail).
    std::string records(const std::string& service) {
        return get("/_sim/services?service=" + service);
    }
    void advance(long long seconds) { post("/_sim/advance?seconds=" + std::to_string(seconds)); }
    void fail(const std::string& json) { post("/_sim/services/fail", json); }

  private:
    boost::asio::io_context io_;
    sesmon::system_clock real_;
    std::unique_ptr<sim::simulator> sim_;
    std::unique_ptr<net::http_server> server_;
    unsigned short port_ = 0;
    std::thread thread_;
};

// How many times `needle` occurs in `text`.
std::size_t count_of(const std::string& text, const std::string& needle);

}  // namespace sesmon::notify::test
