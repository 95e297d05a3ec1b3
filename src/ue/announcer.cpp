#include "ue/announcer.hpp"

#include "core/error.hpp"
#include "http/origin.hpp"
#include "http/redact.hpp"
#include "http/url_policy.hpp"
#include "ue/announce_answer.hpp"

#include <utility>

namespace p2pcdn::ue {
namespace {

std::string announce_url_of(std::string base, const http::url_policy& policy) {
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    http::origin_of(base);  // errc::invalid for a URL libcurl cannot read
    http::check_url(policy, base);
    if (base.find_first_of("?#") != std::string::npos) {
        fail(errc::invalid, "tracker URL {} has a query or fragment", http::redact_url(base));
    }
    return base + "/announce";
}

}  // namespace

announcer::announcer(announcer_config config)
    : url_(announce_url_of(std::move(config.tracker_url), config.http.policy)),
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
