// The log of a daemon of the p2pcdn program: one line on stderr per request and per event, as
// text or as one JSON object (--log-json). Lines never hold a query string or a URL's userinfo,
// path or query: those may carry passkeys and tokens. (The one exception: `p2pcdn ccs` shows
// its configured CDN URI templates and callback URL with their paths, never their userinfo or
// query; secrets never come from its configuration file.)
#pragma once

#include "http_server.hpp"

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace p2pcdn_cli {

// One member of a structured log line: a number (written as it is) or a text (quoted in JSON).
struct log_field {
    std::string key;  // a plain identifier: it is written unescaped
    std::string value;
    bool number = false;
};

class daemon_log {
public:
    explicit daemon_log(bool json) : json_(json) {}

    // "2025-01-02T03:04:05.678Z 192.0.2.1 POST /announce 200 412B 0.8ms", plus the error of a
    // failed request.
    void request(const http_request& request, const http_reply& reply,
                 std::chrono::microseconds took);
    // "2025-01-02T03:04:05.678Z push_failed subscription=3 ...": what happened, and its detail.
    void event(const char* what, const std::string& detail);
    // "2025-01-02T03:04:05.678Z ingest_started pieces=3-7 count=5", or with --log-json
    // {"time":"...","event":"ingest_started","pieces":"3-7","count":5}: members a script reads.
    void fields(const char* what, const std::vector<log_field>& fields);

private:
    void write(const std::string& line);

    bool json_;
    std::mutex mutex_;
};

}  // namespace p2pcdn_cli
