#include "notify/smtp_notifier.hpp"

#include <curl/curl.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "notify/format_mail.hpp"
#include "notify/mime_message.hpp"
#include "notify/service_reply.hpp"

namespace sesmon::notify {

namespace {

// Attempts of one notifier at once on the relay; more wait for a thread.
constexpr std::size_t transfer_threads = 4;

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct upload {
    std::string_view data;
    std::size_t offset = 0;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* source = static_cast<upload*>(user);
    const std::size_t n = std::min(size * count, source->data.size() - source->offset);
    std::memcpy(buffer, source->data.data() + source->offset, n);
    source->offset += n;
    return n;
}

// Adds the notifier's ca_file to the system store libcurl loaded (OpenSSL builds).
CURLcode add_ca_file(CURL*, void* ssl_ctx, void* user) {
    const auto* path = static_cast<const std::string*>(user);
    X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
    return X509_STORE_load_file(store, path->c_str()) == 1 ? CURLE_OK : CURLE_SSL_CACERT_BADFILE;
}

int abort_when_closing(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::atomic<bool>*>(user)->load() ? 1 : 0;
}

}  // namespace

struct smtp_notifier::shared {
    boost::asio::thread_pool pool{transfer_threads};
    std::atomic<bool> closing{false};
};

delivery_outcome classify_smtp_result(const smtp_transfer_result& r) {
    using kind = delivery_outcome::kind;
    delivery_outcome out;
    if (r.curl_code == CURLE_OK) {
        out.detail = "accepted by the relay (SMTP " + std::to_string(r.reply_code) + ")";
        return out;
    }
    out.detail =
        r.message.empty() ? curl_easy_strerror(static_cast<CURLcode>(r.curl_code)) : r.message;
    if (r.reply_code > 0)
        out.detail = "SMTP " + std::to_string(r.reply_code) + ": " + out.detail;
    switch (r.curl_code) {
        case CURLE_LOGIN_DENIED:
        case CURLE_USE_SSL_FAILED:
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
            out.result = kind::rejected;
            return out;
        default:
            break;
    }
    // The relay's reply decides where it gave one: 5xx is permanent, 4xx is not.
    out.result = r.reply_code >= 500 && r.reply_code <= 599 ? kind::rejected : kind::retry;
    return out;
}

smtp_notifier::smtp_notifier(notifier_config config, sesmon::clock& clock)
    : config_(std::move(config)), clock_(clock), shared_(std::make_shared<shared>()) {
    if (config_.smtp.host.empty() || config_.smtp.from.empty() || config_.recipients.empty()) {
        throw std::invalid_argument("notifier '" + config_.name +
                                    "': smtp without host, from or recipients");
    }
    global_init();
}

smtp_notifier::~smtp_notifier() {
    shared_->closing = true;
    shared_->pool.join();
}

boost::asio::awaitable<smtp_transfer_result> smtp_notifier::send(std::string message,
                                                                 duration timeout) {
    const smtp_config& s = config_.smtp;
    const std::string url = std::string(s.security == smtp_security::tls ? "smtps://" : "smtp://") +
                            (s.host.find(':') != std::string::npos ? "[" + s.host + "]" : s.host) +
                            ":" + std::to_string(s.port);
    // What the transfer needs, by value: it runs on another thread.
    auto job = [url, message = std::move(message), timeout, security = s.security,
                username = s.username, password = s.password ? s.password->reveal() : std::string(),
                from = s.from, to = config_.recipients, ca_file = config_.ca_file,
                state = shared_]() -> boost::asio::awaitable<smtp_transfer_result> {
        smtp_transfer_result result;
        CURL* curl = curl_easy_init();
        if (curl == nullptr) {
            result.curl_code = CURLE_FAILED_INIT;
            co_return result;
        }
        char error[CURL_ERROR_SIZE] = {};
        curl_slist* recipients = nullptr;
        for (const std::string& address : to)
            recipients = curl_slist_append(recipients, ("<" + address + ">").c_str());
        upload source{message, 0};
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
        // libcurl 7.88 waits for the reply to the end of DATA without looking at
        // CURLOPT_TIMEOUT: only the server-response timeout (whole seconds) bounds that wait.
        curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT,
                         static_cast<long>(std::max<long long>(
                             1, std::chrono::ceil<std::chrono::seconds>(timeout).count())));
        curl_easy_setopt(
            curl, CURLOPT_USE_SSL,
            static_cast<long>(security == smtp_security::none ? CURLUSESSL_NONE : CURLUSESSL_ALL));
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!ca_file.empty()) {
            curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, add_ca_file);
            curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, static_cast<const void*>(&ca_file));
        }
        if (!username.empty()) {
            curl_easy_setopt(curl, CURLOPT_USERNAME, username.c_str());
            curl_easy_setopt(curl, CURLOPT_PASSWORD, password.c_str());
        }
        curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + from + ">").c_str());
        curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
        curl_easy_setopt(curl, CURLOPT_READDATA, static_cast<void*>(&source));
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abort_when_closing);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, static_cast<void*>(&state->closing));
        result.curl_code = curl_easy_perform(curl);
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.reply_code);
        result.message = error;
        curl_slist_free_all(recipients);
        curl_easy_cleanup(curl);
        co_return result;
    };
    co_return co_await boost::asio::co_spawn(shared_->pool.get_executor(), std::move(job),
                                             boost::asio::use_awaitable);
}

boost::asio::awaitable<delivery_outcome> smtp_notifier::deliver(const event& e,
                                                                const delivery_context& context) {
    const auto now = std::chrono::steady_clock::now();
    if (auto refused = refused_by(context, now))
        co_return *refused;
    const steady_time began = clock_.steady_now();
    const mail_content mail =
        format_mail(e, text_options_of(config_), dashboard_link(config_.dashboard_url, e));
    std::string message =
        mime_message(mail, {config_.smtp.from, config_.recipients, e.id, clock_.wall_now()});
    const smtp_transfer_result result =
        co_await send(std::move(message), context.budget(config_.timeout, now));
    delivery_outcome outcome = classify_smtp_result(result);
    outcome.latency = std::chrono::duration_cast<duration>(clock_.steady_now() - began);
    co_return outcome;
}

}  // namespace sesmon::notify
