// The log of a daemon of the p2pcdn program: one line on stderr per request and per event, as
// text or as one JSON object (--log-json). Lines never hold a query string or a URL's userinfo,
// path or query: those may carry passkeys and tokens.
#pragma once

#include "http_server.hpp"

#include <chrono>
#include <mutex>
#include <string>

namespace p2pcdn_cli {

class daemon_log {
public:
    explicit daemon_log(bool json) : json_(json) {}

    // "2025-01-02T03:04:05.678Z 192.0.2.1 POST /announce 200 412B 0.8ms", plus the error of a
    // failed request.
    void request(const http_request& request, const http_reply& reply,
                 std::chrono::microseconds took);
    // "2025-01-02T03:04:05.678Z push_failed subscription=3 ...": what happened, and its detail.
    void event(const char* what, const std::string& detail);

private:
    void write(const std::string& line);

    bool json_;
    std::mutex mutex_;
};

}  // namespace p2pcdn_cli
