#include "stats_receiver.hpp"

#include "ccs_events.hpp"
#include "tracker_routes.hpp"

#include <curl/curl.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <utility>

namespace p2pcdn_cli {
namespace {

// A report is a few bytes per piece: 2^26 pieces as plain copies stay below this.
constexpr std::size_t max_report_bytes = std::size_t{64} << 20;

std::size_t discard(char*, std::size_t size, std::size_t count, void*) {
    return size * count;
}

}  // namespace

stats_receiver::stats_receiver(const std::string& address, std::uint16_t port,
                               std::string content_id, daemon_log& log)
    : content_id_(std::move(content_id)) {
    http_server_options options;
    options.address = address;
    options.port = port;
    options.threads = 2;  // one tracker pushes, now and then (1 would ask MHD for no pool)
    options.max_body = max_report_bytes;
    options.error_reply = [](int status, const std::string& message) {
        return json_error_reply(status, status == 413 ? P2PCDN_ELIMIT : P2PCDN_ERROR, message);
    };
    server_ = std::make_unique<http_server>(
        options, [this](const http_request& request) { return handle(request); },
        [&log](const http_request& request, const http_reply& reply,
               std::chrono::microseconds took) {
            if (reply.status >= 400) {
                log.request(request, reply, took);  // the pushes that work are the rounds' lines
            }
        });
}

stats_receiver::~stats_receiver() = default;

std::uint16_t stats_receiver::port() const noexcept {
    return server_->port();
}

stats_ptr stats_receiver::take() {
    const std::lock_guard lock(mutex_);
    return std::move(newest_);
}

std::uint64_t stats_receiver::received() const {
    const std::lock_guard lock(mutex_);
    return received_;
}

http_reply stats_receiver::handle(const http_request& request) {
    if (request.path == "/health" && request.method == "GET") {
        http_reply reply;
        reply.body = "{\"v\":1,\"type\":\"health\",\"status\":\"ok\",\"received\":" +
                     std::to_string(received()) + "}";
        return reply;
    }
    if (request.path != "/stats") {
        return json_error_reply(404, P2PCDN_EINVAL, "no endpoint " + request.path);
    }
    if (request.method != "POST") {
        http_reply reply = json_error_reply(405, P2PCDN_EINVAL, "only POST on /stats");
        reply.headers.emplace_back("Allow", "POST");
        return reply;
    }
    p2pcdn_stats* raw = nullptr;
    if (p2pcdn_stats_from_json(&raw, request.body.data(), request.body.size()) != P2PCDN_OK) {
        return json_error_reply(400, P2PCDN_EPARSE, p2pcdn_last_error());
    }
    stats_ptr report(raw);
    if (content_id_ != p2pcdn_stats_content_id(raw)) {
        return json_error_reply(
            400, P2PCDN_EINVAL,
            std::string("statistics of another content: ") + p2pcdn_stats_content_id(raw));
    }
    {
        const std::lock_guard lock(mutex_);
        newest_ = std::move(report);
        ++received_;
    }
    http_reply reply;
    reply.body = "{\"v\":1,\"type\":\"stats_received\"}";
    return reply;
}

bool subscribe_stats(const std::string& tracker_url, const std::string& content_id,
                     std::int64_t interval_ms, const std::string& callback_url, std::string& why) {
    rapidjson::StringBuffer body;
    rapidjson::Writer<rapidjson::StringBuffer> w(body);
    w.StartObject();
    w.Key("v");
    w.Int(1);
    w.Key("type");
    w.String("subscribe");
    w.Key("content");
    w.String(content_id.c_str());
    w.Key("interval_ms");
    w.Int64(interval_ms);
    w.Key("url");
    w.String(callback_url.c_str());
    w.EndObject();

    std::string url = tracker_url;
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    url += "/subscribe";
    CURL* curl = curl_easy_init();
    if (curl == nullptr) {
        why = "curl_easy_init failed";
        return false;
    }
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.GetString());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.GetSize()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 3000L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &discard);
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    const std::string where = url_origin(tracker_url);
    if (rc != CURLE_OK) {
        // curl's own text may quote the URL: only its code's description is kept.
        why = where + ": " + curl_easy_strerror(rc);
        return false;
    }
    if (status != 200) {
        why = where + ": HTTP status " + std::to_string(status);
        return false;
    }
    return true;
}

}  // namespace p2pcdn_cli
