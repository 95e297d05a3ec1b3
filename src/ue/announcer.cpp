#include "ue/announcer.hpp"

#include "http/base_url.hpp"
#include "http/redact.hpp"
#include "ue/announce_answer.hpp"

#include <utility>

namespace p2pcdn::ue {

announcer::announcer(announcer_config config)
    : url_(
          http::checked_base_url(std::move(config.tracker_url), config.http.policy, "tracker URL") +
          "/announce"),
      redacted_(http::redact_url(url_)),
      client_(std::move(config.http)) {}

peer_list announcer::announce(const announce_message& message) {
    http::request req;
    req.method = "POST";
    req.url = url_;
    // An announce goes to the tracker it was meant for, or fails: common practice turns a POST
    // redirected by 301 or 302 into a GET, which would no longer be an announce.
    req.follow_redirects = false;
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = encode_announce_json(message);
    const http::response res = client_.perform(std::move(req));
    return read_announce_answer(res, message, redacted_, client_.config().max_response_bytes);
}

}  // namespace p2pcdn::ue
