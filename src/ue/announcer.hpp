// The UE's announce to the tracker daemon over HTTP (TR 23.844 steps 1 and 6; docs/protocol.md,
// "Tracker HTTP API"): POST {tracker_url}/announce with the JSON announce request, answered
// with the JSON peer list. Blocking, on the library's one HTTP client; one thread at a time.
#pragma once

#include "http/client.hpp"
#include "wire/announce_json.hpp"
#include "wire/peer_list.hpp"

#include <cstdint>
#include <string>

namespace p2pcdn::ue {

struct announcer_config {
    std::string tracker_url;  // the daemon's base URL; a trailing '/' is ignored
    http::client_config http;
};

class announcer {
public:
    // Throws errc::invalid for a URL libcurl cannot read or one with a query or fragment,
    // errc::protocol for a scheme the policy refuses, errc::invalid for bad HTTP settings.
    explicit announcer(announcer_config config);

    // Sends the announce and waits. Throws errc::invalid (validate_announce_message) before
    // sending anything, then as read_announce_answer (announce_answer.hpp).
    peer_list announce(const announce_message& message);

    const std::string& announce_url() const noexcept { return url_; }

private:
    std::string url_;       // {tracker_url}/announce
    std::string redacted_;  // url_ as messages show it
    http::client client_;
};

}  // namespace p2pcdn::ue
