#include "tracker_routes.hpp"

#include <memory>
#include <stdexcept>

namespace p2pcdn_cli {
namespace {

// Text the library allocated for us, released with p2pcdn_free.
struct library_text {
    char* data = nullptr;
    std::size_t size = 0;

    library_text() = default;
    library_text(const library_text&) = delete;
    library_text& operator=(const library_text&) = delete;
    ~library_text() { p2pcdn_free(data); }

    std::string str() const { return data != nullptr ? std::string(data, size) : std::string(); }
};

// A handler's outcome as a reply: its answer (the error answer too, when it failed) with the
// status the library gives for the code.
http_reply handled(int rc, const library_text& answer, int status, const char* type) {
    if (answer.data == nullptr) {
        // Only when memory ran out while making the error answer itself.
        http_reply reply;
        reply.status = 503;
        reply.content_type = "text/plain";
        reply.body = "out of memory\n";
        reply.error = p2pcdn_last_error();
        return reply;
    }
    http_reply reply;
    reply.status = status;
    reply.content_type = type;
    reply.body = answer.str();
    if (rc != P2PCDN_OK) {
        reply.error = p2pcdn_last_error();
    }
    return reply;
}

http_reply json_handled(int rc, const library_text& answer) {
    return handled(rc, answer, p2pcdn_tracker_http_status(rc), "application/json");
}

const char* remote_of(const http_request& request) {
    return request.remote.empty() ? nullptr : request.remote.c_str();
}

http_reply method_not_allowed(const http_request& request, const char* allowed) {
    http_reply reply = json_error_reply(
        405, P2PCDN_EINVAL,
        request.method + " is not allowed on " + request.path + " (allowed: " + allowed + ")");
    reply.headers.emplace_back("Allow", allowed);
    return reply;
}

bool starts_with(const std::string& text, const char* prefix) {
    return text.rfind(prefix, 0) == 0;
}

}  // namespace

http_reply json_error_reply(int status, int code, const std::string& message) {
    library_text answer;
    http_reply reply;
    reply.status = status;
    reply.error = message;
    if (p2pcdn_tracker_error_json(code, message.c_str(), &answer.data, &answer.size) == P2PCDN_OK) {
        reply.body = answer.str();
    } else {
        reply.content_type = "text/plain";
        reply.body = message + "\n";
    }
    return reply;
}

http_reply tracker_routes::operator()(const http_request& request) const {
    const std::string& path = request.path;
    const std::string& method = request.method;
    if (path == "/announce") {
        if (method == "GET") {
            return announce_bt(request);
        }
        return method == "POST" ? announce_json(request) : method_not_allowed(request, "GET, POST");
    }
    if (path == "/cdn/publish" || path == "/cdn/withdraw" || path == "/subscribe") {
        if (method != "POST") {
            return method_not_allowed(request, "POST");
        }
        return path == "/cdn/publish"    ? publish(request)
               : path == "/cdn/withdraw" ? withdraw(request)
                                         : subscribe(request);
    }
    if (starts_with(path, "/stats/") || path == "/health") {
        if (method != "GET") {
            return method_not_allowed(request, "GET");
        }
        return path == "/health" ? health() : stats(path.substr(7));
    }
    // Not P2PCDN_ENOTFOUND: that code says a content or source is unknown (a CCS's withdraw
    // takes it as "already withdrawn"), never that the endpoint is.
    return json_error_reply(404, P2PCDN_EINVAL, "no endpoint " + method + " " + path);
}

http_reply tracker_routes::announce_json(const http_request& request) const {
    library_text answer;
    const int rc =
        p2pcdn_tracker_handle_announce_json(tracker_, request.body.data(), request.body.size(),
                                            remote_of(request), &answer.data, &answer.size);
    return json_handled(rc, answer);
}

http_reply tracker_routes::announce_bt(const http_request& request) const {
    library_text answer;
    const int rc =
        p2pcdn_tracker_handle_bt_announce(tracker_, request.query.data(), request.query.size(),
                                          remote_of(request), &answer.data, &answer.size);
    // 200 whatever the outcome: BitTorrent clients read a failure reason only from a 200.
    return handled(rc, answer, 200, "text/plain");
}

http_reply tracker_routes::publish(const http_request& request) const {
    library_text answer;
    const int rc = p2pcdn_tracker_handle_publish_json(
        tracker_, request.body.data(), request.body.size(), &answer.data, &answer.size);
    return json_handled(rc, answer);
}

http_reply tracker_routes::withdraw(const http_request& request) const {
    library_text answer;
    const int rc = p2pcdn_tracker_handle_withdraw_json(
        tracker_, request.body.data(), request.body.size(), nullptr, &answer.data, &answer.size);
    return json_handled(rc, answer);
}

http_reply tracker_routes::stats(const std::string& content_id) const {
    library_text report;
    const int rc = p2pcdn_tracker_stats_json(tracker_, content_id.c_str(), P2PCDN_COPIES_AUTO,
                                             &report.data, &report.size);
    if (rc != P2PCDN_OK) {
        return json_error_reply(p2pcdn_tracker_http_status(rc), rc, p2pcdn_last_error());
    }
    return json_handled(rc, report);
}

http_reply tracker_routes::subscribe(const http_request& request) const {
    library_text content;
    library_text url;
    std::int64_t interval_ms = 0;
    const int rc = p2pcdn_tracker_parse_subscribe(request.body.data(), request.body.size(),
                                                  &content.data, &url.data, &interval_ms);
    if (rc != P2PCDN_OK) {
        return json_error_reply(p2pcdn_tracker_http_status(rc), rc, p2pcdn_last_error());
    }
    const std::string content_id = content.data;
    stats_pusher::outcome outcome;
    try {
        outcome = pusher_.subscribe(content_id, url.data, interval_ms);
    } catch (const std::runtime_error& e) {
        return json_error_reply(500, P2PCDN_ERROR, e.what());
    }
    if (outcome == stats_pusher::outcome::full) {
        return json_error_reply(
            503, P2PCDN_ELIMIT,
            "no room for another subscription (" + std::to_string(pusher_.size()) + " already)");
    }
    // Content ids are made of RFC 3986 unreserved characters: nothing to escape.
    http_reply reply;
    reply.body = "{\"v\":1,\"type\":\"subscribed\",\"content\":\"" + content_id +
                 "\",\"interval_ms\":" + std::to_string(interval_ms) + ",\"replaced\":" +
                 (outcome == stats_pusher::outcome::replaced ? "true" : "false") + "}";
    return reply;
}

http_reply tracker_routes::health() const {
    std::size_t contents = 0;
    if (p2pcdn_tracker_content_count(tracker_, &contents) != P2PCDN_OK) {
        return json_error_reply(500, P2PCDN_ERROR, p2pcdn_last_error());
    }
    http_reply reply;
    reply.body =
        "{\"v\":1,\"type\":\"health\",\"status\":\"ok\",\"contents\":" + std::to_string(contents) +
        ",\"subscriptions\":" + std::to_string(pusher_.size()) + "}";
    return reply;
}

}  // namespace p2pcdn_cli
