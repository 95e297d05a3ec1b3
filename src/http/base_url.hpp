// The base URL of an HTTP API whose endpoints are paths appended to it (a tracker daemon's
// "http://host:6969" + "/announce"): read and checked once, so every request URL made from it
// is one the client may use.
#pragma once

#include "http/url_policy.hpp"

#include <string>
#include <string_view>

namespace p2pcdn::http {

// The URL without its trailing '/'s, so that base + "/path" is the endpoint. `what` names it
// in messages ("tracker URL"). Throws errc::invalid for a URL libcurl cannot read or one with
// a query or fragment (a path appended to it would land inside them), errc::protocol for a
// scheme the policy refuses.
std::string checked_base_url(std::string url, const url_policy& policy, std::string_view what);

}  // namespace p2pcdn::http
