// The endpoints of `p2pcdn tracker` (docs/protocol.md, "Tracker HTTP API"): each request goes
// to the library's handler for it (tracker_http.h), which reads the message and writes the
// answer; this file only routes and picks the status.
#pragma once

#include "http_server.hpp"
#include "stats_pusher.hpp"

#include <p2pcdn/p2pcdn.h>

#include <string>

namespace p2pcdn_cli {

// The JSON error answer {"v":1,"type":"error","code":<code>,"message":...} with this status.
http_reply json_error_reply(int status, int code, const std::string& message);

class tracker_routes {
public:
    tracker_routes(p2pcdn_tracker* tracker, stats_pusher& pusher)
        : tracker_(tracker), pusher_(pusher) {}

    // Runs on the server's threads, several at once.
    http_reply operator()(const http_request& request) const;

private:
    http_reply announce_json(const http_request& request) const;
    http_reply announce_bt(const http_request& request) const;
    http_reply publish(const http_request& request) const;
    http_reply withdraw(const http_request& request) const;
    http_reply stats(const std::string& content_id) const;
    http_reply subscribe(const http_request& request) const;
    http_reply health() const;

    p2pcdn_tracker* tracker_;
    stats_pusher& pusher_;
};

}  // namespace p2pcdn_cli
